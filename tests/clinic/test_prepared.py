"""Querysets turned into SQL once (clinic/prepared.py)."""

import dataclasses

import pytest

from clinic.prepared import PreparedQuery
from conditions.models import Condition
from tests.conditions.factory import make_condition

pytestmark = pytest.mark.django_db

BY_SLUG = PreparedQuery(lambda slug: Condition.objects.with_related_version().filter(slug=slug), "slug")


def test_a_prepared_query_gives_what_the_queryset_gives(django_assert_num_queries):
    condition = make_condition()
    other = make_condition(name="Trigeminal neuralgia", slug="trigeminal-neuralgia")
    condition.related.add(other)
    expected = Condition.objects.with_related_version().get(slug="hemifacial-spasm")
    with django_assert_num_queries(1):
        (found,) = BY_SLUG(slug="hemifacial-spasm")
    for field in Condition._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(expected, field.attname), field.name
    assert (found.related_count, found.related_changed) == (1, expected.related_changed)
    assert found.updated_at.tzinfo is not None  # converted as Django converts it
    assert BY_SLUG(slug="trigeminal-neuralgia")[0].related_count == 0
    assert BY_SLUG(slug="no-such-thing") == []


def test_raw_rows_convert_to_the_same_values_and_instances():
    make_condition()
    (row,) = BY_SLUG.rows(slug="hemifacial-spasm")
    expected = Condition.objects.get(slug="hemifacial-spasm")
    assert row[BY_SLUG.column("slug")] == "hemifacial-spasm"
    assert BY_SLUG.convert("updated_at", row[BY_SLUG.column("updated_at")]) == expected.updated_at
    assert BY_SLUG.instance(row).pk == expected.pk


def test_a_value_that_is_not_a_plain_parameter_used_once_is_refused():
    twice = PreparedQuery(
        lambda slug: Condition.objects.filter(slug=slug) | Condition.objects.filter(name=slug), "slug"
    )
    transformed = PreparedQuery(lambda slug: Condition.objects.filter(name__icontains=slug), "slug")
    for query in (twice, transformed):
        with pytest.raises(ValueError, match="exactly once"):
            query(slug="x")


# --- Run on the driver's cursor, with what matters of Django's ---------------------------------


def test_a_prepared_query_is_counted_and_logged_like_any_other(django_assert_num_queries, caplog):
    make_condition()
    with caplog.at_level("DEBUG", logger="django.db.backends"), django_assert_num_queries(1) as captured:
        BY_SLUG.rows(slug="hemifacial-spasm")
    assert "hemifacial-spasm" in captured.captured_queries[0]["sql"]
    assert any("hemifacial-spasm" in record.getMessage() for record in caplog.records)


def test_database_errors_are_djangos_own(monkeypatch):
    from django.db import DatabaseError

    broken = PreparedQuery(lambda slug: Condition.objects.filter(slug=slug), "slug")
    compiled = broken._compiled()
    monkeypatch.setattr(
        broken._local, "compiled", dataclasses.replace(compiled, driver_sql="SELECT * FROM no_such_table")
    )
    with pytest.raises(DatabaseError):  # django.db's, which the outage page (503) relies on
        broken.rows(slug="x")


def test_a_prepared_query_is_refused_inside_a_broken_transaction():
    from django.db import transaction
    from django.db.transaction import TransactionManagementError

    make_condition()
    with transaction.atomic():
        transaction.set_rollback(True)  # as after an error caught inside the block
        with pytest.raises(TransactionManagementError):
            BY_SLUG.rows(slug="hemifacial-spasm")
