"""DJANGO_NOTIFICATIONS=worker: the patient's request only saves the enquiry, and
`manage.py notification_worker` sends its two mails, retries failures later and never sends a
mail twice."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from contact.models import Enquiry
from contact.notifications import enquiry_notify, notify
from contact.services import notifications_due
from tests.contact.conftest import make_enquiry, valid_post

pytestmark = pytest.mark.django_db

RETRY_AFTER = datetime.timedelta(minutes=5)


@pytest.fixture
def worker_mode(settings, coordinator_emails):
    settings.CONTACT_NOTIFICATIONS = "worker"


def run_worker(*args: str) -> str:
    output = StringIO()
    call_command("notification_worker", "--once", *args, stdout=output)
    return output.getvalue()


def test_in_worker_mode_the_request_saves_the_enquiry_and_sends_nothing(
    client, worker_mode, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("contact:form"), valid_post())
    assert response.status_code == 302
    assert callbacks == []
    assert mailoutbox == []
    enquiry = Enquiry.objects.get()
    assert (enquiry.coordinator_mail, enquiry.acknowledgement_mail) == ("pending", "pending")
    assert enquiry.notification_attempts == 0


def test_the_worker_sends_both_mails_of_a_new_enquiry_once(worker_mode, mailoutbox):
    enquiry = make_enquiry()
    assert "1 enquiries handled" in run_worker()
    assert sorted(mail.subject for mail in mailoutbox) == [
        f"New enquiry {enquiry.reference}",
        f"We have received your message (reference {enquiry.reference})",
    ]
    enquiry.refresh_from_db()
    assert (enquiry.coordinator_mail, enquiry.acknowledgement_mail) == ("sent", "sent")
    assert enquiry.notification_attempts == 1
    assert "0 enquiries handled" in run_worker()  # nothing left: nothing sent again
    assert len(mailoutbox) == 2


def test_the_worker_sends_the_oldest_first_and_skips_what_is_done(worker_mode, mailoutbox):
    newer = make_enquiry()
    older = make_enquiry()
    Enquiry.objects.filter(pk=older.pk).update(created_at=timezone.now() - datetime.timedelta(hours=1))
    make_enquiry(coordinator_mail="sent", acknowledgement_mail="sent")
    make_enquiry(acknowledgement_mail="not_needed", coordinator_mail="sent")
    assert list(notifications_due(retry_after=RETRY_AFTER, max_attempts=10)) == [older, newer]
    run_worker()
    assert [mail.subject for mail in mailoutbox if mail.subject.startswith("New")] == [
        f"New enquiry {older.reference}",
        f"New enquiry {newer.reference}",
    ]


def test_a_failed_mail_is_tried_again_only_after_the_retry_delay(
    worker_mode, settings, failing_mail, mailoutbox
):
    enquiry = make_enquiry()
    run_worker()
    enquiry.refresh_from_db()
    assert enquiry.notification_status == Enquiry.MailStatus.FAILED
    assert "mail server unreachable" in enquiry.notification_error
    assert "0 enquiries handled" in run_worker()  # just tried: not yet

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    Enquiry.objects.filter(pk=enquiry.pk).update(
        notification_attempted_at=timezone.now() - RETRY_AFTER - datetime.timedelta(seconds=1)
    )
    assert "1 enquiries handled" in run_worker()
    enquiry.refresh_from_db()
    assert (enquiry.coordinator_mail, enquiry.acknowledgement_mail) == ("sent", "sent")
    assert enquiry.notification_attempts == 2
    assert enquiry.notification_error == ""
    assert len(mailoutbox) == 2


def test_the_worker_gives_up_after_the_last_attempt(worker_mode, mailoutbox):
    long_ago = timezone.now() - datetime.timedelta(days=1)
    make_enquiry(coordinator_mail="failed", notification_attempts=3, notification_attempted_at=long_ago)
    assert "0 enquiries handled" in run_worker("--max-attempts", "3")
    assert mailoutbox == []
    assert "1 enquiries handled" in run_worker("--max-attempts", "4")


def test_a_worker_that_read_the_enquiry_before_another_claimed_it_sends_nothing(worker_mode, mailoutbox):
    enquiry = make_enquiry()
    read_by_second_worker = Enquiry.objects.get(pk=enquiry.pk)
    assert notify(Enquiry.objects.get(pk=enquiry.pk)) == {
        "coordinator_mail": "sent",
        "acknowledgement_mail": "sent",
    }
    assert notify(read_by_second_worker) == {}
    assert len(mailoutbox) == 2


def test_a_late_task_sends_nothing_once_another_run_has_counted_an_attempt(coordinator_emails, mailoutbox):
    enquiry = make_enquiry(coordinator_mail="failed", notification_attempts=1)
    # Enqueued by a retry when the enquiry had one attempt; meanwhile another run counted one.
    Enquiry.objects.filter(pk=enquiry.pk).update(notification_attempts=2)
    assert enquiry_notify(enquiry_id=enquiry.pk, attempts=1) == {}
    assert mailoutbox == []
    assert enquiry_notify(enquiry_id=enquiry.pk, attempts=2) != {}
    assert len(mailoutbox) == 2
