"""The public pages read published versions only (conditions/views.py); the staff preview renders
the working copy through the same template."""

import json
import re

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from clinic.models import ClinicProfile
from conditions.models import Condition, PublishedVersion, Section, Treatment
from conditions.views import PAGE_TEMPLATE
from tests.conditions.factory import EDITORS, make_article, make_condition, make_staff, publish_version

pytestmark = pytest.mark.django_db

DETAIL = reverse("conditions:detail", kwargs={"slug": "hemifacial-spasm"})


@pytest.fixture
def editor(client):
    user = make_staff("editor", EDITORS)
    client.force_login(user)
    return user


def preview_url(condition: Condition) -> str:
    return reverse("conditions:preview", args=[condition.pk])


# --- List and search -----------------------------------------------------------------------


def test_list_shows_published_conditions_with_summaries_and_hides_drafts(client):
    make_condition()
    make_condition(name="Secret draft", slug="secret-draft", publish=False)
    response = client.get(reverse("conditions:list"))
    assertContains(response, f'<a href="{DETAIL}">Hemifacial spasm</a>')
    assertContains(response, "Muscles on one side of the face twitch")
    assertNotContains(response, "Secret draft")


# (The A-Z and search: tests/conditions/test_az.py and test_search.py.)


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
        "living-with", "when-to-get-help", "references", "next-steps", "feedback-title",
    ]  # fmt: skip
    for kind in Section.Kind:
        assert f'<li><a href="#{kind.value}">' in main  # the in-page contents list
    assert "Last reviewed</dt><dd>1 November 2026 by Neuro Asia Care clinical team, Neurosurgery" in main
    assert "Next review due</dt><dd>1 November 2027" in main
    assert "Last updated" not in main  # a clinical sign-off: its date is the review date
    # One disclaimer on the page: the footer's.
    assert html.count("not a diagnosis") + html.count("does not give a diagnosis") == 1


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
    assertContains(client.get(DETAIL), "Open the calculator")  # until published
    publish_version(condition)
    assertNotContains(client.get(DETAIL), "Open the calculator")


def test_care_coordinator_block_has_the_phone_as_a_tel_link_and_a_write_in_link(client):
    make_article()
    html = client.get(DETAIL).content.decode()
    block = html[html.index('<section class="coordinator"') :]
    assert "Not sure what to do next?" in block
    assert '<a href="tel:+6565926871">+65 6592 6871</a>' in block
    assert '<a class="button" href="/contact/?condition=hemifacial-spasm">Write in</a>' in block


def test_related_conditions_are_listed_only_while_they_are_live(client):
    neuralgia = make_condition(name="Trigeminal neuralgia", slug="trigeminal-neuralgia", summary="Face pain.")
    hidden = make_condition(name="Draft thing", slug="draft-thing", publish=False)
    make_article(related=[neuralgia, hidden])
    response = client.get(DETAIL)
    assertContains(response, '<a href="/conditions/trigeminal-neuralgia/">Trigeminal neuralgia</a>')
    assertNotContains(response, "Draft thing")
    # A related article's new name shows once it is published; taken off the site, it goes.
    neuralgia.name = "Trigeminal neuralgia (tic douloureux)"
    neuralgia.save()
    assertNotContains(client.get(DETAIL), "tic douloureux")
    publish_version(neuralgia)
    assertContains(client.get(DETAIL), "Trigeminal neuralgia (tic douloureux)</a>")
    PublishedVersion.objects.filter(condition=neuralgia).update(is_live=False)
    assertNotContains(client.get(DETAIL), "Trigeminal neuralgia")


def test_nothing_from_markdown_can_run_script_on_the_page(client):
    condition = make_condition(publish=False)
    evil = '<script>alert("x")</script> [click](javascript:alert(1)) <img src=x onerror=alert(1)>'
    Section.objects.create(condition=condition, kind="overview", body=evil)
    Treatment.objects.create(condition=condition, name="T", verdict="V", verdict_kind="once", body=evil)
    condition.urgency_advice.create(level="urgent", body=evil)
    publish_version(condition)
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


def test_a_never_published_article_is_404_at_its_address_even_to_editors(client, editor):
    make_condition(publish=False)
    assert client.get(DETAIL).status_code == 404  # the preview has its own address


def test_the_preview_is_404_to_the_public_and_to_staff_who_may_not_edit_articles(client):
    condition = make_article(publish=False)
    assert client.get(preview_url(condition)).status_code == 404
    client.force_login(User.objects.create_user("reader", password=None, is_staff=True))
    assert client.get(preview_url(condition)).status_code == 404
    viewer = User.objects.create_user("viewer", password=None, is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_condition"))
    client.force_login(viewer)
    assert client.get(preview_url(condition)).status_code == 404


def test_editors_preview_the_draft_with_a_banner_never_cached_nor_indexed(client, editor):
    condition = make_article(publish=False)
    response = client.get(preview_url(condition))
    assertContains(response, "Preview: not published.")
    assertContains(response, '<meta name="robots" content="noindex, nofollow">')
    assertContains(response, "Not yet reviewed")
    assert "no-store" in response.headers["Cache-Control"]
    assert "private" in response.headers["Cache-Control"]
    assert "ETag" not in response.headers


def test_the_preview_shows_each_edit_of_the_draft_at_once_and_the_page_does_not(client, editor):
    condition = make_article()
    client.get(preview_url(condition))
    section = condition.sections.get(kind="overview")
    section.body = "A brand new overview."
    section.save()
    preview = client.get(preview_url(condition))
    assertContains(preview, "A brand new overview.")
    assertContains(preview, "until then they see version 1")
    assertNotContains(client.get(DETAIL), "A brand new overview.")


def test_the_preview_is_the_page_a_publish_puts_live(client, editor):
    """The same function builds both, and the same template renders both."""
    condition = make_article()
    section = condition.sections.get(kind="causes")
    section.body = "A new explanation of the causes, with a **bold** word."
    section.save()
    preview = client.get(preview_url(condition)).content.decode()
    publish_version(condition)
    client.logout()
    page = client.get(DETAIL).content.decode()

    def article(html: str) -> str:
        start = html.index('<nav class="breadcrumbs"')
        return re.split(r'<(?:dl|p) class="article-review"', html[start:])[0]

    assert "A new explanation of the causes, with a <strong>bold</strong> word." in article(page)
    assert article(preview) == article(page)


def test_published_pages_have_no_preview_banner(client, editor):
    make_article()
    assertNotContains(client.get(DETAIL), "Preview: not published")


# --- Old addresses -------------------------------------------------------------------------


def test_a_new_address_takes_effect_on_publish_and_the_old_one_redirects_permanently(client):
    condition = make_article(slug="facial-spasm")
    condition.slug = "hemifacial-spasm"
    condition.save()
    assert client.get(DETAIL).status_code == 404  # only the draft has the new address yet
    assert client.get("/conditions/facial-spasm/").status_code == 200
    publish_version(condition)
    response = client.get("/conditions/facial-spasm/?from=link")
    assertRedirects(response, DETAIL + "?from=link", status_code=301)


def test_an_old_address_of_an_article_taken_off_the_site_is_404(client):
    condition = make_condition(slug="facial-spasm")
    condition.slug = "hemifacial-spasm"
    condition.save()
    publish_version(condition)
    PublishedVersion.objects.filter(condition=condition).update(is_live=False)
    assert client.get("/conditions/facial-spasm/").status_code == 404


# --- Conditional GET and the query budget --------------------------------------------------


def test_an_unchanged_page_answers_304_to_its_etag(client):
    make_article()
    first = client.get(DETAIL)
    assert first.headers["ETag"].startswith('W/"')
    assert first.headers["Cache-Control"] == "private, no-cache"
    again = client.get(DETAIL, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["ETag"] == first.headers["ETag"]


def test_a_draft_change_keeps_the_etag_and_a_publish_changes_it(client):
    condition = make_article()
    first = client.get(DETAIL)
    section = condition.sections.get(kind="causes")
    section.body = "A new explanation of the causes."
    section.save()
    assert client.get(DETAIL, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    publish_version(condition)
    again = client.get(DETAIL, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200
    assert again.headers["ETag"] != first.headers["ETag"]
    assertContains(again, "A new explanation of the causes.")


def test_a_new_clinic_phone_number_shows_at_once(client):
    make_article()
    first = client.get(DETAIL)
    profile = ClinicProfile.load()
    profile.phone = "+65 6111 2222"
    profile.save()
    again = client.get(DETAIL, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200
    # "When to get help", the coordinator block and the footer
    assertContains(again, '<a href="tel:+6561112222">+65 6111 2222</a>', count=3)


def test_new_clinic_details_show_at_once_even_where_a_workers_cached_copy_is_older(client):
    """Another worker, without a shared cache, still holds the old details in its own memory."""
    from django.core.cache import cache

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
    assertContains(page, '<a href="tel:+6561112222">+65 6111 2222</a>', count=3)
    assertNotContains(page, "6592 6871")


def test_a_cached_page_costs_two_queries_however_many_parts_and_one_without_related(
    client, django_assert_num_queries
):
    """The live version (with when the clinic details changed), then the live versions it suggests."""
    condition = make_article(publish=False)
    for number in range(4):
        Treatment.objects.create(
            condition=condition, name=f"T{number}", verdict="V", verdict_kind="once", body="B"
        )
        condition.references.create(title=f"R{number}", source="S", year=2020)
        condition.related.add(make_condition(name=f"Other {number}", slug=f"other-{number}"))
    publish_version(condition)
    first = client.get(DETAIL)
    other = client.get("/conditions/other-3/")
    with django_assert_num_queries(2):
        response = client.get(DETAIL)
    assert response.content == first.content
    assertContains(response, "T3")
    assertContains(response, "Other 3")
    with django_assert_num_queries(1):
        assert client.get("/conditions/other-3/").content == other.content


def test_an_uncached_page_costs_at_most_four_queries(client, django_assert_max_num_queries):
    """The two above, the version's snapshot to render it, and the clinic details when no cache has them."""
    make_article(related=[make_condition(name="Other", slug="other")])
    with django_assert_max_num_queries(4):
        assertContains(client.get(DETAIL), "Other")


def test_a_304_costs_no_more_queries_than_the_page(client, django_assert_max_num_queries):
    make_article()
    etag = client.get(DETAIL).headers["ETag"]
    with django_assert_max_num_queries(2):
        assert client.get(DETAIL, headers={"If-None-Match": etag}).status_code == 304


def test_a_page_is_rendered_once_per_version_then_served_from_the_cache(client, rendered):
    condition = make_article()
    first = client.get(DETAIL)
    rendered.clear()
    assert client.get(DETAIL).content == first.content
    assert rendered == []
    section = condition.sections.get(kind="causes")
    section.body = "A new explanation of the causes."
    section.save()
    publish_version(condition)
    assertContains(client.get(DETAIL), "A new explanation of the causes.")
    assert PAGE_TEMPLATE in rendered


def test_a_republished_suggested_condition_shows_at_once_on_the_page_that_suggests_it(client):
    other = make_condition(name="Other", slug="other")
    make_article(related=[other])
    assertContains(client.get(DETAIL), "Other")
    other.name = "Another name"
    other.save()
    publish_version(other)
    assertContains(client.get(DETAIL), "Another name")


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


def test_figure_files_of_a_live_version_are_served_to_everyone_with_a_long_cache(client):
    condition = make_article()
    name = condition.figures.get().renditions[0]["name"].rsplit("/", 1)[1]
    response = client.get(f"/media/conditions/figures/{name}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/webp"
    assert "immutable" in response.headers["Cache-Control"] and "public" in response.headers["Cache-Control"]
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
        "@type": "Organization",  # signed off by the seed's clinical team, not a person's account
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


def test_sitemap_lists_live_articles_with_their_publish_date_and_the_public_pages(client):
    make_condition()
    make_condition(name="Draft", slug="draft", publish=False)
    version = PublishedVersion.objects.get()
    index = client.get("/sitemap.xml").content.decode()
    assert "<loc>http://testserver/sitemap-conditions.xml</loc>" in index
    assert "<loc>http://testserver/sitemap-pages.xml</loc>" in index
    response = client.get("/sitemap-conditions.xml")
    xml = response.content.decode() + client.get("/sitemap-pages.xml").content.decode()
    assert response.status_code == 200
    assert "<loc>http://testserver/conditions/hemifacial-spasm/</loc>" in xml
    assert f"<lastmod>{timezone.localdate(version.published_at).isoformat()}</lastmod>" in xml
    assert "/conditions/draft/" not in xml
    for name in ["home", "conditions:list", "grading:calculator", "privacy"]:
        assert f"<loc>http://testserver{reverse(name)}</loc>" in xml
    assert "/contact/" not in xml


def test_robots_txt_points_to_the_sitemap(client):
    assertContains(client.get("/robots.txt"), "Sitemap: http://testserver/sitemap.xml")
