"""The enquiry rate limit is one count for every worker on the machine, without Redis: two gunicorn
servers (two workers each) on one SQLite database, as `make run` and a one-machine deployment run,
let one client address send exactly DJANGO_CONTACT_RATE_LIMIT enquiries between them, even when
they all arrive at once."""

import sqlite3
import uuid
from concurrent.futures import ThreadPoolExecutor

from tests.contact.conftest import valid_post

LIMIT = 3


def stored(sqlite_database: str) -> int:
    with sqlite3.connect(sqlite_database.removeprefix("sqlite:///")) as connection:
        return connection.execute("SELECT count(*) FROM contact_enquiry").fetchone()[0]


def test_two_servers_share_one_count_for_a_client(sqlite_database, start_site):
    servers = [start_site(sqlite_database, DJANGO_CONTACT_RATE_LIMIT=str(LIMIT)) for _ in range(2)]
    statuses = []
    for number in range(2 * LIMIT):
        patient = servers[number % 2].browser()  # alternately through each server
        response = patient.post("/contact/", valid_post(submission_id=str(uuid.uuid4())))
        statuses.append(response.status)
        if response.status == 429:
            assert int(response.headers["Retry-After"]) > 0
    assert statuses == [302] * LIMIT + [429] * LIMIT
    assert stored(sqlite_database) == LIMIT


def test_a_burst_from_one_client_gets_exactly_the_limit_through(sqlite_database, start_site):
    servers = [start_site(sqlite_database, DJANGO_CONTACT_RATE_LIMIT=str(LIMIT)) for _ in range(2)]

    def send(number: int) -> int:
        patient = servers[number % 2].browser()
        return patient.post("/contact/", valid_post(submission_id=str(uuid.uuid4()))).status

    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(send, range(16)))
    assert sorted(statuses) == [302] * LIMIT + [429] * (16 - LIMIT)
    assert stored(sqlite_database) == LIMIT
