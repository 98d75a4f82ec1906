"""Saving an enquiry, and its two mails through the one pipeline: tasks stored with the enquiry
(django-tasks-db), run by the task worker's own code (`db_worker --batch`, in this process)."""

import datetime
import logging
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from contact import services
from contact.models import Enquiry, Mail, MailStatus
from contact.notifications import ACKNOWLEDGEMENTS_PER_ADDRESS
from contact.services import STUCK_AFTER, enquiry_mail_claim, enquiry_take, notifications_retry
from tests.contact.conftest import (
    make_condition,
    make_enquiry,
    make_staff,
    queued_mails,
    run_worker,
    submit,
    valid_post,
    working_mail,
)

# The worker runs as in production, so it commits and checks its connection as it goes: a test
# transaction around it would not do.
pytestmark = pytest.mark.django_db(transaction=True)


def make_due() -> None:
    """Let the clock pass every retry's delay: the queued tries become due now."""
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())


def test_an_enquiry_is_saved_with_its_two_mails_queued_and_nothing_sent(no_mail_here):
    enquiry = submit()
    assert queued_mails() == [(enquiry.pk, "coordinator"), (enquiry.pk, "acknowledgement")]
    enquiry.refresh_from_db()
    assert (enquiry.coordinator_mail, enquiry.acknowledgement_mail) == ("pending", "pending")


def test_the_enquiry_and_its_mail_task_are_stored_together_or_not_at_all(monkeypatch):
    """One transaction: if the task cannot be stored, neither is the enquiry (the patient sees an
    error and their text is still in the form), so no enquiry ever waits for a mail never queued."""

    class UnreachableQueue:
        def enqueue(self, **kwargs):
            raise ConnectionError("the queue's table is unreachable")

    monkeypatch.setattr(services, "send_enquiry_mails", UnreachableQueue())
    with pytest.raises(ConnectionError):
        submit()
    assert Enquiry.objects.count() == 0
    assert DBTaskResult.objects.count() == 0


def test_the_worker_sends_both_mails_and_records_each(coordinator_emails, mailoutbox):
    enquiry = submit(condition=make_condition())
    assert mailoutbox == []
    run_worker()
    coordinator_mail, acknowledgement = mailoutbox
    assert coordinator_mail.to == coordinator_emails
    assert coordinator_mail.subject == f"New enquiry {enquiry.reference}"
    assert f"/admin/contact/enquiry/{enquiry.pk}/change/" in coordinator_mail.body
    assert acknowledgement.to == ["mei.ling@example.com"]
    assert enquiry.reference in acknowledgement.subject
    assert enquiry.reference in acknowledgement.body
    assert "995" in acknowledgement.body
    enquiry.refresh_from_db()
    assert (enquiry.coordinator_mail, enquiry.coordinator_mail_attempts) == (MailStatus.SENT, 1)
    assert (enquiry.acknowledgement_mail, enquiry.acknowledgement_mail_attempts) == (MailStatus.SENT, 1)
    assert enquiry.coordinator_mail_tried_at is not None
    assert queued_mails() == []
    run_worker()  # nothing left to do: nothing sent again
    assert len(mailoutbox) == 2


def test_no_mail_carries_health_details_or_the_message(coordinator_emails, mailoutbox):
    submit(
        condition=make_condition(),
        message="Secret symptom description",
        calculator_result={"smc_grade": 2, "smc_roman": "II"},
    )
    run_worker()
    assert len(mailoutbox) == 2
    for sent in mailoutbox:
        text = sent.subject + sent.body
        for private in ["Secret symptom", "Hemifacial", "hemifacial", "SMC", "+6591234567"]:
            assert private not in text
    assert "Tan Mei Ling" not in mailoutbox[0].subject + mailoutbox[0].body


def test_an_address_gets_at_most_three_acknowledgements_a_day(coordinator_emails, mailoutbox):
    """Anyone can type anyone's address: the site must not be a way to flood an inbox."""
    enquiries = [submit(email=email) for email in ["victim@example.com", "Victim@Example.com"] * 2]
    run_worker()
    acknowledged = [m for m in mailoutbox if m.to != coordinator_emails]
    assert len(acknowledged) == ACKNOWLEDGEMENTS_PER_ADDRESS == 3
    assert len(mailoutbox) - len(acknowledged) == 4  # every enquiry still reaches the coordinators
    last = Enquiry.objects.get(pk=enquiries[-1].pk)
    assert last.acknowledgement_mail == MailStatus.NOT_NEEDED
    assert last.coordinator_mail == MailStatus.SENT
    Enquiry.objects.filter(pk__in=[e.pk for e in enquiries]).update(
        created_at=timezone.now() - datetime.timedelta(hours=25)
    )
    submit(email="victim@example.com")  # a day later: acknowledged again
    run_worker()
    assert ["victim@example.com"] in [m.to for m in mailoutbox[-2:]]


def test_the_acknowledgement_holds_the_reference_and_nothing_the_patient_wrote(
    coordinator_emails, mailoutbox
):
    enquiry = submit(name="Tan Mei Ling", message="My left eye twitches.", phone="+6591234567")
    run_worker()
    (acknowledgement,) = [m for m in mailoutbox if m.to == ["mei.ling@example.com"]]
    assert enquiry.reference in acknowledgement.body
    for private in ["Tan Mei Ling", "left eye", "+6591234567", "9123"]:
        assert private not in acknowledgement.subject + acknowledgement.body


def test_no_acknowledgement_without_an_email_address(coordinator_emails, mailoutbox):
    enquiry = submit(email="", preferred_contact=Enquiry.ContactMethod.PHONE)
    assert queued_mails() == [(enquiry.pk, "coordinator")]
    run_worker()
    assert [m.to for m in mailoutbox] == [coordinator_emails]
    enquiry.refresh_from_db()
    assert enquiry.acknowledgement_mail == MailStatus.NOT_NEEDED
    assert enquiry.notification_status == MailStatus.SENT


def test_without_coordinator_addresses_the_clinic_email_is_used(settings, mailoutbox):
    from clinic.models import ClinicProfile

    settings.CONTACT_COORDINATOR_EMAILS = []
    profile = ClinicProfile.defaults()
    profile.email = "care@clinic.example.sg"
    profile.save()
    submit()
    run_worker()
    assert mailoutbox[0].to == ["care@clinic.example.sg"]


def test_without_any_coordinator_address_the_notice_is_recorded_as_failed(settings, mailoutbox):
    settings.CONTACT_COORDINATOR_EMAILS = []
    enquiry = submit()
    run_worker()
    enquiry.refresh_from_db()
    assert enquiry.coordinator_mail == MailStatus.FAILED
    assert "DJANGO_COORDINATOR_EMAILS" in enquiry.coordinator_mail_error
    assert enquiry.acknowledgement_mail == MailStatus.SENT
    assert enquiry.acknowledgement_mail_error == ""


def test_a_failed_mail_is_recorded_and_tried_again_after_the_first_delay(
    settings, coordinator_emails, failing_mail
):
    settings.CONTACT_MAIL_RETRY_DELAYS = [60, 300]
    enquiry = submit()
    before = timezone.now()
    run_worker()
    enquiry.refresh_from_db()
    for mail in Mail:
        assert enquiry.mail_status(mail) == MailStatus.FAILED
    assert enquiry.coordinator_mail_error == "ConnectionRefusedError: mail server unreachable"
    assert enquiry.acknowledgement_mail_error == "ConnectionRefusedError: mail server unreachable"
    assert (enquiry.coordinator_mail_attempts, enquiry.acknowledgement_mail_attempts) == (1, 1)
    assert enquiry.notification_status == MailStatus.FAILED
    # One new try of each mail is queued, a minute on: not due yet, so the worker leaves it.
    assert queued_mails() == [(enquiry.pk, "coordinator"), (enquiry.pk, "acknowledgement")]
    for run_after in DBTaskResult.objects.filter(status="READY").values_list("run_after", flat=True):
        assert (
            before + datetime.timedelta(seconds=60)
            <= run_after
            <= timezone.now() + datetime.timedelta(seconds=60)
        )
    run_worker()
    enquiry.refresh_from_db()
    assert enquiry.coordinator_mail_attempts == 1


def test_retries_back_off_and_stop_after_the_last_delay(settings, coordinator_emails, failing_mail):
    settings.CONTACT_MAIL_RETRY_DELAYS = [60, 300]
    enquiry = submit(email="", preferred_contact=Enquiry.ContactMethod.PHONE)
    run_worker()  # attempt 1: next in 60 s
    make_due()
    started = timezone.now()
    run_worker()  # attempt 2: next in 300 s
    (run_after,) = DBTaskResult.objects.filter(status="READY").values_list("run_after", flat=True)
    assert started + datetime.timedelta(seconds=300) <= run_after
    make_due()
    run_worker()  # attempt 3: the last
    enquiry.refresh_from_db()
    assert (enquiry.coordinator_mail, enquiry.coordinator_mail_attempts) == (MailStatus.FAILED, 3)
    assert queued_mails() == []


def test_a_retry_sends_what_failed_once_the_mail_server_is_back(
    settings, coordinator_emails, failing_mail, mailoutbox
):
    enquiry = submit()
    run_worker()
    working_mail(settings)
    make_due()
    run_worker()
    enquiry.refresh_from_db()
    assert (enquiry.coordinator_mail, enquiry.acknowledgement_mail) == (MailStatus.SENT, MailStatus.SENT)
    assert (enquiry.coordinator_mail_attempts, enquiry.acknowledgement_mail_attempts) == (2, 2)
    assert enquiry.coordinator_mail_error == enquiry.acknowledgement_mail_error == ""
    assert len(mailoutbox) == 2


def test_a_mail_server_that_fails_never_reaches_the_patient(client, coordinator_emails, settings, caplog):
    """The whole request and then the worker: no 500, the enquiry is stored, and the logs carry
    the reference at most, never the message, email, phone or name."""
    caplog.set_level(logging.DEBUG)
    settings.MAILERS = {"default": {"BACKEND": "tests.contact.conftest.NoMailHereBackend"}}
    data = valid_post(message="Private words about my face", email="mei.ling@example.com", phone="9123 4567")
    response = client.post(reverse("contact:form"), data)
    assert response.status_code == 302
    enquiry = Enquiry.objects.get()
    assert enquiry.reference in client.get(response.url).content.decode()
    settings.MAILERS = {"default": {"BACKEND": "tests.contact.conftest.FailingEmailBackend"}}
    run_worker()
    enquiry.refresh_from_db()
    assert enquiry.coordinator_mail == MailStatus.FAILED
    for private in ["Private words", "mei.ling@example.com", "91234567", "Tan Mei Ling"]:
        assert private not in caplog.text
    assert enquiry.reference in caplog.text


def test_only_one_of_two_runs_at_once_may_send_a_mail():
    enquiry = make_enquiry()
    assert enquiry_mail_claim(enquiry_id=enquiry.pk, mail=Mail.COORDINATOR) is True
    assert enquiry_mail_claim(enquiry_id=enquiry.pk, mail=Mail.COORDINATOR) is False
    assert enquiry_mail_claim(enquiry_id=enquiry.pk, mail=Mail.ACKNOWLEDGEMENT) is True  # the other mail
    enquiry.refresh_from_db()
    assert (enquiry.coordinator_mail, enquiry.coordinator_mail_attempts) == (MailStatus.SENDING, 1)


def test_duplicate_tasks_for_one_mail_send_it_once(coordinator_emails, mailoutbox):
    """A retry asked for by hand while the first try is still queued: two tasks, one mail."""
    enquiry = submit()
    notifications_retry(older_than=datetime.timedelta(0))
    assert len(queued_mails()) == 4
    run_worker()
    assert sorted(mail.subject for mail in mailoutbox) == [
        f"New enquiry {enquiry.reference}",
        f"We have received your message (reference {enquiry.reference})",
    ]
    enquiry.refresh_from_db()
    assert (enquiry.coordinator_mail_attempts, enquiry.acknowledgement_mail_attempts) == (1, 1)


def test_a_mail_left_sending_by_a_dead_worker_may_be_claimed_again_only_when_stuck():
    long_ago = timezone.now() - STUCK_AFTER - datetime.timedelta(minutes=1)
    stuck = make_enquiry(coordinator_mail="sending", coordinator_mail_tried_at=long_ago)
    busy = make_enquiry(coordinator_mail="sending", coordinator_mail_tried_at=timezone.now())
    assert enquiry_mail_claim(enquiry_id=busy.pk, mail=Mail.COORDINATOR) is False
    assert enquiry_mail_claim(enquiry_id=stuck.pk, mail=Mail.COORDINATOR) is True


@pytest.mark.parametrize("status", ["sent", "not_needed"])
def test_a_mail_no_longer_owed_is_not_sent(coordinator_emails, mailoutbox, status):
    enquiry = make_enquiry(coordinator_mail=status)
    assert services.enquiry_mail_send(enquiry_id=enquiry.pk, mail=Mail.COORDINATOR) == "not owed"
    assert mailoutbox == []


def test_the_mail_of_an_enquiry_deleted_meanwhile_is_skipped(coordinator_emails, mailoutbox):
    enquiry = submit()
    Enquiry.objects.filter(pk=enquiry.pk).delete()
    run_worker()
    assert mailoutbox == []
    (outcome,) = DBTaskResult.objects.values_list("return_value", flat=True)
    assert outcome == {"coordinator": "not owed", "acknowledgement": "not owed"}


def test_retry_by_hand_queues_what_is_owed_and_untouched_and_nothing_else(settings):
    long_ago = timezone.now() - datetime.timedelta(hours=2)
    exhausted = make_enquiry(
        coordinator_mail="failed",
        coordinator_mail_attempts=8,
        coordinator_mail_tried_at=long_ago,
        acknowledgement_mail="sent",
    )
    stuck = make_enquiry(
        coordinator_mail="sent", acknowledgement_mail="sending", acknowledgement_mail_tried_at=long_ago
    )
    never_tried = make_enquiry(coordinator_mail="sent", acknowledgement_mail="pending")
    tried_just_now = make_enquiry(
        coordinator_mail="failed", coordinator_mail_tried_at=timezone.now(), acknowledgement_mail="sent"
    )
    done = make_enquiry(coordinator_mail="sent", acknowledgement_mail="not_needed")
    Enquiry.objects.exclude(pk=tried_just_now.pk).update(created_at=long_ago)

    queued = notifications_retry(older_than=datetime.timedelta(minutes=5))

    assert sorted(queued) == sorted(
        [
            (exhausted.reference, Mail.COORDINATOR),
            (stuck.reference, Mail.ACKNOWLEDGEMENT),
            (never_tried.reference, Mail.ACKNOWLEDGEMENT),
        ]
    )
    assert sorted(queued_mails()) == sorted(
        [(exhausted.pk, "coordinator"), (stuck.pk, "acknowledgement"), (never_tried.pk, "acknowledgement")]
    )
    assert done.pk not in {pk for pk, _ in queued_mails()}


def test_submitting_the_same_form_twice_returns_the_first_enquiry_and_queues_its_mail_once():
    token = uuid.uuid4()
    first = submit(submission_id=token)
    second = submit(submission_id=token, message="Changed my mind")
    assert second.pk == first.pk
    assert second.message == first.message
    assert Enquiry.objects.count() == 1
    assert len(queued_mails()) == 2


def test_a_reference_collision_draws_another(monkeypatch):
    taken = make_enquiry(reference="NAC-AAAA-AAAA")
    draws = iter(["NAC-AAAA-AAAA", "NAC-BBBB-BBBB"])
    monkeypatch.setattr("contact.services.new_reference", lambda: next(draws))
    enquiry = submit()
    assert enquiry.reference == "NAC-BBBB-BBBB"
    assert taken.reference != enquiry.reference
    assert Enquiry.objects.count() == 2
    assert {pk for pk, _ in queued_mails()} == {enquiry.pk}


def test_nothing_is_stored_without_consent():
    with pytest.raises(ValidationError):
        submit(consent=False)
    assert Enquiry.objects.count() == 0
    assert DBTaskResult.objects.count() == 0


def test_an_enquiry_with_neither_email_nor_phone_cannot_be_saved():
    with pytest.raises(ValidationError):
        submit(email="", phone="", preferred_contact=Enquiry.ContactMethod.EITHER)
    assert Enquiry.objects.count() == 0


def test_taking_an_enquiry_assigns_it_unless_someone_else_has_it():
    first, second = make_staff("first"), make_staff("second")
    enquiry = make_enquiry()
    Enquiry.objects.filter(pk=enquiry.pk).update(updated_at=timezone.now() - datetime.timedelta(days=3))
    assert enquiry_take(enquiry_id=enquiry.pk, user=first) is True
    assert enquiry_take(enquiry_id=enquiry.pk, user=second) is False
    assert enquiry_take(enquiry_id=enquiry.pk, user=first) is True  # already theirs
    enquiry.refresh_from_db()
    assert enquiry.assignee == first
    assert timezone.now() - enquiry.updated_at < datetime.timedelta(minutes=1)  # counts as a change
