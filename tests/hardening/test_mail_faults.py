"""The mail server down, refusing or hanging: the patient's request never contacts it (each mail
is a task for the worker, stored with the enquiry), the enquiry is stored, and the worker records
the failure within the SMTP timeout and sends the mail once a working server is back. Real SMTP
over sockets (tests/hardening/fake_smtp.py), not a stub; the worker's own code, in this process.

transaction=True: the request commits, and the worker commits as it goes, as in production.
"""

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from contact.models import Enquiry, MailStatus
from tests.contact.conftest import queued_mails, run_worker, valid_post
from tests.hardening.fake_smtp import FakeSMTPServer
from tests.hardening.live import free_port

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 1  # seconds; production uses DJANGO_EMAIL_TIMEOUT (10)
MESSAGE = "My left eye has been twitching for months. What should I do?"


@pytest.fixture
def smtp_at(settings, open_rate_limit):
    """Point the site's mailer at an SMTP server on this port, as DJANGO_EMAIL_HOST would."""

    def point(port: int) -> None:
        settings.MAILERS = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": TIMEOUT},
            }
        }

    return point


def send_enquiry(client) -> Enquiry:
    response = client.post(reverse("contact:form"), valid_post())
    assert (response.status_code, response.headers["Location"]) == (302, reverse("contact:thanks"))
    enquiry = Enquiry.objects.get()
    assert enquiry.reference in client.get(reverse("contact:thanks")).content.decode()
    return enquiry


@pytest.mark.parametrize("behaviour", ["hang", "refuse", "closed port"])
def test_a_mail_server_that_is_down_or_hangs_never_costs_the_patient_anything(client, smtp_at, behaviour):
    if behaviour == "closed port":
        smtp_at(free_port())
        enquiry = send_enquiry(client)
        run_worker()
    else:
        with FakeSMTPServer(behaviour) as server:
            smtp_at(server.port)
            enquiry = send_enquiry(client)
            assert server.connections == 0  # the patient's request never touched the mail server
            run_worker()
            assert server.connections == 2  # the worker tried both mails, each once
    enquiry.refresh_from_db()
    assert enquiry.message == MESSAGE
    expected = {"hang": "timed out", "refuse": "554", "closed port": "Connection refused"}[behaviour]
    for status, attempts, error in [
        (enquiry.coordinator_mail, enquiry.coordinator_mail_attempts, enquiry.coordinator_mail_error),
        (
            enquiry.acknowledgement_mail,
            enquiry.acknowledgement_mail_attempts,
            enquiry.acknowledgement_mail_error,
        ),
    ]:
        assert (status, attempts) == (MailStatus.FAILED, 1)
        assert expected in error
    assert sorted(queued_mails()) == [(enquiry.pk, "acknowledgement"), (enquiry.pk, "coordinator")]  # retries


def test_the_retry_sends_what_failed_once_the_mail_server_is_back(client, smtp_at):
    with FakeSMTPServer("hang") as down:
        smtp_at(down.port)
        enquiry = send_enquiry(client)
        run_worker()
    assert Enquiry.objects.get().notification_status == "failed"

    with FakeSMTPServer("accept") as server:
        smtp_at(server.port)
        DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())  # the delay passes
        run_worker()
        run_worker()  # and a second run has nothing left to send
    enquiry.refresh_from_db()
    assert (enquiry.coordinator_mail, enquiry.acknowledgement_mail) == ("sent", "sent")
    assert (enquiry.coordinator_mail_attempts, enquiry.acknowledgement_mail_attempts) == (2, 2)
    assert enquiry.coordinator_mail_error == enquiry.acknowledgement_mail_error == ""
    subjects = sorted(message["Subject"] for message in server.messages)
    assert subjects == [
        f"New enquiry {enquiry.reference}",
        f"We have received your message (reference {enquiry.reference})",
    ]
    recipients = sorted(message["To"] for message in server.messages)
    assert recipients == ["coordinators@clinic.example.sg", "mei.ling@example.com"]
    for message in server.messages:  # mail carries no health details
        body = message.get_payload(decode=True).decode()
        assert "twitching" not in body and "+6591234567" not in body
