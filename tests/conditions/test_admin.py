from datetime import date

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from conditions import images
from conditions.models import Condition, Section
from tests.conditions.factory import make_article, make_condition, png_bytes
from tests.conftest import staff_login

pytestmark = pytest.mark.django_db

INLINES = ["sections", "treatments", "urgency_advice", "figures", "references", "old_slugs"]
ADD = reverse("admin:conditions_condition_add")
PAGE = reverse("conditions:detail", kwargs={"slug": "cluster-headache"})
PUBLISH = {
    "status": "published",
    "reviewed_by": "Neuro Asia Care clinical team",
    "reviewed_by_role": "Neurosurgery",
    "last_reviewed": "2026-11-01",
    "next_review_due": "2027-11-01",
}


def form_data(
    *, sections: dict[str, str] | None = None, existing: dict[int, str] | None = None, **fields
) -> dict:
    """POST data for the condition admin form: fields, new sections, and edits of existing ones."""
    data = {
        "name": "Cluster headache",
        "slug": "cluster-headache",
        "summary": "Very bad pain around one eye that comes in bouts.",
        "also_known_as": "",
        "status": "draft",
        "reviewed_by": "",
        "reviewed_by_role": "",
        "last_reviewed": "",
        "next_review_due": "",
        "calculator": "",
        **fields,
    }
    for prefix in INLINES:
        data |= {
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    rows = [(pk, Section.objects.get(pk=pk).kind, body) for pk, body in (existing or {}).items()]
    rows += [(None, kind, body) for kind, body in (sections or {}).items()]
    for index, (pk, kind, body) in enumerate(rows):
        data |= {f"sections-{index}-kind": kind, f"sections-{index}-body": body}
        if pk:
            data |= {
                f"sections-{index}-id": str(pk),
                f"sections-{index}-condition": str(Section.objects.get(pk=pk).condition_id),
            }
    data["sections-TOTAL_FORMS"] = str(len(rows))
    data["sections-INITIAL_FORMS"] = str(len(existing or {}))
    return data


def change_url(condition: Condition) -> str:
    return reverse("admin:conditions_condition_change", args=[condition.pk])


@pytest.fixture
def editor_client():
    user = User.objects.create_user("editor", "editor@example.sg", "a-long-pass-phrase-1", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client = Client()
    staff_login(client, user)
    return client


@pytest.fixture
def admin_client_():
    client = Client()
    staff_login(client, User.objects.create_superuser("boss", "boss@example.sg", "a-long-pass-phrase-1"))
    return client


def test_the_editors_group_may_add_change_and_view_articles_and_their_parts_and_nothing_else():
    permissions = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
    parts = ["condition", "section", "treatment", "urgencyadvice", "figure", "reference"]
    expected = {f"{action}_{model}" for model in parts for action in ["add", "change", "view"]}
    assert permissions == expected | {"view_slugredirect"}


def test_editors_cannot_open_other_parts_of_the_admin(editor_client):
    assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert editor_client.get(reverse("admin:clinic_clinicprofile_change", args=[1])).status_code == 403


def test_an_editor_drafts_previews_publishes_and_edits_an_article_and_patients_see_it_live(editor_client):
    public = Client()
    response = editor_client.post(
        ADD, form_data(sections={"overview": "It hurts a lot.", "symptoms": "Pain."})
    )
    assert response.status_code == 302
    condition = Condition.objects.get(slug="cluster-headache")
    assert condition.status == "draft" and condition.sections.count() == 2

    assert public.get(PAGE).status_code == 404
    assertContains(editor_client.get(PAGE), "Draft preview.")
    content_type = ContentType.objects.get_for_model(Condition)
    view_on_site = editor_client.get(reverse("admin:view_on_site", args=[content_type.pk, condition.pk]))
    assert view_on_site.status_code == 302 and view_on_site.url.endswith(PAGE)

    response = editor_client.post(change_url(condition), form_data(**PUBLISH))
    assert response.status_code == 302
    assertContains(public.get(PAGE), "It hurts a lot.")

    overview = condition.sections.get(kind="overview")
    response = editor_client.post(
        change_url(condition), form_data(existing={overview.pk: "It hurts less now."}, **PUBLISH)
    )
    assert response.status_code == 302
    page = public.get(PAGE)
    assertContains(page, "It hurts less now.")
    assertNotContains(page, "Draft preview")


def test_publishing_without_review_details_is_refused_with_an_error_on_the_page(admin_client_):
    response = admin_client_.post(ADD, form_data(status="published"))
    assert response.status_code == 200
    assertContains(response, "Needed before the article can be published.", count=3)
    assert not Condition.objects.exists()


def test_publishing_with_the_next_review_before_the_last_is_refused(admin_client_):
    condition = make_condition(name="Cluster headache", slug="cluster-headache", status="draft")
    data = form_data(**{**PUBLISH, "next_review_due": "2026-10-01"})
    response = admin_client_.post(change_url(condition), data)
    assert response.status_code == 200
    assertContains(response, "The next review must be due after the last review.")
    condition.refresh_from_db()
    assert condition.status == "draft"


def test_change_form_has_every_inline_a_prepopulated_slug_and_a_preview_link(admin_client_):
    condition = make_article(status="draft")
    html = admin_client_.get(change_url(condition)).content.decode()
    for prefix in INLINES:
        assert f'name="{prefix}-TOTAL_FORMS"' in html
    add_page = admin_client_.get(ADD).content.decode()
    assert (
        "&quot;#id_slug&quot;, &quot;name&quot;: &quot;slug&quot;, &quot;dependency_ids&quot;: [&quot;#id_name&quot;]"
        in add_page
    )
    assert f'<a href="{condition.get_absolute_url()}">Preview the draft' in html
    assert "View on site" in html
    related_options = html[
        html.index('name="related"') : html.index("</select>", html.index('name="related"'))
    ]
    assert "Hemifacial spasm" not in related_options  # not offered as related to itself


def test_change_form_shows_each_texts_reading_level_and_flags_hard_ones(admin_client_):
    condition = make_article()
    section = condition.sections.get(kind="causes")
    section.body = (
        "Neurovascular compression of the facial nerve root exit zone constitutes the predominant "
        "aetiological mechanism, notwithstanding considerable interindividual anatomical variability."
    )
    section.save()
    html = admin_client_.get(change_url(condition)).content.decode()
    assert html.count("too short to judge (under 15 words)") >= 8
    assert html.count("above the target of grade 7 (about age 12)") == 1


def test_saving_warns_about_any_text_above_the_reading_target(admin_client_):
    hard = (
        "Pharmacological interventions demonstrate inconsistent therapeutic efficacy in controlled "
        "investigations, particularly regarding anticonvulsant medications administered continuously."
    )
    response = admin_client_.post(ADD, form_data(sections={"treatments": hard}), follow=True)
    assertContains(response, "The Treatments section reads at grade")
    assertContains(response, "The target is grade 7 or below (about age 12).")


def test_list_shows_status_and_highlights_overdue_reviews(admin_client_):
    make_condition(last_reviewed=date(2024, 1, 1), next_review_due=date(2025, 1, 1))
    make_condition(name="Trigeminal neuralgia", slug="trigeminal-neuralgia", next_review_due=date(2099, 1, 1))
    changelist = reverse("admin:conditions_condition_changelist")
    response = admin_client_.get(changelist)
    assertContains(response, '<strong class="review-overdue">01 Jan 2025 (overdue)</strong>', html=True)
    assertContains(response, "Published")
    overdue_only = admin_client_.get(changelist, {"review": "overdue"})
    assertContains(overdue_only, "Hemifacial spasm")
    assertNotContains(overdue_only, "Trigeminal neuralgia")
    assertContains(admin_client_.get(changelist, {"q": "trigeminal"}), "Trigeminal neuralgia")


def test_admin_upload_of_a_non_image_is_an_error_on_the_form_not_a_crash(admin_client_):
    data = form_data()
    data |= {
        "figures-TOTAL_FORMS": "1",
        "figures-0-image": SimpleUploadedFile("x.png", b"not really a png", content_type="image/png"),
        "figures-0-alt_text": "Alt",
        "figures-0-caption": "Caption",
        "figures-0-section": "overview",
        "figures-0-position": "0",
    }
    response = admin_client_.post(ADD, data)
    assert response.status_code == 200
    assertContains(response, "This file is not an image we can read. Please upload a JPEG, PNG or WebP.")
    assert not Condition.objects.exists()


def test_admin_upload_over_the_pixel_limit_is_refused_with_our_message(admin_client_, monkeypatch):
    monkeypatch.setattr(images, "MAX_PIXELS", 100 * 100)
    data = form_data()
    data |= {
        "figures-TOTAL_FORMS": "1",
        "figures-0-image": SimpleUploadedFile("big.png", png_bytes(200, 100), content_type="image/png"),
        "figures-0-alt_text": "Alt",
        "figures-0-caption": "Caption",
        "figures-0-section": "overview",
        "figures-0-position": "0",
    }
    response = admin_client_.post(ADD, data)
    assert response.status_code == 200
    assertContains(response, "This image is 200 x 100 pixels, too large to process.")


def test_admin_upload_of_an_image_makes_its_renditions(admin_client_):
    data = form_data()
    data |= {
        "figures-TOTAL_FORMS": "1",
        "figures-0-image": SimpleUploadedFile("nerve.png", png_bytes(900, 600), content_type="image/png"),
        "figures-0-alt_text": "The facial nerve",
        "figures-0-caption": "The facial nerve leaving the brainstem.",
        "figures-0-section": "causes",
        "figures-0-position": "0",
    }
    assertRedirects(admin_client_.post(ADD, data), reverse("admin:conditions_condition_changelist"))
    figure = Condition.objects.get().figures.get()
    assert [r["width"] for r in figure.renditions] == [480, 480, 800, 800, 900, 900]
