import json
import re

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from clinic.models import ClinicProfile
from conditions.models import Condition, Section, Treatment
from tests.conditions.factory import make_article, make_condition
from tests.conftest import staff_login

pytestmark = pytest.mark.django_db

DETAIL = reverse("conditions:detail", kwargs={"slug": "hemifacial-spasm"})


@pytest.fixture
def editor(client):
    user = User.objects.create_user("editor", "editor@example.sg", "a-long-pass-phrase-1", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    staff_login(client, user)
    return user


# --- List and search -----------------------------------------------------------------------


def test_list_shows_published_conditions_with_summaries_and_hides_drafts(client):
    make_condition()
    make_condition(name="Secret draft", slug="secret-draft", status=Condition.Status.DRAFT)
    response = client.get(reverse("conditions:list"))
    assertContains(response, f'<a href="{DETAIL}">Hemifacial spasm</a>')
    assertContains(response, "Muscles on one side of the face twitch")
    assertNotContains(response, "Secret draft")


def test_search_works_without_javascript_as_a_plain_get_form(client):
    make_condition(also_known_as="tic convulsif")
    make_condition(name="Trigeminal neuralgia", slug="trigeminal-neuralgia", summary="Stabbing pain.")
    response = client.get(reverse("conditions:list"), {"q": "convulsif"})
    html = response.content.decode()
    assert '<form class="condition-search" method="get" action="/conditions/" role="search">' in html
    assert '<label for="id_q">Search conditions</label>' in html
    assertContains(response, "1 condition found for")
    assertContains(response, "Hemifacial spasm")
    assertNotContains(response, "Trigeminal neuralgia")


def test_search_with_no_match_says_so_and_offers_the_phone_number(client):
    make_condition()
    response = client.get(reverse("conditions:list"), {"q": "migraine"})
    assertContains(response, "No condition matches those words")
    assertContains(response, 'href="tel:+6565926871"')


def test_htmx_search_returns_only_the_results_fragment(client):
    make_condition()
    response = client.get(reverse("conditions:list"), {"q": "spasm"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html and "<form" not in html
    assert "Hemifacial spasm" in html
    assert response.headers["Vary"].startswith("HX-Request")


def test_htmx_history_restore_gets_the_full_page(client):
    make_condition()
    response = client.get(
        reverse("conditions:list"), {"q": "spasm"},
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )  # fmt: skip
    assertContains(response, "<html")


def test_list_page_takes_one_query_however_many_conditions(client, django_assert_num_queries):
    for number in range(5):
        make_condition(name=f"Condition {number}", slug=f"condition-{number}")
    ClinicProfile.load()
    with django_assert_num_queries(1):
        client.get(reverse("conditions:list"))


# --- The article page ----------------------------------------------------------------------


def test_article_page_has_every_part_in_the_fixed_structure(client):
    make_article(also_known_as="tic convulsif")
    html = client.get(DETAIL).content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    assert main.count("<h1") == 1
    assert 'aria-label="Breadcrumb"' in main and '<a href="/conditions/">Conditions</a>' in main
    assert "Also called: tic convulsif" in main
    assert '<p class="lead">Muscles on one side of the face twitch without warning.</p>' in main
    anchors = re.findall(r'<h2 id="([a-z-]+)"', main)
    assert anchors == [
        "contents-title", "overview", "symptoms", "causes", "diagnosis", "treatments", "outlook",
        "living-with", "when-to-get-help", "references", "next-steps",
    ]  # fmt: skip
    for kind in Section.Kind:
        assert f'<li><a href="#{kind.value}">' in main  # the in-page contents list
    assert "Page last reviewed</dt><dd>1 November 2026" in main
    assert "Next review due</dt><dd>1 November 2027" in main
    assert "Reviewed by</dt><dd>Neuro Asia Care clinical team (Neurosurgery)" in main
    assert "It is not a diagnosis" in main


def test_treatments_show_their_verdicts_in_order_inside_the_treatments_section(client):
    make_article()
    html = client.get(DETAIL).content.decode()
    treatments = html[html.index('<h2 id="treatments"') : html.index('<h2 id="outlook"')]
    verdicts = re.findall(r'<p class="verdict verdict--([a-z-]+)">.*?</span> (.*?)</p>', treatments)
    assert verdicts == [
        ("not-effective", "Not considered effective"),
        ("repeat", "Effective but must be repeated"),
        ("once", "Effective, performed once"),
    ]


def test_when_to_get_help_shows_routine_urgent_and_emergency_blocks(client):
    make_article()
    html = client.get(DETAIL).content.decode()
    help_section = html[html.index('<h2 id="when-to-get-help"') : html.index('<h2 id="references"')]
    assert re.findall(r'class="urgency urgency--(\w+)"', help_section) == ["routine", "urgent", "emergency"]
    assert "If both sides of your face twitch." in help_section
    assert '<a class="button urgency__call" href="tel:995">Call 995</a>' in help_section
    assert 'href="/contact/?condition=hemifacial-spasm">Write in to us</a>' in help_section


def test_calculator_call_to_action_follows_the_symptoms_when_linked(client):
    make_article()
    html = client.get(DETAIL).content.decode()
    symptoms = html[html.index('<h2 id="symptoms"') : html.index('<h2 id="causes"')]
    assert f'href="{reverse("grading:calculator")}">Open the calculator</a>' in symptoms


def test_no_calculator_call_to_action_without_a_linked_calculator(client):
    condition = make_article()
    Condition.objects.filter(pk=condition.pk).update(calculator="")
    assertNotContains(client.get(DETAIL), "Open the calculator")


def test_care_coordinator_block_has_the_phone_as_a_tel_link_and_a_write_in_link(client):
    make_article()
    html = client.get(DETAIL).content.decode()
    block = html[html.index('<section class="coordinator"') :]
    assert "Not sure what to do next?" in block
    assert '<a href="tel:+6565926871">+65 6592 6871</a>' in block
    assert '<a class="button" href="/contact/?condition=hemifacial-spasm">Write in</a>' in block


def test_related_conditions_are_listed_only_when_published(client):
    condition = make_article()
    neuralgia = make_condition(name="Trigeminal neuralgia", slug="trigeminal-neuralgia", summary="Face pain.")
    hidden = make_condition(name="Draft thing", slug="draft-thing", status=Condition.Status.DRAFT)
    condition.related.set([neuralgia, hidden])
    response = client.get(DETAIL)
    assertContains(response, '<a href="/conditions/trigeminal-neuralgia/">Trigeminal neuralgia</a>')
    assertNotContains(response, "Draft thing")


def test_nothing_from_markdown_can_run_script_on_the_page(client):
    condition = make_condition()
    evil = '<script>alert("x")</script> [click](javascript:alert(1)) <img src=x onerror=alert(1)>'
    Section.objects.create(condition=condition, kind="overview", body=evil)
    Treatment.objects.create(condition=condition, name="T", verdict="V", verdict_kind="once", body=evil)
    condition.urgency_advice.create(level="urgent", body=evil)
    html = client.get(DETAIL).content.decode()
    assert "alert" not in html
    assert "javascript:" not in html
    assert "onerror" not in html


def test_head_requests_are_answered_like_get(client):
    make_article()
    assert client.head(DETAIL).status_code == 200
    assert client.head(reverse("conditions:list")).status_code == 200


def test_unknown_condition_is_404(client):
    assert client.get(reverse("conditions:detail", kwargs={"slug": "no-such-thing"})).status_code == 404


# --- Drafts and preview --------------------------------------------------------------------


def test_a_draft_is_404_to_the_public(client):
    make_condition(status=Condition.Status.DRAFT)
    assert client.get(DETAIL).status_code == 404


def test_a_draft_is_404_to_staff_who_may_not_edit_articles(client):
    make_condition(status=Condition.Status.DRAFT)
    staff_login(client, User.objects.create_user("reader", password="a-long-pass-phrase-1", is_staff=True))
    assert client.get(DETAIL).status_code == 404


def test_editors_see_a_draft_with_a_banner_and_the_response_is_never_cached(client, editor):
    make_article(status=Condition.Status.DRAFT)
    response = client.get(DETAIL)
    assertContains(response, "Draft preview.")
    assertContains(response, '<meta name="robots" content="noindex, nofollow">')
    assert "no-store" in response.headers["Cache-Control"]
    assert "private" in response.headers["Cache-Control"]
    assert "ETag" not in response.headers


def test_a_draft_preview_shows_each_edit_at_once(client, editor):
    condition = make_article(status=Condition.Status.DRAFT)
    client.get(DETAIL)
    section = condition.sections.get(kind="overview")
    section.body = "A brand new overview."
    section.save()
    assertContains(client.get(DETAIL), "A brand new overview.")


def test_published_pages_have_no_draft_banner(client, editor):
    make_article()
    assertNotContains(client.get(DETAIL), "Draft preview")


# --- Old addresses -------------------------------------------------------------------------


def test_an_old_slug_redirects_permanently_to_the_new_address(client):
    condition = make_article(slug="facial-spasm")
    condition.slug = "hemifacial-spasm"
    condition.save()
    response = client.get(reverse("conditions:detail", kwargs={"slug": "facial-spasm"}))
    assertRedirects(response, DETAIL, status_code=301)


def test_an_old_slug_of_a_draft_is_404_to_the_public(client):
    condition = make_condition(slug="facial-spasm", status=Condition.Status.DRAFT)
    condition.slug = "hemifacial-spasm"
    condition.save()
    assert client.get(reverse("conditions:detail", kwargs={"slug": "facial-spasm"})).status_code == 404


# --- Conditional GET, caching and the query budget -----------------------------------------


def test_an_unchanged_page_answers_304_to_its_etag(client):
    make_article()
    first = client.get(DETAIL)
    assert first.headers["ETag"].startswith('W/"')
    assert first.headers["Cache-Control"] == "private, no-cache"
    again = client.get(DETAIL, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["ETag"] == first.headers["ETag"]


def test_an_unchanged_page_answers_304_to_if_modified_since(client):
    make_article()
    first = client.get(DETAIL)
    again = client.get(DETAIL, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert again.status_code == 304


def test_a_changed_article_answers_200_with_a_new_etag(client):
    condition = make_article()
    first = client.get(DETAIL)
    section = condition.sections.get(kind="causes")
    section.body = "A new explanation of the causes."
    section.save()
    again = client.get(DETAIL, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200
    assert again.headers["ETag"] != first.headers["ETag"]
    assertContains(again, "A new explanation of the causes.")


def test_a_new_clinic_phone_number_shows_on_cached_pages_at_once(client):
    make_article()
    first = client.get(DETAIL)
    profile = ClinicProfile.load()
    profile.phone = "+65 6111 2222"
    profile.save()
    again = client.get(DETAIL, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200
    assertContains(again, '<a href="tel:+6561112222">+65 6111 2222</a>', count=2)  # coordinator and footer


def test_new_clinic_details_show_at_once_even_where_a_workers_cached_copy_is_older(client):
    """Another worker, without a shared cache, still holds the old details in its own memory."""
    from clinic.models import PROFILE_CACHE_KEY

    make_article()
    ClinicProfile.objects.create(name="Neuro Asia Care", phone="+65 6592 6871")
    client.get(DETAIL)
    older = cache.get(PROFILE_CACHE_KEY)
    profile = ClinicProfile.objects.get()
    profile.phone = "+65 6111 2222"
    profile.save()
    cache.set(PROFILE_CACHE_KEY, older)  # as that worker's cache still has it
    page = client.get(DETAIL)
    assertContains(page, '<a href="tel:+6561112222">+65 6111 2222</a>', count=2)
    assertNotContains(page, "6592 6871")


def test_a_cached_condition_page_does_not_ask_the_cache_for_the_clinic_details(client, monkeypatch):
    make_article()
    client.get(DETAIL)
    monkeypatch.setattr(ClinicProfile, "load", classmethod(lambda cls, **kwargs: pytest.fail("loaded")))
    assert client.get(DETAIL).status_code == 200


def test_renaming_a_related_condition_shows_on_cached_pages_at_once(client):
    condition = make_article()
    other = make_condition(name="Trigeminal neuralgia", slug="trigeminal-neuralgia", summary="Face pain.")
    condition.related.add(other)
    client.get(DETAIL)
    other.name = "Trigeminal neuralgia (tic douloureux)"
    other.save()
    assertContains(client.get(DETAIL), "Trigeminal neuralgia (tic douloureux)</a>")


def test_htmx_and_full_page_responses_never_share_a_cache_entry(client):
    make_article()
    full = client.get(DETAIL).content.decode()
    fragment = client.get(DETAIL, headers={"HX-Request": "true"}).content.decode()
    full_again = client.get(DETAIL).content.decode()
    assert "<html" in full and "<html" in full_again
    assert "<html" not in fragment and '<article class="article"' in fragment
    assert client.get(DETAIL).headers["Vary"].startswith("HX-Request")


def test_cached_fragments_carry_nothing_from_the_visitors_request(client, monkeypatch):
    stored = []
    real_set = cache.set

    def recording_set(key, value, *args, **kwargs):
        stored.append(value)
        return real_set(key, value, *args, **kwargs)

    monkeypatch.setattr(cache, "set", recording_set)
    make_article()
    page = client.get(DETAIL).content.decode()
    assert "csrf" not in page.lower()  # article pages carry nothing per-visitor at all...
    fragments = [fragment for entry in stored if isinstance(entry, dict) for fragment in entry.values()]
    assert fragments and all("Hemifacial spasm" in fragment for fragment in fragments)
    assert not any("csrf" in fragment.lower() for fragment in fragments)  # ...nor do the cached parts


def test_a_cached_page_costs_one_query(client, django_assert_num_queries):
    make_article()
    client.get(DETAIL)
    with django_assert_num_queries(1):
        response = client.get(DETAIL)
    assert response.status_code == 200


def test_a_page_not_in_the_cache_costs_at_most_three_queries_however_many_parts(
    client, django_assert_max_num_queries
):
    condition = make_article()
    for number in range(4):
        Treatment.objects.create(
            condition=condition, name=f"T{number}", verdict="V", verdict_kind="once", body="B"
        )
        condition.references.create(title=f"R{number}", source="S", year=2020)
        condition.related.add(make_condition(name=f"Other {number}", slug=f"other-{number}"))
    client.get(DETAIL)  # renders the body once after the change
    cache.clear()  # page fragments and the clinic profile
    with django_assert_max_num_queries(3):
        response = client.get(DETAIL)
    assertContains(response, "T3")
    assertContains(response, "Other 3")


def test_the_body_is_rendered_once_per_change_not_once_per_view(client, django_assert_max_num_queries):
    condition = make_article()
    client.get(DETAIL)
    stored = Condition.objects.get(pk=condition.pk)
    assert '<h2 id="symptoms">' in stored.body_html
    for _ in range(2):
        cache.clear()
        with django_assert_max_num_queries(3):
            client.get(DETAIL)
    assert Condition.objects.get(pk=condition.pk).body_version == stored.body_version


def test_a_304_also_costs_one_query(client, django_assert_num_queries):
    make_article()
    etag = client.get(DETAIL).headers["ETag"]
    with django_assert_num_queries(1):
        assert client.get(DETAIL, headers={"If-None-Match": etag}).status_code == 304


# --- Figures -------------------------------------------------------------------------------


def test_figures_use_picture_with_webp_srcset_sizes_explicit_size_and_lazy_loading(client):
    make_article()
    html = client.get(DETAIL).content.decode()
    causes = html[html.index('<h2 id="causes"') : html.index('<h2 id="diagnosis"')]
    assert '<source type="image/webp" srcset="/media/conditions/figures/' in causes
    assert re.search(r'srcset="[^"]+-480\.png 480w, [^"]+-800\.png 800w, [^"]+-1000\.png 1000w"', causes)
    assert 'sizes="(min-width: 48em) 40rem, calc(100vw - 2rem)"' in causes
    assert 'width="800" height="480"' in causes
    assert 'loading="lazy"' in causes and 'decoding="async"' in causes
    assert 'alt="A nerve in the face with a blood vessel pressing on it."' in causes
    assert "<figcaption>A blood vessel pressing on the facial nerve.</figcaption>" in causes


def test_figure_files_are_served_with_a_long_cache(client):
    condition = make_article()
    name = condition.figures.get().renditions[0]["name"].rsplit("/", 1)[1]
    response = client.get(f"/media/conditions/figures/{name}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/webp"
    assert "immutable" in response.headers["Cache-Control"]
    assert b"".join(response.streaming_content)[:4] == b"RIFF"
    response.close()


@pytest.mark.parametrize("name", ["..%2F..%2Fdb.sqlite3", "nerve.txt", "missing.png", ".hidden.png"])
def test_only_existing_figure_images_are_served(client, name):
    make_article()
    assert client.get(f"/media/conditions/figures/{name}").status_code == 404


# --- Structured data, canonical, Open Graph, sitemap ---------------------------------------


def test_json_ld_describes_a_reviewed_medical_web_page_about_the_condition(client):
    make_article(also_known_as="tic convulsif")
    html = client.get(DETAIL).content.decode()
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)[1]
    data = json.loads(raw)
    assert data["@type"] == "MedicalWebPage"
    assert data["about"] == {
        "@type": "MedicalCondition",
        "name": "Hemifacial spasm",
        "url": "http://testserver/conditions/hemifacial-spasm/",
        "alternateName": ["tic convulsif"],
    }
    assert data["lastReviewed"] == "2026-11-01"
    assert data["reviewedBy"] == {
        "@type": "Organization",
        "name": "Neuro Asia Care clinical team",
        "description": "Neurosurgery",
    }
    assert data["image"].startswith("http://testserver/media/conditions/figures/")


def test_json_ld_cannot_be_broken_out_of_by_article_text(client):
    make_article(summary="Ends here </script><script>alert(1)</script>")
    html = client.get(DETAIL).content.decode()
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)[1]
    assert json.loads(raw)["description"] == "Ends here </script><script>alert(1)</script>"
    assert "<script>alert(1)" not in html


def test_canonical_link_and_open_graph_tags(client):
    make_article()
    response = client.get(DETAIL)
    assertContains(response, '<link rel="canonical" href="http://testserver/conditions/hemifacial-spasm/">')
    assertContains(response, '<meta property="og:title" content="Hemifacial spasm">')
    assertContains(response, '<meta property="og:type" content="article">')
    assertContains(response, '<meta property="og:image" content="http://testserver/media/conditions/figures/')
    assertContains(response, '<meta name="description" content="Muscles on one side of the face twitch')


def test_sitemap_lists_published_conditions_with_lastmod_and_the_public_pages(client):
    condition = make_condition()
    make_condition(name="Draft", slug="draft", status=Condition.Status.DRAFT)
    response = client.get("/sitemap.xml")
    xml = response.content.decode()
    assert response.status_code == 200
    assert "<loc>http://testserver/conditions/hemifacial-spasm/</loc>" in xml
    assert f"<lastmod>{timezone.localdate(condition.updated_at).isoformat()}</lastmod>" in xml
    assert "/conditions/draft/" not in xml
    for name in ["home", "conditions:list", "grading:calculator", "privacy"]:
        assert f"<loc>http://testserver{reverse(name)}</loc>" in xml
    assert "/contact/" not in xml


def test_robots_txt_points_to_the_sitemap(client):
    assertContains(client.get("/robots.txt"), "Sitemap: http://testserver/sitemap.xml")


def test_editor_without_the_editors_group_cannot_preview(client):
    make_condition(status=Condition.Status.DRAFT)
    user = User.objects.create_user("viewer", password="a-long-pass-phrase-1", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_condition"))
    staff_login(client, user)
    assert client.get(DETAIL).status_code == 404


def test_a_new_body_format_after_a_deploy_renders_the_body_again(client, monkeypatch):
    condition = make_article()
    first = client.get(DETAIL)
    monkeypatch.setattr("conditions.services.BODY_FORMAT", "next")
    again = client.get(DETAIL, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200
    assert Condition.objects.get(pk=condition.pk).body_version.startswith("next:")
