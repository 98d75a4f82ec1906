import datetime

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from contact.models import Enquiry, EnquiryNote
from contact.retention import months_before
from tests.contact.conftest import make_enquiry, queued_mails

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


def test_retry_command_queues_failed_mail_by_reference_and_the_worker_sends_it(
    coordinator_emails, mailoutbox
):
    failed = age(make_enquiry(coordinator_mail="failed", acknowledgement_mail="failed"), minutes=30)
    out = run("retry_notifications")
    assert f"{failed.reference}: coordinator notice queued" in out
    assert f"{failed.reference}: acknowledgement to patient queued" in out
    assert "Queued 2 mails" in out
    assert "Tan Mei Ling" not in out and "mei.ling" not in out
    assert mailoutbox == []  # the command only queues: the worker sends
    assert sorted(queued_mails()) == [(failed.pk, "acknowledgement"), (failed.pk, "coordinator")]


def test_retry_command_with_nothing_to_do():
    make_enquiry()  # pending but only just received: its first try is queued already
    make_enquiry(coordinator_mail="sent", acknowledgement_mail="sent")
    assert "No mails to retry." in run("retry_notifications")
    assert queued_mails() == []


def test_retry_command_minutes_can_be_shortened():
    fresh = make_enquiry(coordinator_mail="failed", acknowledgement_mail="sent")
    assert "No mails to retry." in run("retry_notifications")
    assert f"{fresh.reference}: coordinator notice queued" in run("retry_notifications", "--older-than", "0")


# --- purge_enquiries ---


@pytest.fixture
def enquiries_of_all_ages():
    old_closed = age(make_enquiry(status="closed"), days=800)
    EnquiryNote.objects.create(enquiry=old_closed, text="Booked an appointment.")
    return {
        "old_closed": old_closed,
        "old_open": age(make_enquiry(status="waiting"), days=800),
        "quiet_open": age(make_enquiry(status="in_progress"), days=200),
        "recent_closed": age(make_enquiry(status="closed"), days=300),
        "recent_open": age(make_enquiry(status="waiting"), days=20),
        "new": make_enquiry(),
    }


def state(enquiry: Enquiry) -> str | None:
    """The enquiry's status now, or None once it is deleted."""
    return Enquiry.objects.filter(pk=enquiry.pk).values_list("status", flat=True).first()


def test_purge_dry_run_lists_but_changes_nothing(enquiries_of_all_ages):
    out = run("purge_enquiries", "--dry-run")
    e = enquiries_of_all_ages
    assert f"{e['old_closed'].reference}: would be deleted" in out
    assert f"{e['old_open'].reference}: would be closed" in out
    assert f"{e['old_open'].reference}: would be deleted" in out
    assert f"{e['quiet_open'].reference}: would be closed" in out
    assert "Dry run: 2 open enquiries" in out and "2 closed enquiries" in out
    assert Enquiry.objects.count() == 6
    assert state(e["quiet_open"]) == "in_progress"
    assert EnquiryNote.objects.count() == 1


def test_purge_closes_untouched_enquiries_and_deletes_closed_ones_past_the_period(enquiries_of_all_ages):
    e = enquiries_of_all_ages
    quiet_last_change = Enquiry.objects.get(pk=e["quiet_open"].pk).updated_at
    out = run("purge_enquiries")
    assert "2 open enquiries not changed since" in out and "closed; 2 closed enquiries" in out
    assert "with 1 notes" in out
    assert "Tan Mei Ling" not in out and "mei.ling" not in out
    # Never closed by hand, untouched for 800 days: closed, then deleted like any other.
    assert state(e["old_open"]) is None
    assert state(e["old_closed"]) is None
    assert EnquiryNote.objects.count() == 0
    # Untouched for 200 days: closed, and its retention still counts from its last real change.
    assert state(e["quiet_open"]) == "closed"
    assert Enquiry.objects.get(pk=e["quiet_open"].pk).updated_at == quiet_last_change
    assert (state(e["recent_closed"]), state(e["recent_open"]), state(e["new"])) == (
        "closed",
        "waiting",
        "new",
    )


def test_purge_periods_can_be_changed_on_the_command_line(enquiries_of_all_ages):
    run("purge_enquiries", "--months", "6", "--close-after-months", "12")
    e = enquiries_of_all_ages
    assert state(e["recent_closed"]) is None
    assert state(e["quiet_open"]) == "in_progress"  # 200 days: not yet 12 months
    assert Enquiry.objects.count() == 3


def test_purge_periods_come_from_the_settings(enquiries_of_all_ages, settings):
    settings.CONTACT_RETENTION_MONTHS = 36
    settings.CONTACT_AUTO_CLOSE_MONTHS = 36
    assert "0 open enquiries" in run("purge_enquiries")
    assert Enquiry.objects.count() == 6


def test_purge_also_removes_the_admin_history_of_deleted_enquiries(enquiries_of_all_ages, admin_user):
    old, new = enquiries_of_all_ages["old_closed"], enquiries_of_all_ages["new"]
    LogEntry.objects.log_actions(
        user_id=admin_user.pk, queryset=[old, new], action_flag=CHANGE, change_message="x"
    )
    run("purge_enquiries")
    assert list(LogEntry.objects.values_list("object_id", flat=True)) == [str(new.pk)]


@pytest.mark.parametrize("option", ["--months", "--close-after-months"])
def test_purge_refuses_a_period_below_one_month(option):
    with pytest.raises(CommandError):
        run("purge_enquiries", option, "0")


def test_the_privacy_notice_states_the_periods_the_command_uses(client, settings):
    settings.CONTACT_RETENTION_MONTHS = 18
    settings.CONTACT_AUTO_CLOSE_MONTHS = 4
    html = client.get(reverse("privacy")).content.decode()
    assert "We delete each enquiry 18 months after we last worked on it." in html
    assert "not worked on for 4 months is closed" in html


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
