"""
Delete closed enquiries (with their notes and admin history) after the retention period.

PDPA: personal data is kept no longer than needed. The period is CONTACT_RETENTION_MONTHS
(default 24, as the privacy notice says), counted from the enquiry's last update. Run it daily
(cron or a systemd timer, see docs/enquiries.md); --dry-run shows what would go.
"""

import datetime

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from contact.models import Enquiry


def months_before(moment: datetime.datetime, months: int) -> datetime.datetime:
    """The same day and time `months` calendar months earlier (the month's last day if shorter)."""
    month_index = moment.year * 12 + (moment.month - 1) - months
    year, month = divmod(month_index, 12)
    month += 1
    next_month = datetime.date(year + (month == 12), month % 12 + 1, 1)
    last_day = (next_month - datetime.timedelta(days=1)).day
    return moment.replace(year=year, month=month, day=min(moment.day, last_day))


class Command(BaseCommand):
    help = "Delete closed enquiries whose last update is older than the retention period."

    def add_arguments(self, parser):
        parser.add_argument(
            "--months",
            type=int,
            default=None,
            help=f"Retention period in months (default CONTACT_RETENTION_MONTHS, now {settings.CONTACT_RETENTION_MONTHS}).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be deleted; delete nothing."
        )

    def handle(self, *args, months: int | None, dry_run: bool, **options):
        months = settings.CONTACT_RETENTION_MONTHS if months is None else months
        if months < 1:
            raise CommandError("--months must be 1 or more.")
        cutoff = months_before(timezone.now(), months)
        expired = Enquiry.objects.closed().filter(updated_at__lt=cutoff)
        with transaction.atomic():
            rows = list(expired.order_by("created_at").values_list("pk", "reference"))
            # References only: no names or contact details in the output (it ends up in logs).
            for _, reference in rows:
                self.stdout.write(reference)
            if dry_run:
                self.stdout.write(
                    f"Dry run: {len(rows)} closed enquiries last updated before {cutoff:%Y-%m-%d} "
                    "would be deleted."
                )
                return
            pks = [pk for pk, _ in rows]
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(Enquiry), object_id__in=[str(pk) for pk in pks]
            ).delete()
            _, per_model = Enquiry.objects.filter(pk__in=pks).delete()
        notes = per_model.get("contact.EnquiryNote", 0)
        self.stdout.write(
            self.style.SUCCESS(
                f"Deleted {len(rows)} closed enquiries last updated before {cutoff:%Y-%m-%d}, "
                f"with {notes} notes."
            )
        )
