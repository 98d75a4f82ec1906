import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from conditions.models import PublishedVersion, Section, SlugRedirect
from tests.conditions.factory import REVIEW, make_article, make_condition, publish_version

pytestmark = pytest.mark.django_db


def test_only_one_version_of_an_article_may_be_live_and_each_live_address_is_unique():
    condition = make_condition()
    publish_version(condition)
    with pytest.raises(IntegrityError), transaction.atomic():
        PublishedVersion.objects.filter(condition=condition).update(is_live=True)
    other = make_condition(name="Trigeminal neuralgia", slug="trigeminal-neuralgia")
    with pytest.raises(IntegrityError), transaction.atomic():
        PublishedVersion.objects.filter(condition=other).update(slug="hemifacial-spasm")


def test_a_version_number_is_unique_per_article():
    condition = make_condition()
    version = condition.versions.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        PublishedVersion.objects.create(
            **{
                f.attname: getattr(version, f.attname)
                for f in PublishedVersion._meta.concrete_fields
                if f.name != "id"
            }
            | {"is_live": False}
        )


def test_the_database_refuses_a_next_review_not_after_the_last_review():
    condition = make_condition()
    with pytest.raises(IntegrityError), transaction.atomic():
        condition.versions.update(next_review_due=REVIEW["reviewed_on"])


def test_a_published_version_is_never_changed_once_written():
    version = make_condition().versions.get()
    version.summary = "Rewritten history."
    with pytest.raises(TypeError, match="never changed"):
        version.save()
    assert PublishedVersion.objects.get().summary == "Muscles on one side of the face twitch without warning."


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


def test_each_published_change_of_address_keeps_every_old_address():
    condition = make_condition(slug="facial-spasm")
    for slug in ["hemifacial-spasm", "hfs"]:
        condition.slug = slug
        condition.save()
        publish_version(condition)
    assert dict(SlugRedirect.objects.values_list("old_slug", "condition")) == {
        "facial-spasm": condition.pk,
        "hemifacial-spasm": condition.pk,
    }


def test_taking_back_an_old_address_removes_its_redirect():
    condition = make_condition(slug="first")
    for slug in ["second", "first"]:
        condition.slug = slug
        condition.save()
        publish_version(condition)
    assert list(SlugRedirect.objects.values_list("old_slug", flat=True)) == ["second"]


def test_a_draft_change_of_address_records_no_redirect():
    condition = make_condition()
    condition.slug = "hfs"
    condition.save()
    assert not SlugRedirect.objects.exists()


def test_changing_related_conditions_counts_as_changing_the_article():
    condition = make_condition()
    before = condition.updated_at
    condition.related.add(make_condition(name="Trigeminal neuralgia", slug="trigeminal-neuralgia"))
    condition.refresh_from_db()
    assert condition.updated_at > before


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
