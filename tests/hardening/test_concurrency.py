"""200 patients sending the enquiry form at the same moment, against gunicorn with production
settings and four worker processes, on SQLite and on PostgreSQL: every enquiry is stored once,
with its own reference, and every patient is sent on to their thank-you page (no "database is
locked" reaches anyone)."""

import re
import sqlite3
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from tests.contact.conftest import valid_post

PATIENTS = 200
REFERENCE = re.compile(r"NAC-[0-9A-Z]{4}-[0-9A-Z]{4}")


def stored_enquiries(database_url: str) -> list[tuple[str, str, str]]:
    query = "SELECT name, reference, submission_id FROM contact_enquiry"
    if database_url.startswith("sqlite"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as connection:
            return [(name, ref, str(uuid.UUID(sub))) for name, ref, sub in connection.execute(query)]
    with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1)) as connection:
        return [(name, ref, str(sub)) for name, ref, sub in connection.execute(query)]


@pytest.mark.parametrize("database", ["sqlite_database", "postgres_database"])
def test_two_hundred_enquiries_at_once_are_all_stored_with_unique_references(request, database, start_site):
    database_url = request.getfixturevalue(database)
    site = start_site(database_url, workers=4, DJANGO_CONTACT_RATE_LIMIT="100000", DJANGO_LOG_LEVEL="WARNING")
    patients = [
        (site.browser(), valid_post(name=f"Patient {n}", submission_id=str(uuid.uuid4())))
        for n in range(PATIENTS)
    ]
    barrier = threading.Barrier(PATIENTS)

    def write_in(patient):
        browser, form = patient
        barrier.wait(timeout=60)  # everyone presses "Send" together
        return browser.post("/contact/", form)

    with ThreadPoolExecutor(max_workers=PATIENTS) as pool:
        results = list(pool.map(write_in, patients))

    statuses = [sent.status for sent in results]
    assert statuses == [302] * PATIENTS, {status: statuses.count(status) for status in set(statuses)}
    assert {sent.headers["Location"] for sent in results} == {"/contact/thanks/"}
    stored = stored_enquiries(database_url)
    assert sorted(name for name, _, _ in stored) == sorted(form["name"] for _, form in patients)
    assert len({reference for _, reference, _ in stored}) == PATIENTS
    # Every tenth patient looks at their thank-you page: it shows their own enquiry's reference.
    by_submission = {submission: reference for _, reference, submission in stored}
    for browser, form in patients[::10]:
        shown = REFERENCE.search(browser.get("/contact/thanks/").body).group()
        assert shown == by_submission[form["submission_id"]]
    log = site.log()
    assert "database is locked" not in log
    assert "Traceback" not in log and "ERROR" not in log
