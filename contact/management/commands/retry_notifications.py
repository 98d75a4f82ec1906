"""
Send again the enquiry emails that are still pending or failed.

Run it every few minutes in production (cron or a systemd timer, see docs/enquiries.md). With the default
ImmediateBackend the mails go out while the command runs; with a task worker configured in TASKS
the command only enqueues them.
"""

import datetime

from django.core.management.base import BaseCommand

from contact.models import Enquiry
from contact.services import notifications_retry


class Command(BaseCommand):
    help = "Retry the notification emails of enquiries whose emails are still pending or failed."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=5,
            metavar="MINUTES",
            help="Leave alone enquiries received or last tried less than this many minutes ago (default 5).",
        )
        parser.add_argument(
            "--max-attempts",
            type=int,
            default=10,
            help="Stop retrying an enquiry after this many attempts (default 10); it stays 'failed' "
            "in the admin for the coordinators to follow up.",
        )

    def handle(self, *args, older_than: int, max_attempts: int, **options):
        retried = notifications_retry(
            older_than=datetime.timedelta(minutes=older_than), max_attempts=max_attempts
        )
        if not retried:
            self.stdout.write("No notifications to retry.")
            return
        # References only: the output ends up in cron mail and logs.
        statuses = {
            enquiry.reference: enquiry.notification_status
            for enquiry in Enquiry.objects.filter(pk__in=[enquiry.pk for enquiry in retried])
        }
        for reference, status in sorted(statuses.items()):
            self.stdout.write(f"{reference}: {status}")
        still_failing = sum(1 for status in statuses.values() if status == Enquiry.MailStatus.FAILED)
        summary = f"Retried {len(retried)} enquiries; {still_failing} still failing."
        self.stdout.write(self.style.WARNING(summary) if still_failing else self.style.SUCCESS(summary))
