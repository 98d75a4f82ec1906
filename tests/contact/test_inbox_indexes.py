"""The coordinators' list reads through its indexes: EXPLAIN names the index each query uses, on
SQLite and on PostgreSQL. Built through the admin's own change list, so it is the real query.

On PostgreSQL the planner would rightly read a table this small from start to end, so sequential
scans are switched off for the test: what is checked is that an index can serve each query.
"""

import uuid

import pytest
from django.contrib import admin
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from conditions.models import Condition
from contact.inbox import conditions_with_open_enquiries, matching
from contact.models import Enquiry
from tests.contact.conftest import make_condition

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/contact/enquiry/"


@pytest.fixture
def inbox(coordinator):
    """A few hundred enquiries, mostly closed, as an inbox is; statistics gathered."""
    condition = make_condition()
    statuses = ["closed"] * 17 + ["new", "in_progress", "waiting"]
    now = timezone.now()
    Enquiry.objects.bulk_create(
        Enquiry(
            reference=f"NAC-{n:04d}-{n:04d}".replace("0", "A").replace("1", "B"),
            submission_id=uuid.uuid4(),
            name=f"Patient number {n}",
            email=f"patient{n}@example.com",
            phone=f"+6591{n:06d}",
            message="Hello",
            consent_at=now,
            status=statuses[n % len(statuses)],
            assignee=coordinator if n % 3 else None,
            condition=condition if n % 2 else None,
            coordinator_mail="failed" if n % 97 == 0 else "sent",
            acknowledgement_mail="sent",
        )
        for n in range(400)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # the test's own transaction only


def plan_of(coordinator, params: dict) -> str:
    """EXPLAIN of the list page's query for these parameters, as the admin builds it."""
    request = RequestFactory().get(CHANGELIST, params)
    request.user = coordinator
    changelist = admin.site.get_model_admin(Enquiry).get_changelist_instance(request)
    return changelist.get_queryset(request)[:50].explain()


@pytest.mark.parametrize(
    ("params", "indexes"),
    [
        ({}, ["enquiry_created_idx"]),
        ({"status__exact": "new"}, ["enquiry_status_created_idx"]),
        # Most enquiries are closed: reading the newest first and skipping the few open ones is
        # as good, and PostgreSQL may choose that.
        ({"status__exact": "closed"}, ["enquiry_status_created_idx", "enquiry_created_idx"]),
        ({"assignee": "nobody"}, ["enquiry_assignee_created_idx", "enquiry_created_idx"]),
        ({"mail": "failed"}, ["enquiry_mail_owed_idx"]),
        ({"q": "patient0@example.com"}, ["enquiry_email_idx"]),
        ({"q": "+65 9100 0012"}, ["enquiry_phone_idx"]),
    ],
)
def test_each_list_filter_reads_an_index_in_the_lists_order(coordinator, inbox, params, indexes):
    plan = plan_of(coordinator, params)
    assert any(index in plan for index in indexes), plan


def test_a_reference_search_reads_the_unique_index_of_references(coordinator, inbox):
    plan = plan_of(coordinator, {"q": "nac-baaa-baaa"})
    # Django names the unique index itself: contact_enquiry_reference_... on PostgreSQL,
    # sqlite_autoindex_contact_enquiry_N on SQLite.
    unique_index = "contact_enquiry_reference" if connection.vendor == "postgresql" else "sqlite_autoindex"
    assert unique_index in plan
    assert "SCAN contact_enquiry\n" not in plan + "\n"  # never the whole table (SQLite's wording)


def test_a_name_search_reads_an_index_not_the_table(coordinator, inbox):
    if connection.vendor == "postgresql":
        # The trigram index (migration 0004) finds the matching names without reading them all.
        # (In a table this small the planner prefers to read the rows in the list's order, so the
        # search's own subquery is asked.)
        assert "enquiry_name_trgm_idx" in matching(name__icontains="number 12").order_by().explain()
    else:
        # The names' own index, read whole but a small part of the table, then the matches only.
        assert "SCAN U0 USING COVERING INDEX enquiry_name_idx" in plan_of(coordinator, {"q": "number 12"})


def test_the_condition_filter_looks_each_condition_up_in_an_index(coordinator, inbox):
    assert list(conditions_with_open_enquiries()) == [(Condition.objects.get().pk, "Hemifacial spasm")]
    assert "enquiry_condition_status_idx" in conditions_with_open_enquiries().explain()


def test_the_idle_worker_reads_only_the_queue_of_waiting_tasks(inbox):
    """The task worker's poll, as django-tasks-db runs it: the partial index of tasks waiting to
    run, so the poll costs the same with 100 or 100,000 finished tasks in the table."""
    ready = DBTaskResult.objects.ready().filter(backend_name="default", queue_name__in=["default"])
    assert "tasks_db_new_ordering_idx" in ready.select_for_update(skip_locked=True)[:1].explain()
