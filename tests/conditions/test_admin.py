"""The article editing screen (conditions/admin.py): groups, previews, reading levels, uploads,
dates, the list's states and review dates, and the two staff groups."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from conditions import images
from conditions.models import Condition, PublishedVersion, Section, Synonym
from tests.conditions.factory import (
    EDITORS,
    REVIEWERS,
    make_article,
    make_condition,
    make_reviewer,
    make_staff,
    png_bytes,
    publish_version,
)
from tests.conftest import staff_login
from tests.hardening.formdata import form_values

pytestmark = pytest.mark.django_db

INLINES = ["sections", "treatments", "urgency_advice", "figures", "references", "old_slugs"]
ADD = reverse("admin:conditions_condition_add")
CHANGELIST = reverse("admin:conditions_condition_changelist")
PREVIEW = reverse("admin:conditions_condition_markdown_preview")
PAGE = reverse("conditions:detail", kwargs={"slug": "cluster-headache"})


def form_data(*, sections: dict[str, str] | None = None, **fields) -> dict:
    """POST data for a new article: its fields and new sections, every inline empty otherwise."""
    data = {
        "name": "Cluster headache",
        "slug": "cluster-headache",
        "summary": "Very bad pain around one eye that comes in bouts.",
        "also_known_as": "",
        "calculator": "",
        **fields,
    }
    for prefix in INLINES:
        data |= {
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    for index, (kind, body) in enumerate((sections or {}).items()):
        data |= {f"sections-{index}-kind": kind, f"sections-{index}-body": body}
    data["sections-TOTAL_FORMS"] = str(len(sections or {}))
    return data


def change_url(condition: Condition) -> str:
    return reverse("admin:conditions_condition_change", args=[condition.pk])


@pytest.fixture
def editor_client():
    client = Client()
    client.force_login(make_staff("editor", EDITORS))
    return client


@pytest.fixture
def reviewer_client():
    client = Client()
    client.force_login(make_reviewer())
    return client


def codenames(group: str) -> set[str]:
    return set(Group.objects.get(name=group).permissions.values_list("codename", flat=True))


def test_editors_draft_articles_and_may_delete_parts_but_not_articles_nor_publish():
    parts = ["section", "treatment", "urgencyadvice", "figure", "reference"]
    expected = {
        f"{action}_{model}" for model in ["condition", *parts] for action in ["add", "change", "view"]
    }
    expected |= {f"delete_{model}" for model in parts} | {"view_slugredirect", "view_articlefeedback"}
    # Search synonyms are theirs to keep, deleting included.
    expected |= {f"{action}_synonym" for action in ["add", "change", "delete", "view"]}
    assert codenames(EDITORS) == expected
    assert codenames(REVIEWERS) == expected | {"publish_condition"}


def test_editors_cannot_open_other_parts_of_the_admin(editor_client):
    assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert editor_client.get(reverse("admin:clinic_clinicprofile_change", args=[1])).status_code == 403


def test_a_new_article_is_a_draft_until_a_reviewer_publishes_it(editor_client):
    response = editor_client.post(
        ADD, form_data(sections={"overview": "It hurts a lot.", "symptoms": "Pain."})
    )
    assertRedirects(response, CHANGELIST)
    condition = Condition.objects.get(slug="cluster-headache")
    assert condition.sections.count() == 2
    assert Client().get(PAGE).status_code == 404
    assertContains(editor_client.get(CHANGELIST), "Never published")
    publish_version(condition)
    assertContains(Client().get(PAGE), "It hurts a lot.")


def test_the_form_is_grouped_by_part_each_group_collapsible(editor_client):
    condition = make_article()
    html = editor_client.get(change_url(condition)).content.decode()
    for prefix in INLINES:
        assert f'name="{prefix}-TOTAL_FORMS"' in html
    summary = html.index("Summary and review")
    groups = [
        "Sections (in a fixed order",
        "Treatments (shown in the Treatments section",
        "When to get help: urgency blocks",
        "Figures",
        "References",
        "Related conditions and calculator",
    ]
    positions = [
        html.index(f">\n    {group}") if f">\n    {group}" in html else html.index(group) for group in groups
    ]
    assert summary < positions[0] and positions == sorted(positions)  # in the page's order
    assert html.count("<details><summary>") >= len(groups)  # each part's group folds away
    assert 'name="sections-0-DELETE"' in html  # editors may remove a part from the draft


def test_each_text_has_its_reading_level_a_preview_and_the_guide(editor_client):
    condition = make_article()
    section = condition.sections.get(kind="causes")
    section.body = (
        "Neurovascular compression of the facial nerve root exit zone constitutes the predominant "
        "aetiological mechanism, notwithstanding considerable interindividual anatomical variability."
    )
    section.save()
    html = editor_client.get(change_url(condition)).content.decode()
    assert html.count("too short to judge (under 15 words)") >= 8 * 2  # saved level and preview
    assert html.count("above the target of grade 7 (about age 12)") == 2
    buttons = re.findall(
        rf'formaction="{PREVIEW}" formtarget="_blank" formnovalidate name="_preview" value="([\w-]+)"', html
    )
    texts = [name for name in buttons if "__prefix__" not in name]  # (not the "add another" templates)
    assert len(texts) == 14  # 8 sections, 3 treatments, 3 "when to get help" blocks
    assert html.count('class="markdown-preview"') == len(buttons)
    assert f'hx-post="{PREVIEW}"' in html
    assert "How to format the texts (Markdown)" in html
    assert html.count('class="sized-text markdown-text"') >= 14


def test_alt_text_and_caption_are_multi_line_with_a_character_count(editor_client):
    condition = make_article()
    html = editor_client.get(change_url(condition)).content.decode()
    assert '<textarea name="figures-0-alt_text" cols="40" rows="3" class="sized-text counted-text"' in html
    assert "55 of 250 characters" in html  # "A nerve in the face with a blood vessel pressing on it."
    assert "44 of 300 characters" in html


def test_a_multi_line_alt_text_is_saved_as_one_line(editor_client):
    condition = make_article()
    data = form_values(editor_client.get(change_url(condition)).content.decode(), "condition_form")
    data["figures-0-alt_text"] = "A nerve\r\nin the face."
    assert editor_client.post(change_url(condition), data).status_code == 302
    assert condition.figures.get().alt_text == "A nerve in the face."


def test_related_conditions_are_chosen_with_the_admins_autocomplete(editor_client):
    condition = make_article()
    make_condition(name="Trigeminal neuralgia", slug="trigeminal-neuralgia")
    html = editor_client.get(change_url(condition)).content.decode()
    assert 'class="admin-autocomplete"' in html and 'data-field-name="related"' in html
    assert "Hold down" not in html
    search = editor_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "conditions", "model_name": "condition", "field_name": "related", "term": "trig"},
    )
    assert [result["text"] for result in search.json()["results"]] == ["Trigeminal neuralgia"]


def test_an_article_cannot_be_related_to_itself(editor_client):
    condition = make_article()
    data = form_values(editor_client.get(change_url(condition)).content.decode(), "condition_form")
    response = editor_client.post(change_url(condition), {**data, "related": [str(condition.pk)]})
    assertContains(response, "An article cannot be related to itself.")


def test_saving_warns_about_any_text_above_the_reading_target(editor_client):
    hard = (
        "Pharmacological interventions demonstrate inconsistent therapeutic efficacy in controlled "
        "investigations, particularly regarding anticonvulsant medications administered continuously."
    )
    response = editor_client.post(ADD, form_data(sections={"treatments": hard}), follow=True)
    assertContains(response, "The Treatments section reads at grade")
    assertContains(response, "The target is grade 7 or below (about age 12).")
    assertContains(response, "Saved as a draft. Patients see it once a clinical reviewer publishes it.")


# --- The Markdown preview ---------------------------------------------------------------------------


def test_the_preview_button_shows_every_text_of_the_unsaved_form_rendered_and_sanitised(editor_client):
    condition = make_article()
    data = form_values(editor_client.get(change_url(condition)).content.decode(), "condition_form")
    field = next(name for name, value in data.items() if value == "causes").replace("-kind", "-body")
    data[field] = "### Why\n\n- a **vessel**\n- <script>alert(1)</script>[x](javascript:alert(2))"
    response = editor_client.post(PREVIEW, {**data, "_preview": field})
    html = response.content.decode()
    assert "Nothing has been saved" in html
    first = html.index('class="module text-preview"', html.index("Summary</h2>") + 1)
    assert html.index("<h3>Why</h3>") > first  # the text asked for comes first
    assert "<li>a <strong>vessel</strong></li>" in html
    assert "<script>alert" not in html and "javascript:" not in html
    assert html.count('class="module text-preview"') == 15  # the summary and 14 Markdown texts
    assert (
        condition.sections.get(kind="causes").body == "Most often a blood vessel presses on the facial nerve."
    )


def test_the_live_preview_renders_the_text_being_typed_as_a_fragment(editor_client):
    body = "- twitching\n- a pulled mouth, at grade **one**"
    response = editor_client.post(
        PREVIEW,
        {"treatments-2-body": body, "treatments-2-name": "X"},
        headers={"HX-Request": "true", "HX-Trigger-Name": "treatments-2-body"},
    )
    html = response.content.decode()
    assert "<html" not in html
    assert "<li>a pulled mouth, at grade <strong>one</strong></li>" in html
    assert "too short to judge" in html


def test_the_live_preview_refuses_what_is_not_a_markdown_text_of_the_form(editor_client):
    response = editor_client.post(
        PREVIEW, {"summary": "x"}, headers={"HX-Request": "true", "HX-Trigger-Name": "summary"}
    )
    assert response.status_code == 400


def test_the_preview_is_for_staff_who_may_edit_articles(client):
    assert client.post(PREVIEW, {"sections-0-body": "x"}).status_code == 302  # to the sign-in page
    staff_login(client, make_staff("coordinator", "Coordinators"))
    assert client.post(PREVIEW, {"sections-0-body": "x"}).status_code == 403


# --- Uploads -----------------------------------------------------------------------------------------


def upload(name: str, content: bytes) -> dict:
    return {
        "figures-TOTAL_FORMS": "1",
        "figures-0-image": SimpleUploadedFile(name, content, content_type="image/png"),
        "figures-0-alt_text": "Alt",
        "figures-0-caption": "Caption",
        "figures-0-section": "overview",
        "figures-0-position": "0",
    }


def test_an_upload_refused_by_validation_says_the_file_must_be_chosen_again(editor_client):
    response = editor_client.post(ADD, form_data() | upload("x.png", b"not really a png"))
    assert response.status_code == 200
    assertContains(response, "This file is not an image we can read. Please upload a JPEG, PNG or WebP.")
    assertContains(response, "the image you chose (x.png) was not uploaded. Please choose the file again")
    assert not Condition.objects.exists()


def test_a_good_upload_with_an_error_elsewhere_also_says_to_choose_it_again(editor_client):
    response = editor_client.post(ADD, form_data(name="") | upload("nerve.png", png_bytes(900, 600)))
    assertContains(response, "This field is required.")
    assertContains(response, "(nerve.png) was not uploaded. Please choose the file again")


def test_admin_upload_over_the_pixel_limit_is_refused_with_our_message(editor_client, monkeypatch):
    monkeypatch.setattr(images, "MAX_PIXELS", 100 * 100)
    response = editor_client.post(ADD, form_data() | upload("big.png", png_bytes(200, 100)))
    assertContains(response, "This image is 200 x 100 pixels, too large to process.")


def test_admin_upload_of_an_image_makes_its_renditions(editor_client):
    assertRedirects(
        editor_client.post(ADD, form_data() | upload("nerve.png", png_bytes(900, 600))), CHANGELIST
    )
    figure = Condition.objects.get().figures.get()
    assert [r["width"] for r in figure.renditions] == [480, 480, 800, 800, 900, 900]


# --- The list ----------------------------------------------------------------------------------------


def test_the_list_highlights_reviews_due_soon_and_overdue_and_filters_them(reviewer_client):
    today = timezone.localdate()
    overdue = make_condition(publish=False)
    publish_version(
        overdue, reviewed_on=today - timedelta(days=400), next_review_due=today - timedelta(days=1)
    )
    soon = make_condition(name="Trigeminal neuralgia", slug="trigeminal-neuralgia", publish=False)
    publish_version(soon, reviewed_on=today - timedelta(days=340), next_review_due=today + timedelta(days=20))
    make_condition(name="Cluster headache", slug="cluster-headache")  # due 1 Nov 2027
    response = reviewer_client.get(CHANGELIST)
    overdue_due = today - timedelta(days=1)
    assertContains(
        response,
        f'<strong class="review-overdue">{overdue_due.day} {overdue_due:%b %Y} (overdue)</strong>',
        html=True,
    )
    assertContains(response, "(due within 30 days)</strong>", count=1)
    assertContains(response, "1 Nov 2027")  # one date format throughout: 21 Nov 2026
    only_overdue = reviewer_client.get(CHANGELIST, {"review": "overdue"})
    assertContains(only_overdue, "Hemifacial spasm")
    assertNotContains(only_overdue, "Trigeminal neuralgia")
    only_soon = reviewer_client.get(CHANGELIST, {"review": "soon"})
    assertContains(only_soon, "Trigeminal neuralgia")
    assertNotContains(only_soon, "Cluster headache")
    assertContains(reviewer_client.get(CHANGELIST, {"q": "trigeminal"}), "Trigeminal neuralgia")
    assert PublishedVersion.objects.published().count() == 3  # overdue articles stay published


def test_dates_in_the_admin_read_like_21_nov_2026(reviewer_client):
    condition = make_article()
    html = reviewer_client.get(reverse("admin:conditions_condition_versions", args=[condition.pk])).content
    assert b"reviewed 1 Nov 2026" in html and b"Next review due 1 Nov 2027" in html
    assert b"Nov. 1, 2026" not in html


def test_the_change_form_offers_the_workflow_by_role(editor_client, reviewer_client):
    condition = make_article()
    editor_page = editor_client.get(change_url(condition)).content.decode()
    reviewer_page = reviewer_client.get(change_url(condition)).content.decode()
    preview = reverse("conditions:preview", args=[condition.pk])
    for html in (editor_page, reviewer_page):
        assert f'<a href="{preview}">Preview the draft</a>' in html
        assert 'Patients see <a href="/conditions/hemifacial-spasm/">version 1</a>, published' in html
    assert "Sign off and publish" in reviewer_page and "Sign off and publish" not in editor_page


def test_section_kinds_are_unique_per_article_on_the_form(editor_client):
    response = editor_client.post(ADD, form_data(sections={"overview": "One."}) | {
        "sections-TOTAL_FORMS": "2", "sections-1-kind": "overview", "sections-1-body": "Two.",
    })  # fmt: skip
    assert response.status_code == 200
    assert not Section.objects.exists()


def test_an_article_cannot_take_the_search_page_s_address(editor_client):
    response = editor_client.post(ADD, form_data(slug="search", sections={"overview": "Text."}))
    assertContains(response, "is taken by a page of the site")
    assert not Condition.objects.filter(slug="search").exists()


def test_editors_keep_the_search_synonyms(editor_client):
    response = editor_client.post(
        reverse("admin:conditions_synonym_add"), {"terms": "Bell palsy , facial palsy"}
    )
    assert response.status_code == 302
    assert Synonym.objects.get(terms__startswith="Bell").terms == "Bell palsy, facial palsy"
