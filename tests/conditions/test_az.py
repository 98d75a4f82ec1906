"""The conditions A-Z (/conditions/ and /conditions/letter/<x>/) and the sitemap: what they list,
and that they cost the same few queries however many articles there are."""

import re

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from clinic.models import ClinicProfile
from conditions import views
from conditions.services import condition_unpublish
from tests.conditions.factory import make_condition, make_reviewer

pytestmark = pytest.mark.django_db

AZ = reverse("conditions:list")


def letter_url(letter: str) -> str:
    return reverse("conditions:letter", kwargs={"letter": letter})


def letters_nav(html: str) -> str:
    return re.search(r'<nav class="az-letters".*?</nav>', html, re.S)[0]


@pytest.fixture
def two():
    make_condition(also_known_as="tic convulsif")
    make_condition(name="Trigeminal neuralgia", slug="trigeminal-neuralgia", summary="Stabbing face pain.")


def test_every_letter_is_shown_and_only_letters_with_articles_are_links(client, two):
    nav = letters_nav(client.get(AZ).content.decode())
    assert re.findall(r">([A-Z])<", nav) == list("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    assert re.findall(r'<a href="/conditions/letter/([a-z])/"', nav) == ["h", "t"]
    assert (
        '<span class="az-letters__empty">B<span class="visually-hidden"> (no conditions)</span></span>' in nav
    )


def test_the_a_to_z_groups_conditions_under_their_letter_with_their_summary(client, two):
    make_condition(name="Secret draft", slug="secret-draft", publish=False)
    response = client.get(AZ)
    html = response.content.decode()
    assert re.findall(r'<h2 id="letter-\d+" class="az-group__letter">([A-Z])</h2>', html) == ["H", "T"]
    assertContains(response, '<h3><a href="/conditions/hemifacial-spasm/">Hemifacial spasm</a></h3>')
    assertContains(response, "Also called: tic convulsif")
    assertContains(response, "Stabbing face pain.")
    assertNotContains(response, "Secret draft")
    assert html.index("Hemifacial spasm</a>") < html.index("Trigeminal neuralgia</a>")


def test_a_letter_page_lists_only_that_letter_and_marks_it_current(client, two):
    response = client.get(letter_url("t"))
    assertContains(response, "Trigeminal neuralgia</a>")
    assertNotContains(response, "Hemifacial spasm</a>")
    assertContains(response, '<a href="/conditions/letter/t/" aria-current="page">T</a>')
    assertContains(response, "<title>Conditions starting with T")


def test_a_letter_without_articles_says_so(client, two):
    assertContains(client.get(letter_url("b")), "No conditions start with B yet.")


@pytest.mark.parametrize("path", ["/conditions/letter/H/", "/conditions/letter/hh/", "/conditions/letter/1/"])
def test_anything_but_one_lower_case_letter_is_not_a_letter_page(client, path):
    assert client.get(path).status_code == 404


def test_with_many_articles_the_a_to_z_shows_the_first_letter_and_links_the_rest(client, two, monkeypatch):
    monkeypatch.setattr(views, "AZ_ALL_ON_ONE_PAGE", 1)
    response = client.get(AZ)
    assertContains(response, "Hemifacial spasm</a>")
    assertNotContains(response, "Trigeminal neuralgia</a>")
    assertContains(response, '<a href="/conditions/letter/t/">T</a>')


def test_a_long_letter_continues_on_a_next_page(client, monkeypatch):
    monkeypatch.setattr(views, "AZ_PER_PAGE", 2)
    for name in ["Headache", "Hemifacial spasm", "Hydrocephalus"]:
        make_condition(name=name, slug=name.lower().replace(" ", "-"))
    first, second = client.get(letter_url("h")), client.get(letter_url("h"), {"page": "2"})
    assertContains(first, "Hemifacial spasm</a>")
    assertNotContains(first, "Hydrocephalus</a>")
    assertContains(first, 'href="?page=2" rel="next"')
    assertContains(second, "Hydrocephalus</a>")
    assertNotContains(second, "Headache</a>")


def test_the_a_to_z_changes_as_soon_as_an_article_is_published_or_unpublished(client, two):
    assertContains(client.get(AZ), "Trigeminal neuralgia</a>")  # now cached
    dystonia = make_condition(name="Dystonia", slug="dystonia")
    assertContains(client.get(AZ), "Dystonia</a>")
    condition_unpublish(condition_id=dystonia.pk, user=make_reviewer())
    response = client.get(AZ)
    assertNotContains(response, "Dystonia</a>")
    assert '<a href="/conditions/letter/d/">' not in letters_nav(response.content.decode())


def test_a_repeated_visit_gets_304(client, two):
    first = client.get(letter_url("h"))
    again = client.get(letter_url("h"), headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


# --- The sitemap ---------------------------------------------------------------------------------


SECTION = "/sitemap-conditions.xml"


def test_the_sitemap_lists_live_articles_and_follows_publishing(client, two):
    response = client.get(SECTION)
    assert response.headers["Content-Type"] == "application/xml"
    assertContains(response, "<loc>http://testserver/conditions/hemifacial-spasm/</loc>")
    cached = client.get(SECTION)
    assert cached.content == response.content
    assert cached.headers["Content-Type"] == "application/xml"
    make_condition(name="Dystonia", slug="dystonia")
    assertContains(client.get(SECTION), "<loc>http://testserver/conditions/dystonia/</loc>")


def test_a_long_sitemap_is_split_into_pages_the_index_lists(client, two, monkeypatch):
    from conditions.sitemaps import ConditionSitemap

    monkeypatch.setattr(ConditionSitemap, "limit", 1)
    index = client.get("/sitemap.xml").content.decode()
    assert "<loc>http://testserver/sitemap-conditions.xml?p=2</loc>" in index
    second = client.get(SECTION, {"p": "2"})
    assertContains(second, "/conditions/trigeminal-neuralgia/")
    assertNotContains(second, "/conditions/hemifacial-spasm/")
    assert client.get(SECTION, {"p": "3"}).status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


# --- Query counts --------------------------------------------------------------------------------


def make_articles(count: int) -> None:
    for number in range(count):
        letter = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[number % 26]
        make_condition(
            name=f"{letter}condition {number:03}", slug=f"condition-{number}", summary="A summary."
        )


@pytest.mark.parametrize("articles", [2, 200])
@pytest.mark.parametrize(
    ("url", "cold"),
    [
        # The version (one aggregate) and when the clinic details were saved (the page cache), then:
        # the letters in use, the count and the page of articles.
        (AZ, 5),
        (letter_url("b"), 5),
        # The two versions, then Django's sitemap: its count (for its pages) and its articles.
        (SECTION, 4),
        # The two versions, then each section's count of pages (the other pages' is a list).
        ("/sitemap.xml", 4),
    ],
)
def test_a_to_z_and_sitemap_take_the_same_queries_however_many_articles(
    client, django_assert_num_queries, articles, url, cold
):
    make_articles(articles)
    ClinicProfile.load()
    with django_assert_num_queries(cold):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(2):  # cached: the version and the clinic details' only
        assert client.get(url).status_code == 200
