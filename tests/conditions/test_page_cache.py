"""Condition pages and the conditions list served whole from the cache, and never stale."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from conditions.models import Condition, Section
from tests.conditions.factory import make_article, make_condition

pytestmark = pytest.mark.django_db

DETAIL = reverse("conditions:detail", kwargs={"slug": "hemifacial-spasm"})
LIST = reverse("conditions:list")


def test_a_cached_condition_page_is_served_without_rendering_anything(client, rendered):
    make_article()
    first = client.get(DETAIL)
    rendered.clear()
    again = client.get(DETAIL)
    assert rendered == []
    assert again.content == first.content


def test_a_visitor_with_a_session_gets_the_same_page_assembled_from_the_cached_parts(client, rendered):
    make_article()
    shared = client.get(DETAIL).content
    session = client.session
    session["something"] = "personal"
    session.save()
    rendered.clear()
    assert client.get(DETAIL).content == shared
    assert rendered and not any("#article" in name for name in rendered)  # the article was not rendered again


def test_an_edited_part_shows_on_the_cached_page_at_once(client):
    condition = make_article()
    client.get(DETAIL)
    section = condition.sections.get(kind=Section.Kind.SYMPTOMS)
    section.body = "A sentence that was not there before."
    section.save()
    assertContains(client.get(DETAIL), "A sentence that was not there before.")


def test_the_cached_list_shows_a_renamed_condition_and_a_new_one_at_once(client, django_assert_num_queries):
    condition = make_condition()
    client.get(LIST)
    with django_assert_num_queries(1):
        client.get(LIST)  # served from the cache: the one query is the list's version
    condition.name = "Hemifacial spasm (HFS)"
    condition.save()
    make_condition(name="Trigeminal neuralgia", slug="trigeminal-neuralgia")
    page = client.get(LIST)
    assertContains(page, "Hemifacial spasm (HFS)")
    assertContains(page, "Trigeminal neuralgia")


def test_an_unpublished_condition_leaves_the_cached_list_at_once(client):
    condition = make_condition()
    assertContains(client.get(LIST), "Hemifacial spasm")
    condition.status = Condition.Status.DRAFT
    condition.save()
    assertNotContains(client.get(LIST), "Hemifacial spasm")


def test_a_search_is_never_served_from_the_plain_list_cache(client):
    make_condition()
    make_condition(name="Trigeminal neuralgia", slug="trigeminal-neuralgia", summary="Face pain.")
    client.get(LIST)
    assertNotContains(client.get(LIST, {"q": "neuralgia"}), "Hemifacial spasm")
