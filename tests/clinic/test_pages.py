import pytest
from django.db import DatabaseError
from django.urls import reverse
from pytest_django.asserts import assertContains, assertTemplateUsed

from clinic.models import ClinicProfile

pytestmark = pytest.mark.django_db


def test_home_page_links_to_conditions_calculator_and_enquiry_form(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    for name in ["conditions:list", "grading:calculator", "contact:form", "privacy"]:
        assertContains(response, f'href="{reverse(name)}"')


def test_base_layout_has_skip_link_landmarks_and_language(client):
    html = client.get(reverse("home")).content.decode()
    assert '<html lang="en-SG">' in html
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert '<nav class="site-nav" aria-label="Main">' in html
    assert html.count("<h1") == 1
    assert "{#" not in html and "#}" not in html and "{%" not in html, "template syntax leaked into the page"


def test_privacy_notice_explains_pdpa_collection_purpose_retention_and_contact(client):
    response = client.get(reverse("privacy"))
    assertContains(response, "Personal Data Protection Act")
    for heading in ["What we collect", "Why we collect it", "How long we keep it", "whom to ask"]:
        assertContains(response, heading)


def test_privacy_notice_names_its_version_the_one_enquiries_record(client, settings):
    response = client.get(reverse("privacy"))
    assertContains(response, f"version {settings.PRIVACY_NOTICE_VERSION} of this notice")
    assertContains(response, "code from their phone")


def test_robots_txt_keeps_crawlers_out_of_the_admin(client):
    response = client.get(reverse("robots"))
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    assert "Disallow: /admin/" in response.content.decode()


def test_healthz_is_ok_when_the_database_answers(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_healthz_is_503_when_the_database_does_not_answer(client, monkeypatch):
    class BrokenConnection:
        def cursor(self):
            raise DatabaseError("connection refused")

    monkeypatch.setattr("clinic.views.connection", BrokenConnection())
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert b"database unavailable" in response.content


def test_unknown_page_gets_the_friendly_404_in_the_site_layout(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assertTemplateUsed(response, "404.html")
    assertContains(response, "Page not found", status_code=404)
    assertContains(response, 'class="site-header"', status_code=404)


def test_wrong_method_is_refused_with_405(client):
    assert client.post(reverse("home")).status_code == 405


def test_missing_csrf_token_gets_the_friendly_403(db):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(
        reverse("admin:login"), {"username": "x", "password": "y"}
    )
    assert response.status_code == 403
    assertContains(response, "Please try that again", status_code=403)


def test_500_page_renders_without_the_database(client, settings, monkeypatch):
    settings.ROOT_URLCONF = "tests.clinic.broken_urls"
    client.raise_request_exception = False

    def no_database(*args, **kwargs):
        raise DatabaseError("database is down")

    # Even the cached-profile lookup would fail: the 500 page must not need it.
    monkeypatch.setattr(ClinicProfile, "load", no_database)
    response = client.get("/boom/")
    assert response.status_code == 500
    assertContains(response, "Sorry, something went wrong", status_code=500)
    assertContains(response, 'href="tel:+6565926871"', status_code=500)


def test_400_page_keeps_the_site_look(client, settings):
    settings.ROOT_URLCONF = "tests.clinic.broken_urls"
    response = client.get("/bad/")
    assert response.status_code == 400
    assertContains(response, "could not understand", status_code=400)
