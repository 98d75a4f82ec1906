"""The mail server down, refusing or hanging: the patient's request is bounded by the SMTP
timeout, the enquiry is stored and marked failed, and `retry_notifications` sends it once a
working mail server is back. Real SMTP over sockets (tests/hardening/fake_smtp.py), not a stub.

transaction=True: the notification runs on commit, inside the patient's request, as in production.
"""

import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from contact.models import Enquiry
from tests.contact.conftest import valid_post
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


def send_enquiry(client) -> tuple[Enquiry, float]:
    started = time.monotonic()
    response = client.post(reverse("contact:form"), valid_post())
    elapsed = time.monotonic() - started
    assert (response.status_code, response.headers["Location"]) == (302, reverse("contact:thanks"))
    enquiry = Enquiry.objects.get()
    assert enquiry.reference in client.get(reverse("contact:thanks")).content.decode()
    return enquiry, elapsed


@pytest.mark.parametrize("behaviour", ["hang", "refuse", "closed port"])
def test_a_mail_server_that_is_down_or_hangs_never_costs_the_patient_their_enquiry(
    client, smtp_at, behaviour
):
    if behaviour == "closed port":
        smtp_at(free_port())
        enquiry, elapsed = send_enquiry(client)
        connections = None
    else:
        with FakeSMTPServer(behaviour) as server:
            smtp_at(server.port)
            enquiry, elapsed = send_enquiry(client)
            connections = server.connections
    # Two mails (coordinators, then the patient's acknowledgement), each bounded by the timeout.
    assert elapsed < 2 * TIMEOUT + 2
    if behaviour == "hang":
        assert connections == 2 and elapsed >= 2 * TIMEOUT  # it did wait for the timeout, twice
    assert enquiry.message == MESSAGE
    assert (enquiry.coordinator_mail, enquiry.acknowledgement_mail) == ("failed", "failed")
    assert enquiry.notification_attempts == 1
    expected = {"hang": "timed out", "refuse": "554", "closed port": "Connection refused"}[behaviour]
    assert expected in enquiry.notification_error


def test_retry_sends_what_failed_once_the_mail_server_is_back(client, smtp_at):
    with FakeSMTPServer("hang") as down:
        smtp_at(down.port)
        enquiry, _ = send_enquiry(client)
    assert enquiry.notification_status == "failed"

    # Still down: the retry records another failed attempt and says so.
    smtp_at(free_port())
    output = StringIO()
    call_command("retry_notifications", older_than=0, stdout=output)
    assert f"{enquiry.reference}: failed" in output.getvalue()

    with FakeSMTPServer("accept") as server:
        smtp_at(server.port)
        output = StringIO()
        call_command("retry_notifications", older_than=0, stdout=output)
        assert f"{enquiry.reference}: sent" in output.getvalue()
        assert "0 still failing" in output.getvalue()
        # And a second run has nothing left to send.
        call_command("retry_notifications", older_than=0, stdout=StringIO())
    enquiry.refresh_from_db()
    assert (enquiry.coordinator_mail, enquiry.acknowledgement_mail) == ("sent", "sent")
    assert enquiry.notification_attempts == 3
    assert enquiry.notification_error == ""
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
