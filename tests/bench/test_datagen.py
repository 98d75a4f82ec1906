"""The benchmark's generated data (bench/datagen.py) is valid data of the site: what patients and
coordinators see of it comes through the same public pages and admin as real data."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from pytest_django.asserts import assertContains

from bench.datagen import articles_generate, condition_name, enquiries_generate
from conditions.models import PublishedVersion
from contact.models import COORDINATORS_GROUP, Enquiry

pytestmark = pytest.mark.django_db


def test_generated_names_cover_the_alphabet_and_are_unique():
    names = [condition_name(index)[0] for index in range(1000)]
    assert len(set(names)) == 1000
    assert {name[0] for name in names[:26]} == set("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    assert 140 <= sum(name.endswith(" tremor") for name in names) <= 160


def test_generated_articles_are_published_with_their_history(client):
    conditions = articles_generate(count=5, versions=2)

    assert len(conditions) == 5
    for condition in conditions:
        versions = list(condition.versions.order_by("number").values_list("number", "is_live"))
        assert versions == [(1, False), (2, True)]
        live = PublishedVersion.objects.published().get(condition=condition)
        assert {s["kind"] for s in live.snapshot["sections"]} >= {"overview", "symptoms", "treatments"}
        assert live.snapshot["treatments"] and live.snapshot["urgency"] and live.snapshot["references"]
        response = client.get(condition.get_absolute_url())
        assertContains(response, condition.name)
        assertContains(response, condition.also_known_as)
        # The seeded article's own name was replaced by this one's in every text.
        texts = [live.summary] + [
            part["body"] for key in ("sections", "treatments", "urgency") for part in live.snapshot[key]
        ]
        assert condition.name in live.summary
        assert not any("emifacial" in text or "rigeminal neuralgia" in text for text in texts)
    # The later ones suggest earlier ones, which the page links to.
    last = conditions[-1]
    assert last.related.exists()
    assertContains(client.get(last.get_absolute_url()), last.related.first().get_absolute_url())


def test_generated_enquiries_are_valid_and_listed_for_coordinators(client, staff_login):
    articles_generate(count=3)
    assert enquiries_generate(count=50) == 50

    enquiries = list(Enquiry.objects.all())
    assert len(enquiries) == len({e.reference for e in enquiries}) == 50
    for enquiry in enquiries:
        enquiry.full_clean()  # fields, choices and the contact-method constraints
    assert {e.status for e in enquiries} <= set(Enquiry.Status)
    assert Enquiry.objects.closed().exists() and Enquiry.objects.still_open().exists()
    assert len({e.created_at.date() for e in enquiries}) > 10  # spread over time, not all today
    # Each enquiry's mails were sent by a task that has finished: none is waiting for the worker.
    assert DBTaskResult.objects.count() == 50
    assert not DBTaskResult.objects.ready().exists()

    coordinator = Group.objects.get(name=COORDINATORS_GROUP).user_set.first()
    staff_login(client, coordinator)
    response = client.get(reverse("admin:contact_enquiry_changelist"))
    newest = Enquiry.objects.first()
    assertContains(response, newest.reference)
    found = client.get(reverse("admin:contact_enquiry_changelist"), {"q": enquiries[10].reference})
    assertContains(found, enquiries[10].reference)
