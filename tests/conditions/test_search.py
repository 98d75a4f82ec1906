"""Search (conditions/search.py and the search page): what it finds, in what order, what it shows,
and that it follows publishing. Runs on both engines (SQLite FTS5, PostgreSQL) as the suite does."""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from clinic.models import ClinicProfile
from conditions.models import SearchEntry, Section, Synonym
from conditions.search import search
from conditions.services import condition_republish, condition_unpublish
from tests.conditions.factory import make_article, make_condition, make_reviewer, publish_version

pytestmark = pytest.mark.django_db

SEARCH = reverse("conditions:search")


def found(query: str, page: int = 1) -> list[str]:
    return [result.name for result in search(query, page).results]


@pytest.fixture
def library():
    """The two seeded conditions in small: hemifacial spasm (a full article) and trigeminal neuralgia."""
    make_article(also_known_as="tic convulsif")
    make_condition(
        name="Trigeminal neuralgia",
        slug="trigeminal-neuralgia",
        also_known_as="tic douloureux",
        summary="Sudden attacks of stabbing facial pain.",
    )


# --- What it finds -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # Synonyms seeded by the migration: the article never says "botox", "MVD" or "HFS".
        ("botox", ["Hemifacial spasm"]),
        ("MVD", ["Hemifacial spasm"]),
        ("HFS", ["Hemifacial spasm"]),
        ("TN", ["Trigeminal neuralgia"]),
        ("tic douloureux", ["Trigeminal neuralgia"]),
        ("face pain", ["Trigeminal neuralgia"]),
        # Plurals, capitals and word order.
        ("spasms", ["Hemifacial spasm"]),
        ("Twitching", ["Hemifacial spasm"]),
        ("HEMIFACIAL", ["Hemifacial spasm"]),
        ("spasm hemifacial", ["Hemifacial spasm"]),
        ("hemifacial spasms", ["Hemifacial spasm"]),
        # Other names, summary, and the text of sections and treatments.
        ("convulsif", ["Hemifacial spasm"]),
        ("stabbing", ["Trigeminal neuralgia"]),
        ("blood vessel", ["Hemifacial spasm"]),
        ("MRI scan", ["Hemifacial spasm"]),
        ("injections", ["Hemifacial spasm"]),
        # Every word must be found.
        ("stabbing vessel", []),
        ("migraine", []),
    ],
)
def test_search_finds_what_patients_type(library, query, expected):
    assert found(query) == expected


def test_a_synonym_an_editor_adds_works_at_once(client, library):
    assertContains(client.get(SEARCH, {"q": "blepharospasm"}), "No conditions found")  # now cached
    synonym = Synonym.objects.create(terms="blepharospasm, twitch")
    assertContains(client.get(SEARCH, {"q": "blepharospasm"}), "1 condition found")
    synonym.terms = "blepharospasm, eyelid"
    synonym.save()
    assertContains(client.get(SEARCH, {"q": "blepharospasm"}), "No conditions found")


def test_synonyms_read_capitals_and_spacing_however_editors_typed_them():
    synonym = Synonym.objects.create(terms="  Botox ,botulinum toxin,, ")
    assert synonym.terms == "Botox, botulinum toxin"


def test_drafts_are_never_found():
    make_condition(name="Cluster headache", slug="cluster-headache", summary="Severe pain.", publish=False)
    assert found("cluster") == []
    assert found("severe") == []


def test_changes_to_a_live_article_are_found_only_once_published():
    condition = make_article()
    section = condition.sections.get(kind=Section.Kind.OUTLOOK)
    section.body = "Most people feel better after treatment with zanzibarian methods."
    section.save()
    assert found("zanzibarian") == []
    assert found("rarely") == ["Hemifacial spasm"]
    publish_version(condition)
    assert found("zanzibarian") == ["Hemifacial spasm"]
    assert found("rarely") == []


def test_an_unpublished_article_leaves_the_index_and_comes_back_when_republished():
    condition = make_condition()
    reviewer = make_reviewer()
    condition_unpublish(condition_id=condition.pk, user=reviewer)
    assert found("spasm") == []
    assert not SearchEntry.objects.exists()
    condition_republish(condition_id=condition.pk, user=reviewer)
    assert found("spasm") == ["Hemifacial spasm"]


def test_the_rebuild_command_rewrites_the_index_from_the_live_versions(library):
    make_condition(name="Cluster headache", slug="cluster-headache", summary="Severe pain.", publish=False)
    SearchEntry.objects.all().delete()  # e.g. a database restored without its index
    assert found("spasm") == []
    out = io.StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert "Search index rebuilt: 2 articles." in out.getvalue()
    assert found("spasm") == ["Hemifacial spasm"]
    assert found("stabbing") == ["Trigeminal neuralgia"]
    assert found("severe") == []


# --- Ranking, snippets, pages --------------------------------------------------------------------


def test_a_name_match_ranks_first_then_summary_then_text():
    # Made in the opposite order, so the ranking cannot come from the order of creation.
    body_only = make_condition(
        name="Bell's palsy", slug="bells-palsy", summary="The face droops.", publish=False
    )
    Section.objects.create(condition=body_only, kind=Section.Kind.SYMPTOMS, body="Some feel a tremor first.")
    publish_version(body_only)
    make_condition(name="Essential tremor", slug="essential-tremor", summary="Shaking hands.")
    make_condition(name="Dystonia", slug="dystonia", summary="Muscles pull, with a tremor at times.")
    assert found("tremor") == ["Essential tremor", "Dystonia", "Bell's palsy"]


def test_an_other_name_match_ranks_with_name_matches():
    make_condition(name="Dystonia", slug="dystonia", summary="Muscles pull, like a spasm of the neck.")
    make_condition(name="Hemifacial spasm", slug="hemifacial-spasm", summary="One side of the face.")
    make_condition(
        name="Blepharospasm", slug="blepharospasm", also_known_as="eyelid spasm", summary="Eyes close."
    )
    assert found("spasm")[2] == "Dystonia"


def test_each_result_shows_where_the_word_was_found_marked():
    make_article()
    [result] = search("vessel").results
    assert "<mark>vessel</mark>" in result.snippet
    assert "facial nerve" in result.snippet


def test_snippets_are_escaped_only_the_marks_are_markup():
    make_condition(summary='Pain <script>alert("x")</script> & stabbing attacks.')
    [result] = search("stabbing").results
    # (PostgreSQL's headline drops what looks like a tag; FTS5 keeps it, escaped.)
    assert "<script>" not in result.snippet
    assert "&amp;" in result.snippet and "alert(&quot;x&quot;)" in result.snippet
    assert "<mark>stabbing</mark>" in result.snippet
    assert re.sub(r"</?mark>", "", result.snippet).count("<") == 0


def test_results_come_a_page_at_a_time(client):
    for number in range(23):
        make_condition(name=f"Tremor type {number:02}", slug=f"tremor-{number}", summary="Shaking.")
    first, third = search("tremor", 1), search("tremor", 3)
    assert first.page.paginator.count == 23 and len(first.results) == 10
    assert len(third.results) == 3
    assert not set(r.name for r in first.results) & set(r.name for r in third.results)
    assert found("tremor", 99) == found("tremor", 3)  # past the end: the last page
    response = client.get(SEARCH, {"q": "tremor", "page": "2"})
    assertContains(response, "23 conditions found")
    assertContains(response, "page 2 of 3")
    assertContains(response, 'href="/conditions/search/?q=tremor&amp;page=3"')
    assertContains(response, 'href="/conditions/search/?q=tremor&amp;page=1"')


# --- The page ------------------------------------------------------------------------------------


def test_search_works_without_javascript_as_a_plain_get_form(client, library):
    response = client.get(SEARCH, {"q": "twitching"})
    html = response.content.decode()
    assert '<form class="condition-search" method="get" action="/conditions/search/" role="search">' in html
    assert '<label for="id_q">Search conditions</label>' in html
    assertContains(response, "1 condition found for")
    assertContains(response, '<a href="/conditions/hemifacial-spasm/">Hemifacial spasm</a>')
    assertNotContains(response, "Trigeminal neuralgia</a>")


def test_the_live_filter_gets_the_same_results_as_a_fragment(client, library):
    full = client.get(SEARCH, {"q": "botox"}).content.decode()
    response = client.get(SEARCH, {"q": "botox"}, headers={"HX-Request": "true"})
    fragment = response.content.decode()
    assert "<html" not in fragment and "<form" not in fragment
    assert fragment.strip() in full
    assert "Hemifacial spasm" in fragment
    assert response.headers["Vary"].startswith("HX-Request")
    attributes = re.search(r"<input[^>]+>", full)[0]
    assert 'hx-get="/conditions/search/"' in attributes
    assert 'hx-trigger="input changed delay:300ms, search"' in attributes
    assert 'hx-push-url="true"' in attributes


def test_htmx_history_restore_gets_the_full_page(client, library):
    response = client.get(
        SEARCH, {"q": "spasm"}, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assertContains(response, "<html")


def test_no_match_says_so_and_offers_the_a_to_z_and_the_coordinator_s_phone(client, library):
    response = client.get(SEARCH, {"q": "migraine"})
    assertContains(response, 'No conditions found for "migraine".')
    assertContains(response, 'href="/conditions/">all conditions, A to Z</a>')
    phone = ClinicProfile.load()
    assertContains(response, f'<a href="{phone.phone_href}">{phone.phone}</a>')


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"page": "2"}, {"q": "***"}])
def test_an_empty_search_page_invites_a_word(client, params):
    response = client.get(SEARCH, params)
    assertContains(response, "Type a word or two")
    assertNotContains(response, "found for")


def test_the_query_is_shown_escaped(client, library):
    response = client.get(SEARCH, {"q": "<b>spasm</b>"})
    assertContains(response, "&lt;b&gt;spasm&lt;/b&gt;")
    assertNotContains(response, "<b>spasm")


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '"spasm',
        "*",
        "spasm*",
        "NEAR(spasm face)",
        "spasm OR",
        "AND",
        "NOT spasm",
        "^spasm",
        "{names}: spasm",
        "names:spasm",
        "- + ( ) :",
        "'; DROP TABLE conditions_condition; --",
        "___",
        "café",
        "顔面けいれん",
        "🙂 spasm",
        "a" * 100,
        "a " * 60,
        "x" * 101,
        "   ",
    ],
)
def test_odd_queries_never_fail(client, library, query):
    response = client.get(SEARCH, {"q": query})
    assert response.status_code == 200
    assert client.get(SEARCH, {"q": query, "page": "-1"}).status_code == 200
    assert client.get(SEARCH, {"q": query}, headers={"HX-Request": "true"}).status_code == 200


def test_an_over_long_query_asks_for_fewer_words(client):
    response = client.get(SEARCH, {"q": "x" * 101})
    assertContains(response, "Please use fewer words")


@pytest.mark.parametrize("page", ["0", "-3", "abc", "2.5", "99999999999999999999"])
def test_odd_page_numbers_give_the_first_page(client, library, page):
    response = client.get(SEARCH, {"q": "spasm", "page": page})
    assertContains(response, "1 condition found")


def test_old_search_links_go_to_the_search_page(client):
    response = client.get(reverse("conditions:list"), {"q": "tic convulsif"})
    assertRedirects(response, f"{SEARCH}?q=tic+convulsif", status_code=301, fetch_redirect_response=False)


@pytest.mark.parametrize("articles", [2, 200])
def test_search_takes_the_same_queries_however_many_articles(client, django_assert_num_queries, articles):
    for number in range(articles):
        make_condition(name=f"Tremor type {number:03}", slug=f"tremor-{number}", summary="Shaking hands.")
    ClinicProfile.load()
    page = "2" if articles > 10 else "1"
    # The articles', the synonyms' and the clinic details' versions; then the synonyms, the ranked
    # ids of every match, the page's snippets and the page's entries.
    with django_assert_num_queries(7):
        response = client.get(SEARCH, {"q": "shaking", "page": page})
    assertContains(response, f"{articles} conditions found")
    with django_assert_num_queries(3):  # the same search again: from the cache
        assert client.get(SEARCH, {"q": "shaking", "page": page}).content == response.content


def test_a_search_is_cached_per_version_of_the_articles(client):
    make_condition()
    assertContains(client.get(SEARCH, {"q": "dystonia"}), "No conditions found")
    make_condition(name="Dystonia", slug="dystonia")
    assertContains(client.get(SEARCH, {"q": "dystonia"}), "1 condition found")
