"""Many patients writing in at the same moment are all saved: real parallel HTTP requests against
a live server, each on its own database connection (SQLite file or PostgreSQL, as configured)."""

import http.client
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

import pytest
from django.core.cache import caches
from django.urls import reverse

from contact.models import Enquiry
from tests.contact.conftest import queued_mails, run_worker, valid_post

pytestmark = pytest.mark.django_db(transaction=True)

PATIENTS = 20


class Browser:
    """One patient's browser: its own cookies, its own copy of the form."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict, str]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        payload = None
        if body is not None:
            payload = urlencode(body, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        result = response.status, dict(response.getheaders()), response.read().decode()
        connection.close()
        return result

    def open_form(self) -> dict:
        status, _, html = self.request("GET", reverse("contact:form"))
        assert status == 200
        return {
            "csrfmiddlewaretoken": re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1),
            "submission_id": re.search(r'name="submission_id" value="([^"]+)"', html).group(1),
        }


@pytest.fixture
def open_limits(settings):
    settings.CONTACT_RATE_LIMIT = 1000
    settings.CONTACT_COORDINATOR_EMAILS = ["coordinators@clinic.example.sg"]
    yield
    # The rate limit's places were committed (without Redis, rows of the database cache table,
    # which the test database's flush does not empty): other tests must start from none.
    for each in caches.all():
        each.clear()


def post_together(jobs: list) -> list:
    """Run each job's POST at the same moment (a barrier releases them together)."""
    barrier = threading.Barrier(len(jobs))

    def go(job):
        browser, data = job
        barrier.wait(timeout=30)
        return browser.request("POST", reverse("contact:form"), data)

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(go, jobs))


def test_many_patients_writing_in_at_once_are_all_saved(live_server, open_limits, mailoutbox):
    jobs = []
    for number in range(PATIENTS):
        browser = Browser(live_server.url)
        # Each patient's own address: one address gets at most 3 acknowledgements a day.
        data = valid_post(
            name=f"Patient {number}", email=f"patient{number}@example.com", **browser.open_form()
        )
        jobs.append((browser, data))

    results = post_together(jobs)

    assert [status for status, _, _ in results] == [302] * PATIENTS
    assert all(headers["Location"] == reverse("contact:thanks") for _, headers, _ in results)
    assert Enquiry.objects.count() == PATIENTS
    assert set(Enquiry.objects.values_list("name", flat=True)) == {f"Patient {n}" for n in range(PATIENTS)}
    assert len(set(Enquiry.objects.values_list("reference", flat=True))) == PATIENTS
    # Each patient's thank-you page shows their own reference.
    for browser, data in jobs:
        _, _, html = browser.request("GET", reverse("contact:thanks"))
        assert Enquiry.objects.get(submission_id=data["submission_id"]).reference in html
    # Their mails are all queued for the task worker, none sent inside a request.
    assert len(queued_mails()) == 2 * PATIENTS
    assert Enquiry.objects.exclude(coordinator_mail=Enquiry.MailStatus.PENDING).count() == 0
    run_worker()
    assert Enquiry.objects.exclude(coordinator_mail=Enquiry.MailStatus.SENT).count() == 0
    assert len(mailoutbox) == 2 * PATIENTS


def test_a_form_sent_several_times_at_once_is_saved_once(live_server, open_limits):
    browser = Browser(live_server.url)
    data = valid_post(**browser.open_form())

    results = post_together([(browser, data)] * 5)

    assert [status for status, _, _ in results] == [302] * 5
    enquiry = Enquiry.objects.get()
    _, _, html = browser.request("GET", reverse("contact:thanks"))
    assert enquiry.reference in html
