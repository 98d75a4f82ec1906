"""The privacy notice's claims that code can check: each test names the sentence it keeps true."""

import logging
import runpy
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.urls import reverse
from pytest_django.asserts import assertContains

from contact.models import COORDINATORS_GROUP, Enquiry
from tests.conftest import staff_login
from tests.contact.conftest import make_enquiry, make_staff, valid_post

pytestmark = pytest.mark.django_db

CLIENT_ADDRESS = "203.0.113.77"
FORWARDED_ADDRESS = "198.51.100.9"
GRADE_II = {
    "periocular": "yes",
    "other_regions": "yes",
    "vision_interference": "no",
    "disfiguring_asymmetry": "no",
    "severity": "2",
    "frequency": "2",
}
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def notice(client) -> str:
    return " ".join(client.get(reverse("privacy")).content.decode().split())


def every_row_count() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_the_notice_is_in_headed_sections_others_can_add_to(client):
    html = notice(client)
    for anchor, heading in [
        ("collect", "What we collect"),
        ("why", "Why we collect it"),
        ("who", "Who can see it"),
        ("where", "Where it is kept and how we protect it"),
        ("how-long", "How long we keep it"),
        ("ask", "Your choices and whom to ask"),
    ]:
        assert f'<h2 id="{anchor}">{heading}</h2>' in html
        assert f'<a href="#{anchor}">{heading}</a>' in html


# "It does not record your internet (IP) address, what you typed, or who you are."
def test_no_log_line_holds_the_client_address_or_the_query_string(client, caplog):
    caplog.set_level(logging.DEBUG)
    headers = {"REMOTE_ADDR": CLIENT_ADDRESS, "HTTP_X_FORWARDED_FOR": FORWARDED_ADDRESS}
    client.get(reverse("conditions:list") + "?q=private-search-words", **headers)
    client.get("/no-such-page/?who=private-query", **headers)
    client.post(reverse("contact:form"), valid_post(message="A private message about my eye."), **headers)
    access_lines = [record for record in caplog.records if record.name == "clinic.access"]
    assert len(access_lines) >= 3, "the access log writes one line per request"
    for record in caplog.records:
        text = " ".join([record.getMessage(), *map(str, record.__dict__.values())])
        for private in [
            CLIENT_ADDRESS,
            FORWARDED_ADDRESS,
            "private-search-words",
            "private-query",
            "A private message",
        ]:
            assert private not in text, f"{record.name} logged {private!r}"


def test_gunicorn_keeps_no_access_log_of_its_own_unless_asked(monkeypatch):
    monkeypatch.delenv("GUNICORN_ACCESSLOG", raising=False)
    assert runpy.run_path(str(PROJECT_ROOT / "gunicorn.conf.py"))["accesslog"] is None


# "Reading the site sets no cookies. We use no advertising, tracking or analytics."
def test_reading_the_site_sets_no_cookies(client):
    from tests.conditions.factory import make_condition

    condition = make_condition()
    for url in [
        reverse("home"),
        reverse("conditions:list"),
        condition.get_absolute_url(),
        reverse("grading:index"),
        reverse("privacy"),
        "/no-such-page/",
    ]:
        response = client.get(url)
        assert response.status_code in (200, 404)
        assert dict(response.cookies) == {}, f"{url} set {list(response.cookies)}"


# "The write-in form sets one security cookie (csrftoken). [...] The calculator sets no cookie."
def test_the_write_in_form_sets_only_the_security_cookie_and_the_calculator_none(client):
    assert set(client.get(reverse("contact:form")).cookies) == {"csrftoken"}
    url = reverse("grading:calculator")
    assert dict(client.get(url).cookies) == {}
    assert dict(client.post(url, GRADE_II, headers={"HX-Request": "true"}).cookies) == {}


# "Your answers are sent to our server to work out your result. We do not save them."
def test_the_calculator_saves_nothing(client):
    before = every_row_count()
    url = reverse("grading:calculator")
    assert client.post(url, GRADE_II).status_code == 302
    assert client.post(url, GRADE_II, headers={"HX-Request": "true"}).status_code == 200
    assert every_row_count() == before
    assert "sessionid" not in client.cookies


# "Only two kinds of staff can read enquiries: our care coordinators ... and our site administrators."
def test_only_coordinators_and_site_administrators_can_read_enquiries(client):
    with_permission = Group.objects.filter(permissions__codename="view_enquiry").values_list(
        "name", flat=True
    )
    assert list(with_permission) == [COORDINATORS_GROUP]
    enquiry = make_enquiry()
    url = reverse("admin:contact_enquiry_change", args=[enquiry.pk])
    readers = {
        "coordinator": make_staff("coordinator", groups=[COORDINATORS_GROUP]),
        "administrator": User.objects.create_superuser("admin", "admin@example.sg", None),
        "editor": make_staff("editor", groups=["Editors"]),
    }
    statuses = {}
    for name, user in readers.items():
        staff_login(client, user)
        statuses[name] = client.get(url).status_code
    assert statuses == {"coordinator": 200, "administrator": 200, "editor": 403}
    html = notice(client)
    assert "<strong>our care coordinators</strong>" in html
    assert "<strong>our site administrators</strong>" in html
    assert "Staff who write the articles on this site cannot read enquiries." in html


# The periods the notice gives are the ones the site enforces.
def test_the_periods_in_the_notice_come_from_the_settings_that_enforce_them(client, settings):
    settings.CONTACT_RETENTION_MONTHS = 18
    settings.CONTACT_RATE_LIMIT_WINDOW = 15 * 60
    html = notice(client)
    assert "We delete each enquiry 18 months after we last worked on it" in html
    assert "for 15 minutes" in html
    assert "for 60 minutes, so the thank-you page can show it" in html


def test_the_thank_you_cookie_lasts_as_long_as_the_notice_says(client):
    response = client.post(reverse("contact:form"), valid_post())
    assert response.status_code == 302
    assert Enquiry.objects.count() == 1
    (cookie,) = [c for name, c in response.cookies.items() if name != "csrftoken"]
    assert cookie["max-age"] == 60 * 60
    assertContains(client.get(reverse("privacy")), "for 60 minutes")


# "We store your answer (yes or no), your comment if you write one, which page and which version of
# it you read, and the date and time. We do not ask who you are, and the answer sets no cookie."
def test_an_answer_to_is_this_page_useful_stores_only_what_the_notice_lists(client):
    from conditions.models import ArticleFeedback
    from tests.conditions.factory import make_condition

    make_condition()
    vote = reverse("conditions:feedback", kwargs={"slug": "hemifacial-spasm"})
    response = client.post(vote, {"useful": "no", "version": "1"}, REMOTE_ADDR=CLIENT_ADDRESS)
    assert response.status_code == 302
    assert dict(response.cookies) == {}
    comment_page = client.get(response.url, REMOTE_ADDR=CLIENT_ADDRESS)
    assert dict(comment_page.cookies) == {}
    assert {field.name for field in ArticleFeedback._meta.concrete_fields} == {
        "id", "condition", "version", "useful", "comment", "created_at",
    }  # fmt: skip
    stored = ArticleFeedback.objects.values().get()
    assert CLIENT_ADDRESS not in " ".join(map(str, stored.values()))
    assert "Please do not put your name, contact details or anything about your own health" in notice(client)


# "read by the staff who write and check the articles, and by our site administrators. They are
# never shown on the website."
def test_feedback_is_read_by_article_staff_only(client):
    readers = Group.objects.filter(permissions__codename="view_articlefeedback").values_list(
        "name", flat=True
    )
    assert sorted(readers) == ["Clinical reviewers", "Editors"]
    assert not Group.objects.filter(
        permissions__codename__in=["change_articlefeedback", "add_articlefeedback"]
    )
    assert "never shown on the website" in notice(client)


def test_the_feedback_count_period_comes_from_its_setting(client, settings):
    settings.FEEDBACK_RATE_LIMIT_WINDOW = 20 * 60
    assert "count the answers sent from each internet connection for 20 minutes" in notice(client)
