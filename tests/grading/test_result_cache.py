"""The htmx result region, rendered once per answers and day, with a fresh signed token each time."""

import re
from urllib.parse import unquote_plus

import pytest
from django.urls import reverse

from grading import views
from grading.handoff import load_result

pytestmark = pytest.mark.django_db

URL = reverse("grading:calculator")
HX = {"HX-Request": "true"}
ANSWERS = {
    "periocular": "yes",
    "other_regions": "yes",
    "vision_interference": "no",
    "disfiguring_asymmetry": "no",
    "severity": "2",
    "frequency": "3",
}


def tokens(html: str) -> set[str]:
    """The tokens in the region's links, as written in the HTML (URL-encoded)."""
    return set(re.findall(r"result=([^&#\"]+)", html))


def test_the_result_region_is_rendered_once_per_set_of_answers(client, rendered):
    client.post(URL, ANSWERS, headers=HX)
    assert rendered
    rendered.clear()
    client.post(URL, ANSWERS, headers=HX)
    assert rendered == []
    client.post(URL, {**ANSWERS, "severity": "3"}, headers=HX)
    assert rendered  # other answers, another region


def test_every_response_carries_a_token_signed_for_it(client, monkeypatch):
    monkeypatch.setattr("django.core.signing.time.time", lambda: 1_800_000_000)
    first = client.post(URL, ANSWERS, headers=HX).content.decode()
    monkeypatch.setattr("django.core.signing.time.time", lambda: 1_800_000_100)
    second = client.post(URL, ANSWERS, headers=HX).content.decode()
    (first_token,), (second_token,) = tokens(first), tokens(second)
    assert first_token != second_token
    assert views.RESULT_SLOT not in first + second
    for token in (first_token, second_token):
        assert load_result(unquote_plus(token), max_age=10**10).answers["severity"] == 2
    assert first.replace(first_token, "") == second.replace(second_token, "")  # all else the same


def test_answers_the_page_never_offers_are_refused_even_after_good_ones(client):
    assert client.post(URL, ANSWERS, headers=HX).status_code == 200
    assert client.post(URL, {**ANSWERS, "severity": "9"}).status_code == 400
    checked = client.post(
        URL, {**ANSWERS, "periocular": "no", "other_regions": "no", "vision_interference": "yes"}, headers=HX
    )
    assert "Some answers need checking" in checked.content.decode()


def test_the_empty_calculator_is_rendered_once_and_every_visitor_gets_a_working_token_of_their_own(rendered):
    from tests.conftest import BrowserClient

    pages = []
    for _ in range(2):
        visitor = BrowserClient(enforce_csrf_checks=True)
        page = visitor.get(URL)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
        assert views.CSRF_SLOT not in page.content.decode()
        assert "csrftoken" in page.cookies
        assert visitor.post(URL, {**ANSWERS, "csrfmiddlewaretoken": token}).status_code == 302
        pages.append((page, token))
    assert sum(name == "grading/calculator.html" for name in rendered) == 1
    (first, first_token), (second, second_token) = pages
    assert first_token != second_token
    assert first.content.decode().replace(first_token, "") == second.content.decode().replace(
        second_token, ""
    )
