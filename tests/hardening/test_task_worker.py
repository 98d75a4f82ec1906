"""The enquiry mails as production sends them, for real: gunicorn takes the enquiry and stores its
two mail tasks with it; `manage.py db_worker`, in processes of their own, sends them over SMTP.

- A mail server that hangs never slows the patient; the worker retries until it is back, and
  stops cleanly on SIGTERM.
- A worker stopped while enquiries arrive loses none: started again, it sends them all.
- Three workers draining one backlog (with every task queued twice over, as after a retry asked
  for by hand) send each mail exactly once, to a mail server that counts, on SQLite and PostgreSQL.
- A worker killed while sending leaves that mail "sending"; `retry_notifications` recovers it
  once it counts as stuck (at least once, as docs/enquiries.md says).
"""

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from tests.contact.conftest import valid_post
from tests.hardening.fake_smtp import FakeSMTPServer
from tests.hardening.live import ROOT, manage, site_env

SMTP_TIMEOUT = 1  # seconds


def query(database_url: str, sql: str) -> list[tuple]:
    if database_url.startswith("sqlite"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as connection:
            return connection.execute(sql).fetchall()
    with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1)) as connection:
        return connection.execute(sql).fetchall()


def mail_states(database_url: str) -> list[tuple[str, str, int, int]]:
    """(coordinator mail, acknowledgement, their attempts) of every enquiry, oldest first."""
    return query(
        database_url,
        "SELECT coordinator_mail, acknowledgement_mail, coordinator_mail_attempts, "
        "acknowledgement_mail_attempts FROM contact_enquiry ORDER BY id",
    )


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def mail_env(smtp_port: int, **extra: str) -> dict[str, str]:
    """Production's mail settings, pointed at a fake SMTP server on this port."""
    return {
        "DJANGO_EMAIL_HOST": "127.0.0.1",
        "DJANGO_EMAIL_PORT": str(smtp_port),
        "DJANGO_EMAIL_USE_TLS": "0",
        "DJANGO_EMAIL_TIMEOUT": str(SMTP_TIMEOUT),
        "DJANGO_CONTACT_RATE_LIMIT": "100000",
        **extra,
    }


class WorkerProcess:
    """`manage.py db_worker` as production runs it, its output in a file."""

    def __init__(self, database_url: str, folder: Path, env: dict[str, str], *args: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.log_path = folder / f"worker-{time.monotonic_ns()}.log"
        command = [sys.executable, str(ROOT / "manage.py"), "db_worker", "--interval", "0.2", *args]
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=site_env(database_url, folder / "media", **env),
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()


@pytest.fixture
def workers():
    started: list[WorkerProcess] = []

    def start(*args, **kwargs) -> WorkerProcess:
        started.append(WorkerProcess(*args, **kwargs))
        return started[-1]

    yield start
    for worker in started:
        worker.stop(signal.SIGKILL)


def test_the_worker_sends_the_mail_the_request_only_stored(sqlite_database, start_site, workers, tmp_path):
    # Each mail server is started before anything that might take its port.
    with FakeSMTPServer("hang") as hanging:
        env = mail_env(hanging.port, DJANGO_MAIL_RETRY_DELAYS="1,1,1,1,1,1,1,1")
        site = start_site(sqlite_database, **env)
        worker = workers(sqlite_database, tmp_path / "worker", env)
        response = site.browser().post("/contact/", valid_post())
        assert (response.status, response.headers["Location"]) == (302, "/contact/thanks/")
        # Answered without a word to the mail server: the request only stored the enquiry.
        assert hanging.connections == 0
        wait_for(lambda: hanging.connections, 10, "the worker to try the mail server")
        errors = "SELECT coordinator_mail_error, acknowledgement_mail_error FROM contact_enquiry"
        recorded = wait_for(
            lambda: all(query(sqlite_database, errors)[0]) and query(sqlite_database, errors)[0],
            10,
            "both first tries to time out and be recorded",
        )
        assert all("timed out" in error for error in recorded)
    with FakeSMTPServer("accept", port=hanging.port) as working:
        wait_for(lambda: mail_states(sqlite_database)[0][:2] == ("sent", "sent"), 15, "the retries to send")
        subjects = sorted(message["Subject"] for message in working.messages)
    assert [subject.split(" (")[0].split(" NAC-")[0] for subject in subjects] == [
        "New enquiry",
        "We have received your message",
    ]
    assert worker.stop() == 0  # SIGTERM: a clean stop
    output = worker.log()
    assert "Starting worker" in output
    assert "Traceback" not in output
    assert "mei.ling@example.com" not in output and "Tan Mei Ling" not in output  # references only


def test_enquiries_sent_while_the_worker_is_stopped_are_all_sent_when_it_is_back(
    sqlite_database, start_site, workers, tmp_path
):
    with FakeSMTPServer("accept") as server:
        env = mail_env(server.port)
        site = start_site(sqlite_database, **env)
        first = workers(sqlite_database, tmp_path / "first", env)
        wait_for(lambda: "Starting worker" in first.log(), 15, "the worker to start")
        assert first.stop() == 0
        for number in range(5):
            assert (
                site.browser()
                .post("/contact/", valid_post(name=f"Patient {number}", email=f"patient{number}@example.com"))
                .status
                == 302
            )
        assert mail_states(sqlite_database) == [("pending", "pending", 0, 0)] * 5
        workers(sqlite_database, tmp_path / "second", env)
        wait_for(lambda: len(server.messages) == 10, 20, "the restarted worker to send every mail")
    assert mail_states(sqlite_database) == [("sent", "sent", 1, 1)] * 5


@pytest.mark.parametrize("database", ["sqlite_database", "postgres_database"])
def test_three_workers_draining_one_backlog_send_each_mail_once(
    request, database, start_site, workers, tmp_path
):
    database_url = request.getfixturevalue(database)
    enquiries = 30
    with FakeSMTPServer("accept") as server:
        env = mail_env(server.port)
        site = start_site(database_url, **env)
        for number in range(enquiries):
            assert (
                site.browser()
                .post("/contact/", valid_post(name=f"Patient {number}", email=f"patient{number}@example.com"))
                .status
                == 302
            )
        # What an operator might type after an outage: every mail queued a second time.
        manage(site_env(database_url, tmp_path / "media", **env), "retry_notifications", "--older-than", "0")
        queued = query(database_url, "SELECT COUNT(*) FROM django_tasks_database_dbtaskresult")
        assert queued == [(2 * enquiries,)]
        assert server.connections == 0  # nothing sent yet: no worker was running
        drainers = [
            workers(database_url, tmp_path / f"drainer-{n}", env, "--batch", "--no-startup-delay")
            for n in range(3)
        ]
        assert [drainer.process.wait(timeout=120) for drainer in drainers] == [0, 0, 0]
        sent = [(message["To"], message["Subject"]) for message in server.messages]
    assert len(sent) == 2 * enquiries
    assert len(set(sent)) == 2 * enquiries  # no mail twice
    assert mail_states(database_url) == [("sent", "sent", 1, 1)] * enquiries
    ran = [drainer.log().count("state=SUCCESSFUL") for drainer in drainers]
    assert sum(ran) == 2 * enquiries  # every task ran once, the duplicates finding nothing owed


def test_a_mail_left_sending_by_a_killed_worker_is_recovered_by_hand(
    sqlite_database, start_site, workers, tmp_path
):
    with FakeSMTPServer("hang") as hanging:
        env = mail_env(hanging.port, DJANGO_EMAIL_TIMEOUT="60")
        site = start_site(sqlite_database, **env)
        assert site.browser().post("/contact/", valid_post(email="", preferred_contact="phone")).status == 302
        worker = workers(sqlite_database, tmp_path / "killed", env)
        wait_for(lambda: hanging.connections, 15, "the worker to start sending")
        worker.stop(signal.SIGKILL)  # power cut, out of memory: no chance to record anything
    assert mail_states(sqlite_database) == [("sending", "not_needed", 1, 0)]

    # A new worker leaves it alone (it may be sending still, for all anyone knows)...
    with FakeSMTPServer("accept", port=hanging.port) as server:
        workers(sqlite_database, tmp_path / "next", env)
        manage(
            site_env(sqlite_database, tmp_path / "media", **env), "retry_notifications", "--older-than", "0"
        )
        finished = "SELECT return_value FROM django_tasks_database_dbtaskresult WHERE status = 'SUCCESSFUL'"
        assert wait_for(lambda: query(sqlite_database, finished), 15, "the new worker to run the retry")
        assert query(sqlite_database, finished) == [('{"coordinator": "not owed"}',)]
        assert server.messages == []
        # ...until it has been "sending" for longer than any send takes (STUCK_AFTER).
        query(
            sqlite_database,
            "UPDATE contact_enquiry SET coordinator_mail_tried_at = datetime('now', '-1 hour')",
        )
        output = manage(site_env(sqlite_database, tmp_path / "media", **env), "retry_notifications")
        assert "coordinator notice queued" in output
        wait_for(lambda: server.messages, 15, "the recovered mail to be sent")
    assert mail_states(sqlite_database) == [("sent", "not_needed", 2, 0)]
