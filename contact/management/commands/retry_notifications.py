"""
Queue one more try, now, of the enquiry mails that are still owed: by hand, for an operator.

The task worker already retries a failed mail by itself, after 1 minute, 5 minutes and so on up to
12 hours (DJANGO_MAIL_RETRY_DELAYS). Use this when that is not enough: once a mail server that was
down for longer is fixed, after the worker was stopped for a long time, or to pick up a mail left
"sending" by a worker that died (see docs/enquiries.md, "at least once"). The worker sends what
this queues; a mail that is sent meanwhile is not sent twice.
"""

import datetime

from django.core.management.base import BaseCommand

from contact.services import notifications_retry


class Command(BaseCommand):
    help = "Queue one more try of the enquiry mails that are still pending, failed or stuck."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=5,
            metavar="MINUTES",
            help="Leave alone mails received or last tried less than this many minutes ago (default 5).",
        )

    def handle(self, *args, older_than: int, **options):
        queued = notifications_retry(older_than=datetime.timedelta(minutes=older_than))
        # References only: the output ends up in logs.
        for reference, mail in queued:
            self.stdout.write(f"{reference}: {mail.label.lower()} queued")
        if not queued:
            self.stdout.write("No mails to retry.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Queued {len(queued)} mails; the task worker (manage.py db_worker) sends them."
            )
        )
