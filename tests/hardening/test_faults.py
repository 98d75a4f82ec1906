"""Real faults against the site as it runs in production (gunicorn, production settings): the
database made unavailable and brought back, and Redis not there at all."""

import re
import sqlite3
import time
import uuid

import psycopg

from contact.models import Enquiry
from tests.contact.conftest import valid_post
from tests.hardening.conftest import postgres_admin
from tests.hardening.live import free_port

CONDITION_PAGE = "/conditions/hemifacial-spasm/"  # seeded by seed_content
TECHNICAL = ["Traceback", "OperationalError", "psycopg", "postgres", "SECRET_KEY", "live-test-", "settings"]


def enquiry_count(database_url: str) -> int:
    with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1)) as connection:
        return connection.execute("SELECT count(*) FROM contact_enquiry").fetchone()[0]


def set_database_open(name: str, *, open_: bool) -> None:
    """Open or close a database to every client; closing also cuts the connections it has."""
    with postgres_admin() as admin:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {"true" if open_ else "false"}')
        if not open_:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name])


def test_postgresql_outage_gives_the_calm_503_page_and_the_site_recovers_when_it_returns(
    postgres_database, start_site
):
    site = start_site(postgres_database)
    name = postgres_database.rsplit("/", 1)[1]
    patient = site.browser()
    assert patient.get("/conditions/").status == 200
    assert patient.get(CONDITION_PAGE).status == 200
    assert patient.get("/healthz").status == 200
    patient.get("/contact/")  # the form, and its cookies, before the outage

    set_database_open(name, open_=False)
    try:
        for path in ["/conditions/", CONDITION_PAGE, "/conditions/search/?q=spasm"]:
            response = patient.get(path)
            assert response.status == 503, path
            assert "having trouble" in response.body
            assert response.headers["Retry-After"] == "60"
            assert response.headers["X-Request-ID"] in response.body  # a caller can quote it
            assert not [word for word in TECHNICAL if word in response.body], path
        sent = patient.post("/contact/", valid_post(submission_id=str(uuid.uuid4())))
        assert sent.status == 503
        assert "having trouble" in sent.body
        health = patient.get("/healthz")
        assert (health.status, health.body) == (503, "database unavailable\n")
    finally:
        set_database_open(name, open_=True)

    # The connection pool reconnects on its own within seconds of the database returning.
    deadline = time.monotonic() + 30
    while patient.get("/healthz").status != 200 and time.monotonic() < deadline:
        time.sleep(1)
    assert patient.get("/conditions/").status == 200
    assert patient.get(CONDITION_PAGE).status == 200
    assert patient.get("/healthz").status == 200
    form = patient.post("/contact/", valid_post(submission_id=str(uuid.uuid4())))
    assert (form.status, form.headers["Location"]) == (302, "/contact/thanks/")
    assert enquiry_count(postgres_database) == 1
    log = site.log()
    assert re.search(r"database unavailable id=[0-9a-f]{16}: OperationalError", log)
    assert "Traceback" not in log.split("database unavailable", 1)[0]  # no traceback before the outage


def test_with_redis_down_pages_are_served_uncached_and_enquiries_stored(sqlite_database, start_site):
    dead = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    site = start_site(sqlite_database, REDIS_URL=dead, DJANGO_CONTACT_RATE_LIMIT="2")
    patient = site.browser()
    for path in [
        "/",
        "/conditions/",
        CONDITION_PAGE,
        CONDITION_PAGE,
        "/grading/hemifacial-spasm/",
        "/contact/",
    ]:
        assert patient.get(path).status == 200, path
    # The rate limit counts in Redis: with Redis down it fails open (docs/operations.md, "Faults"), so a third
    # enquiry from one address over a limit of two is still taken, not refused.
    for number in range(3):
        sent = patient.post(
            "/contact/", valid_post(name=f"Patient {number}", submission_id=str(uuid.uuid4()))
        )
        assert (sent.status, sent.headers["Location"]) == (302, "/contact/thanks/")
        thanks = patient.get("/contact/thanks/")
        assert re.search(r"NAC-[0-9A-Z]{4}-[0-9A-Z]{4}", thanks.body)
    with sqlite3.connect(sqlite_database.removeprefix("sqlite:///")) as connection:
        stored = connection.execute("SELECT name FROM contact_enquiry ORDER BY id").fetchall()
    assert stored == [("Patient 0",), ("Patient 1",), ("Patient 2",)]
    log = site.log()
    # django-redis ignores the errors (settings.CACHES) and logs each one, with what went wrong.
    assert "ERROR django_redis.cache Exception ignored" in log
    assert "redis.exceptions.ConnectionError" in log
    assert " 500 " not in log
    # One access line per request, with its id, and nothing the patient wrote or who they are.
    assert len(re.findall(r"clinic\.access POST /contact/ 302 [\d.]+ms id=[0-9a-f]{16}", log)) == 3
    for personal in ["Patient 0", "mei.ling@example.com", "9123", "91234567", "twitching", "127.0.0.1 "]:
        assert personal not in log, personal


def test_enquiry_model_is_what_the_live_tests_count():
    # The raw SQL above reads this table: keep it honest if the model moves.
    assert Enquiry._meta.db_table == "contact_enquiry"
