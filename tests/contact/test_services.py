import datetime
import logging
import uuid

import pytest
from django.utils import timezone

from contact.models import Enquiry
from contact.notifications import ACKNOWLEDGEMENTS_PER_ADDRESS, claim, enquiry_notify
from contact.services import notifications_retry
from tests.contact.conftest import make_condition, make_enquiry, submit

pytestmark = pytest.mark.django_db


def test_an_enquiry_is_saved_then_coordinators_and_patient_are_told(
    coordinator_emails, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        enquiry = submit(condition=make_condition())
        assert mailoutbox == []  # nothing is sent before the enquiry is committed
    assert len(callbacks) == 1
    coordinator_mail, acknowledgement = mailoutbox
    assert coordinator_mail.to == coordinator_emails
    assert coordinator_mail.subject == f"New enquiry {enquiry.reference}"
    assert f"/admin/contact/enquiry/{enquiry.pk}/change/" in coordinator_mail.body
    assert acknowledgement.to == ["mei.ling@example.com"]
    assert enquiry.reference in acknowledgement.subject
    assert enquiry.reference in acknowledgement.body
    assert "995" in acknowledgement.body
    enquiry.refresh_from_db()
    assert enquiry.coordinator_mail == Enquiry.MailStatus.SENT
    assert enquiry.acknowledgement_mail == Enquiry.MailStatus.SENT
    assert enquiry.notification_attempts == 1


def test_no_mail_carries_health_details_or_the_message(
    coordinator_emails, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(
            condition=make_condition(),
            message="Secret symptom description",
            calculator_result={"smc_grade": 2, "smc_roman": "II"},
        )
    for sent in mailoutbox:
        text = sent.subject + sent.body
        for private in ["Secret symptom", "Hemifacial", "hemifacial", "SMC", "+6591234567"]:
            assert private not in text
    assert "Tan Mei Ling" not in mailoutbox[0].subject + mailoutbox[0].body


def test_an_address_gets_at_most_three_acknowledgements_a_day(
    coordinator_emails, django_capture_on_commit_callbacks, mailoutbox
):
    """Anyone can type anyone's address: the site must not be a way to flood an inbox."""
    with django_capture_on_commit_callbacks(execute=True):
        enquiries = [submit(email=email) for email in ["victim@example.com", "Victim@Example.com"] * 2]
    acknowledged = [m for m in mailoutbox if m.to != coordinator_emails]
    assert len(acknowledged) == ACKNOWLEDGEMENTS_PER_ADDRESS == 3
    assert len(mailoutbox) - len(acknowledged) == 4  # every enquiry still reaches the coordinators
    last = Enquiry.objects.get(pk=enquiries[-1].pk)
    assert last.acknowledgement_mail == Enquiry.MailStatus.NOT_NEEDED
    assert last.coordinator_mail == Enquiry.MailStatus.SENT
    Enquiry.objects.filter(pk__in=[e.pk for e in enquiries]).update(
        created_at=timezone.now() - datetime.timedelta(hours=25)
    )
    with django_capture_on_commit_callbacks(execute=True):
        submit(email="victim@example.com")  # a day later: acknowledged again
    assert mailoutbox[-1].to == ["victim@example.com"]


def test_the_acknowledgement_holds_the_reference_and_nothing_the_patient_wrote(
    coordinator_emails, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        enquiry = submit(name="Tan Mei Ling", message="My left eye twitches.", phone="+6591234567")
    acknowledgement = mailoutbox[-1]
    assert enquiry.reference in acknowledgement.body
    for private in ["Tan Mei Ling", "left eye", "+6591234567", "9123"]:
        assert private not in acknowledgement.subject + acknowledgement.body


def test_no_acknowledgement_without_an_email_address(
    coordinator_emails, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        enquiry = submit(email="", preferred_contact=Enquiry.ContactMethod.PHONE)
    assert [m.to for m in mailoutbox] == [coordinator_emails]
    enquiry.refresh_from_db()
    assert enquiry.acknowledgement_mail == Enquiry.MailStatus.NOT_NEEDED
    assert enquiry.notification_status == Enquiry.MailStatus.SENT


def test_without_coordinator_addresses_the_clinic_email_is_used(
    settings, django_capture_on_commit_callbacks, mailoutbox
):
    from clinic.models import ClinicProfile

    settings.CONTACT_COORDINATOR_EMAILS = []
    profile = ClinicProfile.defaults()
    profile.email = "care@clinic.example.sg"
    profile.save()
    from django.core.cache import cache

    cache.clear()
    with django_capture_on_commit_callbacks(execute=True):
        submit()
    assert mailoutbox[0].to == ["care@clinic.example.sg"]


def test_without_any_coordinator_address_the_notice_is_recorded_as_failed(
    settings, django_capture_on_commit_callbacks, mailoutbox
):
    settings.CONTACT_COORDINATOR_EMAILS = []
    with django_capture_on_commit_callbacks(execute=True):
        enquiry = submit()
    enquiry.refresh_from_db()
    assert enquiry.coordinator_mail == Enquiry.MailStatus.FAILED
    assert "DJANGO_COORDINATOR_EMAILS" in enquiry.notification_error
    assert enquiry.acknowledgement_mail == Enquiry.MailStatus.SENT


def test_a_failing_mail_server_never_loses_the_enquiry(
    coordinator_emails, failing_mail, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        enquiry = submit()
    enquiry.refresh_from_db()  # still there, committed
    assert enquiry.coordinator_mail == Enquiry.MailStatus.FAILED
    assert enquiry.acknowledgement_mail == Enquiry.MailStatus.FAILED
    assert "ConnectionRefusedError: mail server unreachable" in enquiry.notification_error
    assert enquiry.notification_status == Enquiry.MailStatus.FAILED


def test_a_failing_mail_server_still_gives_the_patient_a_reference(
    client, coordinator_emails, failing_mail, caplog, django_capture_on_commit_callbacks
):
    """The whole request, mail failure included, on the form: no 500, the enquiry is stored."""
    from django.urls import reverse

    from tests.contact.conftest import valid_post

    caplog.set_level(logging.DEBUG)
    data = valid_post(message="Private words about my face", email="mei.ling@example.com", phone="9123 4567")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("contact:form"), data)
    assert response.status_code == 302
    enquiry = Enquiry.objects.get()
    assert enquiry.coordinator_mail == Enquiry.MailStatus.FAILED
    assert enquiry.reference in client.get(response.url).content.decode()
    # Logs carry the reference at most: never the message, email or phone.
    for private in ["Private words", "mei.ling@example.com", "91234567", "Tan Mei Ling"]:
        assert private not in caplog.text
    assert enquiry.reference in caplog.text


def test_retry_sends_what_is_still_owed_and_only_that(coordinator_emails, settings, mailoutbox):
    enquiry = make_enquiry(
        coordinator_mail=Enquiry.MailStatus.SENT,
        acknowledgement_mail=Enquiry.MailStatus.FAILED,
        notification_attempts=1,
        notification_attempted_at=timezone.now() - datetime.timedelta(minutes=30),
    )
    Enquiry.objects.filter(pk=enquiry.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=30))
    retried = notifications_retry(older_than=datetime.timedelta(minutes=5), max_attempts=10)
    assert retried == [enquiry]
    assert [m.to for m in mailoutbox] == [["mei.ling@example.com"]]  # no second coordinator notice
    enquiry.refresh_from_db()
    assert enquiry.acknowledgement_mail == Enquiry.MailStatus.SENT
    assert enquiry.notification_error == ""
    assert enquiry.notification_attempts == 2


def test_retry_leaves_recent_and_exhausted_enquiries_alone(coordinator_emails, mailoutbox):
    long_ago = timezone.now() - datetime.timedelta(hours=2)
    fresh = make_enquiry()  # pending, but its first attempt may still be under way
    tried_just_now = make_enquiry(
        coordinator_mail=Enquiry.MailStatus.FAILED, notification_attempted_at=timezone.now()
    )
    exhausted = make_enquiry(
        coordinator_mail=Enquiry.MailStatus.FAILED,
        notification_attempts=10,
        notification_attempted_at=long_ago,
    )
    done = make_enquiry(
        coordinator_mail=Enquiry.MailStatus.SENT, acknowledgement_mail=Enquiry.MailStatus.SENT
    )
    Enquiry.objects.filter(pk__in=[tried_just_now.pk, exhausted.pk, done.pk]).update(created_at=long_ago)
    assert fresh and done
    assert notifications_retry(older_than=datetime.timedelta(minutes=5), max_attempts=10) == []
    assert mailoutbox == []


def test_two_runs_at_once_send_only_once(coordinator_emails, mailoutbox):
    """A retry that read the enquiry while a slow first attempt was sending must not send again."""
    enquiry = make_enquiry()
    read_by_second_run = Enquiry.objects.get(pk=enquiry.pk)
    enquiry_notify(enquiry_id=enquiry.pk)
    assert len(mailoutbox) == 2
    assert claim(read_by_second_run) is False
    assert claim(Enquiry.objects.get(pk=enquiry.pk)) is True


def test_an_enquiry_deleted_before_its_mail_went_out_is_skipped(coordinator_emails, mailoutbox):
    enquiry = make_enquiry()
    enquiry.delete()
    assert enquiry_notify(enquiry_id=enquiry.pk or 999_999) == {}
    assert mailoutbox == []


def test_submitting_the_same_form_twice_returns_the_first_enquiry(
    django_capture_on_commit_callbacks, mailoutbox
):
    token = uuid.uuid4()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = submit(submission_id=token)
        second = submit(submission_id=token, message="Changed my mind")
    assert second.pk == first.pk
    assert second.message == first.message
    assert Enquiry.objects.count() == 1
    assert len(callbacks) == 1  # notified once


def test_a_reference_collision_draws_another(monkeypatch):
    taken = make_enquiry(reference="NAC-AAAA-AAAA")
    draws = iter(["NAC-AAAA-AAAA", "NAC-BBBB-BBBB"])
    monkeypatch.setattr("contact.services.new_reference", lambda: next(draws))
    enquiry = submit()
    assert enquiry.reference == "NAC-BBBB-BBBB"
    assert taken.reference != enquiry.reference
    assert Enquiry.objects.count() == 2


def test_nothing_is_stored_without_consent(mailoutbox):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        submit(consent=False)
    assert Enquiry.objects.count() == 0


def test_an_enquiry_with_neither_email_nor_phone_cannot_be_saved():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        submit(email="", phone="", preferred_contact=Enquiry.ContactMethod.EITHER)
    assert Enquiry.objects.count() == 0


def test_a_task_queue_that_is_down_leaves_the_enquiry_pending_for_retry(
    client, settings, coordinator_emails, mailoutbox, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from tests.contact.conftest import valid_post

    working = settings.TASKS
    settings.TASKS = {"default": {"BACKEND": "tests.contact.conftest.BrokenTaskBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("contact:form"), valid_post())
    assert response.status_code == 302
    enquiry = Enquiry.objects.get()
    assert enquiry.notification_status == Enquiry.MailStatus.PENDING
    settings.TASKS = working
    Enquiry.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=10))
    assert notifications_retry(older_than=datetime.timedelta(minutes=5), max_attempts=10) == [enquiry]
    enquiry.refresh_from_db()
    assert enquiry.notification_status == Enquiry.MailStatus.SENT
    assert len(mailoutbox) == 2
