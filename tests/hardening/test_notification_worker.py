"""The production shape of notifications (DJANGO_NOTIFICATIONS=worker), for real: gunicorn takes
the enquiry, `manage.py notification_worker` in a process of its own sends the mail over SMTP.
A mail server that hangs never slows the patient; the worker retries until it is back, and stops
cleanly on SIGTERM."""

import signal
import sqlite3
import subprocess
import sys
import time

from tests.contact.conftest import valid_post
from tests.hardening.fake_smtp import FakeSMTPServer
from tests.hardening.live import ROOT, free_port, site_env

SMTP_TIMEOUT = 1  # seconds


def mail_state(database_url: str) -> tuple[str, str, int] | None:
    query = "SELECT coordinator_mail, acknowledgement_mail, notification_attempts FROM contact_enquiry"
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as connection:
        return connection.execute(query).fetchone()


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_the_worker_sends_the_mail_the_request_only_saved(sqlite_database, start_site, tmp_path):
    smtp_port = free_port()
    mail_env = {
        "DJANGO_NOTIFICATIONS": "worker",
        "DJANGO_EMAIL_HOST": "127.0.0.1",
        "DJANGO_EMAIL_PORT": str(smtp_port),
        "DJANGO_EMAIL_USE_TLS": "0",
        "DJANGO_EMAIL_TIMEOUT": str(SMTP_TIMEOUT),
    }
    site = start_site(sqlite_database, **mail_env)
    log_path = tmp_path / "worker.log"
    with log_path.open("w") as worker_log:
        worker = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "manage.py"),
                "notification_worker",
                "--interval",
                "0.2",
                "--retry-after",
                "0",
            ],
            cwd=ROOT,
            env=site_env(sqlite_database, tmp_path / "media", **mail_env),
            stdout=worker_log,
            stderr=subprocess.STDOUT,
        )
    try:
        with FakeSMTPServer("hang", port=smtp_port) as hanging:
            started = time.monotonic()
            response = site.browser().post("/contact/", valid_post())
            elapsed = time.monotonic() - started
            assert (response.status, response.headers["Location"]) == (302, "/contact/thanks/")
            # Sent from the request, the two mails would have held it for 2 x the SMTP timeout.
            assert elapsed < SMTP_TIMEOUT
            wait_for(lambda: hanging.connections, 10, "the worker to try the mail server")
            failed = wait_for(
                lambda: (
                    (state := mail_state(sqlite_database))
                    and state[2] >= 1
                    and state[0] == "failed"
                    and state
                ),
                10,
                "the first attempt to time out",
            )
            assert failed[:2] == ("failed", "failed")
        with FakeSMTPServer("accept", port=smtp_port) as working:
            wait_for(lambda: mail_state(sqlite_database)[:2] == ("sent", "sent"), 15, "the retry to send")
            subjects = sorted(message["Subject"] for message in working.messages)
        assert [subject.split(" (")[0].split(" NAC-")[0] for subject in subjects] == [
            "New enquiry",
            "We have received your message",
        ]
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=10) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    output = log_path.read_text()
    assert "Notification worker started." in output
    assert "Notification worker stopped; " in output
    assert "Traceback" not in output
