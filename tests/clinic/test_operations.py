"""Request ids, access logs without personal data, outage pages, admin indexing, degraded cache."""

import logging
import runpy
from pathlib import Path

import pytest
from django.db import OperationalError
from django.urls import reverse
from pytest_django.asserts import assertContains

import clinic.settings
from clinic.models import ClinicProfile
from contact.models import Enquiry
from tests.conditions.factory import make_condition
from tests.contact.conftest import valid_post

pytestmark = pytest.mark.django_db


def test_every_response_carries_a_request_id(client):
    first = client.get(reverse("home")).headers["X-Request-ID"]
    second = client.get(reverse("home")).headers["X-Request-ID"]
    assert len(first) == 16 and first != second


def test_a_well_formed_upstream_request_id_is_kept_and_a_hostile_one_replaced(client):
    assert (
        client.get("/", headers={"X-Request-ID": "abc12345-proxy"}).headers["X-Request-ID"]
        == "abc12345-proxy"
    )
    hostile = client.get("/", headers={"X-Request-ID": "x\nFAKE LOG LINE"}).headers["X-Request-ID"]
    assert "\n" not in hostile and "FAKE" not in hostile


def test_access_log_has_one_line_without_query_string_or_address(client, caplog):
    with caplog.at_level(logging.INFO, logger="clinic.access"):
        response = client.get("/privacy/?email=patient@example.com&phone=91234567", REMOTE_ADDR="203.0.113.9")
    lines = [r.getMessage() for r in caplog.records if r.name == "clinic.access"]
    assert len(lines) == 1
    assert lines[0].startswith("GET /privacy/ 200 ")
    assert response.headers["X-Request-ID"] in lines[0]
    assert (
        "patient@example.com" not in lines[0] and "91234567" not in lines[0] and "203.0.113.9" not in lines[0]
    )


def test_500_page_shows_the_request_id(client, settings):
    settings.ROOT_URLCONF = "tests.clinic.broken_urls"
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    assertContains(response, response.headers["X-Request-ID"], status_code=500)
    assert "Traceback" not in response.content.decode()


def test_database_outage_gives_the_calm_503_page(client, monkeypatch):
    def database_down(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(ClinicProfile, "load", database_down)
    response = client.get(reverse("home"))
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "60"
    assertContains(response, "having trouble", status_code=503)
    assertContains(response, response.headers["X-Request-ID"], status_code=503)
    body = response.content.decode()
    assert "OperationalError" not in body and "SECRET_KEY" not in body and "could not connect" not in body


def test_service_resumes_when_the_database_returns(client, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(ClinicProfile, "load", lambda **kwargs: (_ for _ in ()).throw(OperationalError("down")))
        assert client.get(reverse("home")).status_code == 503
    assert client.get(reverse("home")).status_code == 200


def test_admin_asks_not_to_be_indexed(client):
    response = client.get(reverse("admin:login"))
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert "X-Robots-Tag" not in client.get(reverse("home")).headers


# --- Redis down (docs/operations.md, "Faults") ------------------------------------------------


@pytest.fixture
def dead_redis(settings, monkeypatch):
    """The production cache settings, pointed at a Redis that is not there (nothing listens on port 1)."""
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    production = runpy.run_path(str(Path(clinic.settings.__file__)))
    settings.DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = production["DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS"]
    settings.CACHES = production["CACHES"]
    settings.CONTACT_RATE_LIMIT_CACHE = production["CONTACT_RATE_LIMIT_CACHE"]
    assert settings.CACHES["default"]["LOCATION"] == "redis://127.0.0.1:1/0"


def test_with_redis_down_pages_are_still_served_and_the_fault_is_logged(client, dead_redis, caplog):
    make_condition()
    with caplog.at_level(logging.WARNING):
        for url in [reverse("home"), reverse("conditions:detail", kwargs={"slug": "hemifacial-spasm"})]:
            assertContains(client.get(url), "Neuro Asia Care")
            assertContains(client.get(url), "Neuro Asia Care")  # (and again: nothing was kept)
    faults = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert faults and any("Connection" in record.exc_text for record in faults if record.exc_text)


def test_with_redis_down_the_enquiry_rate_limit_lets_enquiries_through(client, dead_redis, settings):
    settings.CONTACT_RATE_LIMIT = 2
    for number in range(4):
        response = client.post(
            reverse("contact:form"), valid_post(message=f"Question {number} about my eye.")
        )
        assert response.status_code == 302
    assert Enquiry.objects.count() == 4
