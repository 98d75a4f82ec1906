from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from conditions.models import Condition, Section, SlugRedirect, Treatment
from tests.conditions.factory import REVIEW, make_article, make_condition

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("missing", ["reviewed_by", "last_reviewed", "next_review_due"])
def test_publishing_needs_the_reviewer_and_both_review_dates(missing):
    details = {**REVIEW, missing: "" if missing == "reviewed_by" else None}
    condition = Condition(name="X", slug="x", summary="S", status=Condition.Status.PUBLISHED, **details)
    with pytest.raises(ValidationError) as error:
        condition.full_clean()
    assert error.value.message_dict[missing] == ["Needed before the article can be published."]


@pytest.mark.parametrize("next_due", [date(2026, 11, 1), date(2026, 10, 31)])
def test_the_next_review_must_be_due_after_the_last_review(next_due):
    condition = Condition(
        name="X", slug="x", summary="S", status=Condition.Status.PUBLISHED,
        **{**REVIEW, "last_reviewed": date(2026, 11, 1), "next_review_due": next_due},
    )  # fmt: skip
    with pytest.raises(ValidationError) as error:
        condition.full_clean()
    assert error.value.message_dict == {
        "next_review_due": ["The next review must be due after the last review."]
    }


def test_a_draft_may_be_saved_without_review_details():
    condition = make_condition(status=Condition.Status.DRAFT)
    assert Condition.objects.get(pk=condition.pk).status == "draft"


def test_the_database_itself_refuses_a_published_article_without_review_details():
    condition = make_condition(status=Condition.Status.DRAFT)
    with pytest.raises(IntegrityError), transaction.atomic():
        Condition.objects.filter(pk=condition.pk).update(status=Condition.Status.PUBLISHED)


def test_sections_come_in_the_fixed_order_whatever_order_they_were_written_in():
    condition = make_article()
    kinds = list(condition.sections.values_list("kind", flat=True))
    assert kinds == [kind.value for kind in Section.Kind]
    assert kinds == [
        "overview",
        "symptoms",
        "causes",
        "diagnosis",
        "treatments",
        "outlook",
        "living-with",
        "when-to-get-help",
    ]


def test_an_article_has_at_most_one_section_of_each_kind():
    condition = make_condition()
    Section.objects.create(condition=condition, kind="symptoms", body="One.")
    duplicate = Section(condition=condition, kind="symptoms", body="Two.")
    with pytest.raises(ValidationError, match="already has a section of this kind"):
        duplicate.full_clean()


def test_markdown_is_rendered_and_sanitised_when_a_part_is_saved():
    condition = make_condition()
    section = Section.objects.create(
        condition=condition, kind="causes", body="A **nerve** <script>x()</script>"
    )
    treatment = Treatment.objects.create(
        condition=condition, name="Injections", verdict="Works", verdict_kind="repeat", body="# Heading"
    )
    assert section.body_html == "<p>A <strong>nerve</strong> </p>"
    assert treatment.body_html == "<h4>Heading</h4>"


def test_saving_or_deleting_a_part_moves_the_articles_updated_at():
    condition = make_condition()
    before = condition.updated_at
    section = Section.objects.create(condition=condition, kind="causes", body="Text.")
    condition.refresh_from_db()
    assert condition.updated_at > before
    after_save = condition.updated_at
    section.delete()
    condition.refresh_from_db()
    assert condition.updated_at > after_save


def test_changing_the_slug_keeps_every_old_address():
    condition = make_condition(slug="facial-spasm")
    condition.slug = "hemifacial-spasm"
    condition.save()
    condition.slug = "hfs"
    condition.save()
    assert dict(SlugRedirect.objects.values_list("old_slug", "condition")) == {
        "facial-spasm": condition.pk,
        "hemifacial-spasm": condition.pk,
    }


def test_taking_back_an_old_slug_removes_its_redirect():
    condition = make_condition(slug="first")
    condition.slug = "second"
    condition.save()
    condition.slug = "first"
    condition.save()
    assert list(SlugRedirect.objects.values_list("old_slug", flat=True)) == ["second"]


def test_saving_without_changing_the_slug_records_no_redirect():
    condition = make_condition()
    condition = Condition.objects.get(pk=condition.pk)
    condition.summary = "New summary."
    condition.save()
    assert not SlugRedirect.objects.exists()


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("spasm", ["Hemifacial spasm"]),
        ("TIC convulsif", ["Hemifacial spasm"]),
        ("stabbing", ["Trigeminal neuralgia"]),
        ("face", ["Hemifacial spasm", "Trigeminal neuralgia"]),
        ("face stabbing", ["Trigeminal neuralgia"]),
        ("migraine", []),
    ],
)
def test_search_matches_every_word_in_names_other_names_or_summaries(query, found):
    make_condition(also_known_as="tic convulsif, facial tic", summary="One side of the face twitches.")
    make_condition(name="Trigeminal neuralgia", slug="trigeminal-neuralgia", summary="Stabbing face pain.")
    assert [c.name for c in Condition.objects.search(query)] == found


def test_other_names_are_split_on_commas():
    assert make_condition(also_known_as=" tic convulsif ,facial tic, ").other_names == [
        "tic convulsif",
        "facial tic",
    ]


def test_references_only_link_to_web_addresses():
    condition = make_article()
    reference = condition.references.get()
    assert reference.safe_url.startswith("https://")
    reference.url = "javascript:alert(1)"
    assert reference.safe_url == ""
    with pytest.raises(ValidationError):
        reference.full_clean()
