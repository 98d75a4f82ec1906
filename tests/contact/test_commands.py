import datetime

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.management import CommandError, call_command
from django.utils import timezone

from contact.management.commands.purge_enquiries import months_before
from contact.models import Enquiry, EnquiryNote
from tests.contact.conftest import make_enquiry

pytestmark = pytest.mark.django_db


def age(enquiry: Enquiry, **delta) -> Enquiry:
    when = timezone.now() - datetime.timedelta(**delta)
    Enquiry.objects.filter(pk=enquiry.pk).update(created_at=when, updated_at=when)
    return enquiry


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


# --- retry_notifications ---


def test_retry_command_resends_failed_mail_and_reports_by_reference(coordinator_emails, mailoutbox):
    failed = age(make_enquiry(coordinator_mail="failed", acknowledgement_mail="failed"), minutes=30)
    out = run("retry_notifications")
    assert f"{failed.reference}: sent" in out
    assert "Retried 1 enquiries; 0 still failing." in out
    assert len(mailoutbox) == 2
    assert "Tan Mei Ling" not in out and "mei.ling" not in out


def test_retry_command_reports_what_still_fails(coordinator_emails, failing_mail):
    age(make_enquiry(), minutes=30)
    out = run("retry_notifications", "--older-than", "10")
    assert "1 still failing" in out
    assert Enquiry.objects.get().notification_status == Enquiry.MailStatus.FAILED


def test_retry_command_with_nothing_to_do(mailoutbox):
    make_enquiry()  # pending but only just received
    assert "No notifications to retry." in run("retry_notifications")
    assert mailoutbox == []


# --- purge_enquiries ---


@pytest.fixture
def enquiries_of_all_ages():
    old_closed = age(make_enquiry(status="closed"), days=800)
    EnquiryNote.objects.create(enquiry=old_closed, text="Booked an appointment.")
    return {
        "old_closed": old_closed,
        "old_open": age(make_enquiry(status="waiting"), days=800),
        "recent_closed": age(make_enquiry(status="closed"), days=300),
        "new": make_enquiry(),
    }


def test_purge_dry_run_lists_but_deletes_nothing(enquiries_of_all_ages):
    out = run("purge_enquiries", "--dry-run")
    assert enquiries_of_all_ages["old_closed"].reference in out
    assert "Dry run: 1 closed enquiries" in out
    assert Enquiry.objects.count() == 4
    assert EnquiryNote.objects.count() == 1


def test_purge_deletes_only_closed_enquiries_past_the_retention_period(enquiries_of_all_ages):
    out = run("purge_enquiries")
    old = enquiries_of_all_ages["old_closed"]
    assert old.reference in out
    assert "Deleted 1 closed enquiries" in out and "with 1 notes" in out
    assert "Tan Mei Ling" not in out and "mei.ling" not in out
    assert not Enquiry.objects.filter(pk=old.pk).exists()
    assert EnquiryNote.objects.count() == 0
    assert Enquiry.objects.count() == 3


def test_purge_period_can_be_shortened(enquiries_of_all_ages):
    run("purge_enquiries", "--months", "6")
    remaining = set(Enquiry.objects.values_list("status", flat=True))
    assert Enquiry.objects.count() == 2
    assert remaining == {"waiting", "new"}


def test_purge_period_comes_from_the_settings(enquiries_of_all_ages, settings):
    settings.CONTACT_RETENTION_MONTHS = 36
    assert "Deleted 0 closed enquiries" in run("purge_enquiries")
    assert Enquiry.objects.count() == 4


def test_purge_also_removes_the_admin_history_of_deleted_enquiries(enquiries_of_all_ages, admin_user):
    old, new = enquiries_of_all_ages["old_closed"], enquiries_of_all_ages["new"]
    LogEntry.objects.log_actions(
        user_id=admin_user.pk, queryset=[old, new], action_flag=CHANGE, change_message="x"
    )
    run("purge_enquiries")
    assert list(LogEntry.objects.values_list("object_id", flat=True)) == [str(new.pk)]


def test_purge_refuses_a_period_below_one_month():
    with pytest.raises(CommandError):
        run("purge_enquiries", "--months", "0")


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        (datetime.datetime(2026, 11, 21, 9, 30), 24, datetime.datetime(2024, 11, 21, 9, 30)),
        (datetime.datetime(2026, 3, 31), 1, datetime.datetime(2026, 2, 28)),
        (datetime.datetime(2024, 3, 31), 1, datetime.datetime(2024, 2, 29)),
        (datetime.datetime(2026, 1, 15), 1, datetime.datetime(2025, 12, 15)),
        (datetime.datetime(2026, 12, 31), 12, datetime.datetime(2025, 12, 31)),
    ],
)
def test_months_before_counts_calendar_months(moment, months, expected):
    assert months_before(moment, months) == expected
