from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.db import DatabaseError
from django.urls import reverse
from pytest_django.asserts import assertContains, assertRedirects, assertTemplateUsed

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


def test_robots_txt_lets_the_write_in_page_be_found_but_not_its_filled_in_copies(client):
    lines = client.get(reverse("robots")).content.decode().splitlines()
    disallowed = [line.removeprefix("Disallow: ") for line in lines if line.startswith("Disallow:")]
    assert not any(reverse("contact:form").startswith(rule) for rule in disallowed)
    assert "/contact/?" in disallowed and reverse("contact:thanks") in disallowed
    group = lines[: lines.index("")]  # a blank line would end the group: every rule is in it
    assert group[0] == "User-agent: *" and len(group) == 1 + len(disallowed)


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


# --- Identity, icons and the clinic's details ------------------------------------------------


def full_profile(**overrides) -> ClinicProfile:
    fields = {
        "name": "Neuro Asia Care",
        "tagline": "Neurosurgery specialist clinic, Singapore",
        "phone": "+65 6592 6871",
        "email": "care@clinic.example.sg",
        "address": "1 Example Road\nSingapore 000000",
        "opening_hours": "Mon to Fri: 9am to 5pm",
        "map_url": "https://maps.example.org/?q=clinic",
    }
    profile = ClinicProfile(**{**fields, **overrides})
    profile.save()
    return profile


def test_home_page_title_is_its_own_not_the_condition_list_title(client):
    home = client.get(reverse("home")).content.decode()
    listing = client.get(reverse("conditions:list")).content.decode()
    title = home.split("<title>")[1].split("</title>")[0]
    assert title == "Neurosurgery specialist clinic, Singapore | Neuro Asia Care"
    assert title != listing.split("<title>")[1].split("</title>")[0]


def test_favicon_ico_at_the_site_root_leads_to_the_icon(client):
    response = client.get("/favicon.ico")
    assertRedirects(response, "/static/img/favicon.ico", status_code=302, fetch_redirect_response=False)
    icon = Path(finders.find("img/favicon.ico")).read_bytes()
    assert icon[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_every_page_names_its_icons_and_manifest(client):
    html = client.get(reverse("privacy")).content.decode()
    for link in [
        '<link rel="icon" href="/static/img/favicon.ico" sizes="32x32">',
        '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">',
        '<link rel="apple-touch-icon" href="/static/img/apple-touch-icon.png">',
        '<link rel="manifest" href="/static/site.webmanifest">',
    ]:
        assert link in html


def test_admin_pages_carry_the_site_favicon(client, admin_client):
    assertContains(client.get(reverse("admin:login")), 'href="/static/img/favicon.svg"')
    assertContains(admin_client.get(reverse("admin:index")), 'href="/static/img/favicon.svg"')


def test_clinic_details_show_on_home_footer_and_write_in_page_when_set(client):
    full_profile()
    for name in ["home", "contact:form", "privacy"]:
        html = client.get(reverse(name)).content.decode()
        assert '<a href="mailto:care@clinic.example.sg">' in html
        assert "1 Example Road<br>Singapore 000000" in html
        assert "Mon to Fri: 9am to 5pm" in html
        assert '<a href="https://maps.example.org/?q=clinic">' in html
    home = client.get(reverse("home")).content.decode()
    assert home.count("1 Example Road<br>") == 2, "on the home page and in the footer"


def test_empty_clinic_details_leave_no_heading_or_label_behind(client):
    full_profile(email="", address="", opening_hours="", map_url="")
    for name in ["home", "contact:form"]:
        html = client.get(reverse(name)).content.decode()
        for label in ["<dt>Email</dt>", "<dt>Address</dt>", "<dt>Opening hours</dt>", "on a map"]:
            assert label not in html
        assert '<a href="tel:+6565926871">+65 6592 6871</a>' in html


def test_footer_emergency_number_is_a_tel_link(client):
    assertContains(client.get(reverse("home")), '<a href="tel:995">995</a>')


def test_calculator_index_lists_the_calculator(client):
    response = client.get(reverse("grading:index"))
    assert response.status_code == 200
    assertContains(response, "<h1>Calculators</h1>")
    assertContains(response, f'href="{reverse("grading:calculator")}"')
    assert reverse("grading:index") == "/grading/"
