"""
The staff-side measurements of `--staff-scale` (bench/staffscale.py), run inside a Django process
on the benchmark's database, each in a process of its own:

    python manage.py shell -v0 -c "from bench.staffprobe import main; main(['inbox'])"

prints one line, `STAFFPROBE {json}`. Requests go through Django's test client: the whole
middleware stack and the admin with the production settings, in this process, so its CPU time
(`time.process_time`) covers the view, the templates and, on SQLite, the database's own work (on
PostgreSQL the server's share shows in the wall time only). Each request is repeated; medians.

- `inbox`: the coordinators' list (as a coordinator, signed in with two-factor): default, each
  status filter, a search by exact reference, a search by name.
- `export`: the CSV export of every enquiry, streamed and read to the end, with this process's
  peak resident memory (`ru_maxrss`) before and after.
- `poll`: one idle poll of the task worker (`db_worker`), the query it runs every interval to find
  a due task, timed alone with no task due.
- `articles`: as a clinical reviewer, an article's history page, and sign-off form GET and POST
  (a publish) on articles with 20 versions each.
"""

import gc
import json
import resource
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Count
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from bench.datagen import coordinators_ensure
from clinic.models import StaffProfile
from conditions.models import Condition
from contact.models import Enquiry

REPEAT = 15
POLLS = 300
PUBLISHES = 8
REVIEWERS_GROUP = "Clinical reviewers"  # conditions/migrations/0009_clinical_reviewers_group.py


def timed(call: Callable[[], object], repeat: int = REPEAT) -> dict:
    """Median and slowest wall time, median CPU time, in ms, of `repeat` calls."""
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        call()
        cpus.append((time.process_time() - cpu) * 1000)
        walls.append((time.perf_counter() - wall) * 1000)
    return {"wall_ms": statistics.median(walls), "max_ms": max(walls), "cpu_ms": statistics.median(cpus)}


def ok(response, status: int = 200, contains: str = ""):
    if response.status_code != status:
        raise SystemExit(f"{response.request['PATH_INFO']} answered {response.status_code}, not {status}")
    if contains and contains.encode() not in response.content:
        raise SystemExit(f"{response.request['PATH_INFO']} does not show {contains!r}")
    return response


def coordinator_client() -> Client:
    """A coordinator signed in as the admin's sign-in does with two-factor (tests.conftest.staff_login)."""
    user = coordinators_ensure()[0]
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Bench phone", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def reviewer_client() -> Client:
    """A clinical reviewer with the staff profile a sign-off needs (no two-factor step: only
    coordinators and superusers must pass it)."""
    user, made = get_user_model().objects.get_or_create(
        username="bench-reviewer", defaults={"is_staff": True}
    )
    if made:
        user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get(name=REVIEWERS_GROUP))
        StaffProfile.objects.create(
            user=user, display_name="Dr Bench Reviewer", role="Consultant neurologist"
        )
    client = Client()
    client.force_login(user)
    return client


def inbox() -> dict:
    client = coordinator_client()
    url = reverse("admin:contact_enquiry_changelist")
    older = Enquiry.objects.order_by("created_at", "id")[Enquiry.objects.count() // 3]
    views = {
        "default": ({}, ""),
        **{
            f"status {status.label.lower()}": ({"status__exact": status.value}, "")
            for status in Enquiry.Status
        },
        "search by reference": ({"q": older.reference}, older.reference),
        "search by name": ({"q": older.name}, older.name),
    }
    results = {}
    for name, (query, shown) in views.items():
        first = ok(client.get(url, query), contains=shown)  # also warms up
        results[name] = timed(lambda query=query: ok(client.get(url, query)))
        results[name]["rows"] = len(first.context_data["cl"].result_list)  # on the page (at most 50)
    return {"enquiries": Enquiry.objects.count(), "views": results}


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def export() -> dict:
    client = coordinator_client()
    url = reverse("admin:contact_enquiry_export")
    # Warm up: the admin, the export code and a small export (the newest, still open enquiries).
    ok(client.get(reverse("admin:contact_enquiry_changelist")))
    b"".join(ok(client.post(url + "?status__exact=new")).streaming_content)
    gc.collect()
    before = peak_rss_mb()
    wall, cpu = time.perf_counter(), time.process_time()
    response = ok(client.post(url))
    lines = size = 0
    for chunk in response.streaming_content:  # read as a browser would, nothing kept
        lines += chunk.count(b"\n")
        size += len(chunk)
    return {
        "enquiries": Enquiry.objects.count(),
        "rows": lines - 1,  # the header
        "mb": size / 2**20,
        "wall_ms": (time.perf_counter() - wall) * 1000,
        "cpu_ms": (time.process_time() - cpu) * 1000,
        "peak_before_mb": before,
        "peak_growth_mb": peak_rss_mb() - before,
    }


def poll() -> dict:
    """What `db_worker` (default queue and backend) runs every interval to find a due task."""
    tasks = DBTaskResult.objects.ready().filter(backend_name="default").filter(queue_name__in=["default"])

    def one_poll() -> None:
        with exclusive_transaction(tasks.db):
            if tasks.get_locked() is not None:
                raise SystemExit("a task is due: the idle poll cannot be measured")

    one_poll()
    return {
        "enquiries": Enquiry.objects.count(),
        "task_rows": DBTaskResult.objects.count(),
        "plan": tasks.explain().replace("\n", " / "),
        **timed(one_poll, POLLS),
    }


def articles() -> dict:
    client = reviewer_client()
    many = list(
        Condition.objects.annotate(count=Count("versions"))
        .filter(count__gte=20)
        .order_by("pk")
        .values_list("pk", flat=True)[: PUBLISHES + 1]
    )
    if len(many) <= PUBLISHES:
        raise SystemExit("not enough articles with 20 versions")
    history = reverse("admin:conditions_condition_versions", args=[many[0]])
    ok(client.get(history))
    results = {"history page": timed(lambda: ok(client.get(history), contains="version"))}
    forms, publishes = [], []
    today = timezone.localdate()
    for pk in many[1:]:
        url = reverse("admin:conditions_condition_publish", args=[pk])
        forms.append(timed(lambda url=url: ok(client.get(url)), repeat=1))
        before = Condition.objects.get(pk=pk)
        data = {
            "reviewed_on": today.isoformat(),
            "next_review_due": (today + timedelta(days=365)).isoformat(),
            "change_note": "Checked the treatments section.",
            "reviewer_note": "Benchmark publish.",
            "draft_changed_at": before.updated_at.isoformat(),
        }
        publishes.append(timed(lambda url=url, data=data: ok(client.post(url, data), status=302), repeat=1))
        if before.versions.count() <= 20 or not before.versions.filter(is_live=True, number=21).exists():
            raise SystemExit(f"the publish of article {pk} did not make version 21")
    for name, runs in (("sign-off form", forms), ("publish (sign-off POST)", publishes)):
        results[name] = {
            "wall_ms": statistics.median(r["wall_ms"] for r in runs),
            "max_ms": max(r["wall_ms"] for r in runs),
            "cpu_ms": statistics.median(r["cpu_ms"] for r in runs),
        }
    versions = Condition.objects.get(pk=many[0]).versions.count()
    return {"articles": Condition.objects.count(), "versions_each": versions, "views": results}


PROBES = {"inbox": inbox, "export": export, "poll": poll, "articles": articles}


def main(argv: list[str]) -> None:
    (name,) = argv
    print("STAFFPROBE " + json.dumps(PROBES[name]()))
    sys.stdout.flush()
