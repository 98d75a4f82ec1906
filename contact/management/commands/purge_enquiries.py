"""
Carry out the retention policy for enquiries (contact/retention.py; PDPA): close the enquiries
nobody has changed for CONTACT_AUTO_CLOSE_MONTHS (default 6), then delete the closed enquiries
last changed more than CONTACT_RETENTION_MONTHS ago (default 24), with their notes and admin
history. The privacy notice states the same two periods from the same settings.

Run it daily (cron or a systemd timer, see docs/operations.md); --dry-run shows what would happen.
"""

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from contact.models import Enquiry
from contact.retention import months_before, retention_policy

BATCH = 1000  # enquiries deleted per statement


class Command(BaseCommand):
    help = "Close enquiries left untouched, and delete closed enquiries past the retention period."

    def add_arguments(self, parser):
        policy = retention_policy()
        parser.add_argument(
            "--months",
            type=int,
            default=None,
            help="Delete closed enquiries last changed this many months ago or more "
            f"(default CONTACT_RETENTION_MONTHS, now {policy.retention_months}).",
        )
        parser.add_argument(
            "--close-after-months",
            type=int,
            default=None,
            help="Close open enquiries nobody has changed for this many months "
            f"(default CONTACT_AUTO_CLOSE_MONTHS, now {policy.auto_close_months}).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be closed and deleted; change nothing."
        )

    def handle(self, *args, months: int | None, close_after_months: int | None, dry_run: bool, **options):
        policy = retention_policy()
        months = policy.retention_months if months is None else months
        close_after = policy.auto_close_months if close_after_months is None else close_after_months
        if months < 1 or close_after < 1:
            raise CommandError("--months and --close-after-months must be 1 or more.")
        now = timezone.now()
        close_cutoff = months_before(now, close_after)
        delete_cutoff = months_before(now, months)
        would = "would be " if dry_run else ""
        # References only, never names or contact details: the output ends up in logs.
        with transaction.atomic():
            untouched = Q(status__in=Enquiry.OPEN_STATUSES, updated_at__lt=close_cutoff)
            to_close = list(
                Enquiry.objects.filter(untouched).order_by("created_at").values_list("reference", flat=True)
            )
            for reference in to_close:
                self.stdout.write(f"{reference}: {would}closed")
            # Closed by a coordinator, or just now by rule, and past the retention period.
            expired = Enquiry.objects.filter(
                Q(status=Enquiry.Status.CLOSED) | untouched, updated_at__lt=delete_cutoff
            )
            rows = list(expired.order_by("created_at").values_list("pk", "reference"))
            for _, reference in rows:
                self.stdout.write(f"{reference}: {would}deleted")
            summary = (
                f"{len(to_close)} open enquiries not changed since {close_cutoff:%Y-%m-%d} {would}closed; "
                f"{len(rows)} closed enquiries last changed before {delete_cutoff:%Y-%m-%d} {would}deleted"
            )
            if dry_run:
                self.stdout.write(f"Dry run: {summary}.")
                return
            # update(), not save(): closing by rule is not a change by a coordinator, so the
            # retention period still counts from the enquiry's last real change.
            Enquiry.objects.filter(untouched).update(status=Enquiry.Status.CLOSED)
            notes = 0
            enquiry_type = ContentType.objects.get_for_model(Enquiry)
            for start in range(0, len(rows), BATCH):
                pks = [pk for pk, _ in rows[start : start + BATCH]]
                LogEntry.objects.filter(
                    content_type=enquiry_type, object_id__in=[str(pk) for pk in pks]
                ).delete()
                _, per_model = Enquiry.objects.filter(pk__in=pks).delete()
                notes += per_model.get("contact.EnquiryNote", 0)
        self.stdout.write(self.style.SUCCESS(f"{summary[0].upper()}{summary[1:]}, with {notes} notes."))
