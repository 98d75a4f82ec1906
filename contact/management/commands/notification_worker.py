"""
Send the mails about new enquiries from a process of their own.

With DJANGO_NOTIFICATIONS=worker the patient's request only saves the enquiry, its mail "pending";
this worker finds such enquiries every few seconds and sends the coordinators' notice and the
patient's acknowledgement. A failed mail is tried again after --retry-after minutes, up to
--max-attempts times; after that it stays "failed" in the admin for the coordinators to follow up.

Run one (or more: each enquiry is claimed before its mail is sent, so two workers never send the
same mail twice) beside the app servers, e.g. as a systemd service; see docs/operations.md, Deployment.
--once sends what is due and exits (for cron, or to drain the queue by hand).
"""

import datetime
import logging
import signal
import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections

from contact.services import notifications_send_due

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Send the notification mails of new enquiries (DJANGO_NOTIFICATIONS=worker)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval",
            type=float,
            default=2.0,
            metavar="SECONDS",
            help="How long to wait before looking again when nothing is due (default 2).",
        )
        parser.add_argument(
            "--retry-after",
            type=int,
            default=5,
            metavar="MINUTES",
            help="Try a failed mail again after this many minutes (default 5).",
        )
        parser.add_argument(
            "--max-attempts",
            type=int,
            default=10,
            help="Stop trying an enquiry's mail after this many attempts (default 10).",
        )
        parser.add_argument("--once", action="store_true", help="Send what is due now, then exit.")

    def handle(self, *args, interval: float, retry_after: int, max_attempts: int, once: bool, **options):
        self.running = True
        if not once:
            # Finish the enquiry in hand, then stop: a mail is never cut off half-sent.
            signal.signal(signal.SIGTERM, self._stop)
            signal.signal(signal.SIGINT, self._stop)
            self.stdout.write("Notification worker started.")
        handled = 0
        while self.running:
            if not once:
                close_old_connections()  # a database restarted meanwhile: connect afresh
            try:
                sent = notifications_send_due(
                    retry_after=datetime.timedelta(minutes=retry_after), max_attempts=max_attempts
                )
            except DatabaseError as error:
                # The database is away: the enquiries are safe in it, so wait and look again.
                logger.warning("notification worker: database unavailable (%s)", type(error).__name__)
                if once:
                    raise
                self._sleep(interval)
                continue
            handled += sent
            if once and not sent:
                break
            if not sent:
                self._sleep(interval)
        # Counts only: the output ends up in logs.
        self.stdout.write(f"Notification worker stopped; {handled} enquiries handled.")

    def _stop(self, signum, frame) -> None:
        self.running = False

    def _sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while self.running and time.monotonic() < deadline:
            time.sleep(min(0.2, seconds))
