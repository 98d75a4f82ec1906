"""Migrations 0006-0009 carry every published article into its version 1: no page changes its
address or its text, drafts stay drafts, and the review details come along.

The "before" pages are the real pages the code before published versions rendered for these rows
(tests/conditions/data/pages_before_versions.json, written by that code at commit e24a1ef from
tests/conditions/migration_data.py), compared word for word, links and images included, except the
review block, which now says "Last reviewed <date> by <name>, <role>" (checked on its own), and
the page's own wording changed since by issue #18 (`as_the_page_words_it_now`): none of it comes from
the article's data.
"""

import json
import re
from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from conditions.rendering import render_markdown
from tests.conditions.migration_data import ARTICLES, FIGURE, page_text

BEFORE = json.loads((Path(__file__).parent / "data" / "pages_before_versions.json").read_text())
OLD = [("conditions", "0005_editors_group")]
NEW = [("conditions", "0009_clinical_reviewers_group")]
DISCLAIMER = (
    " This page gives general information to help you talk with your doctor. It is not a diagnosis and"
    " does not replace a visit to a doctor who can examine you. In an emergency, call 995."
)


def as_the_page_words_it_now(before: str) -> str:
    """The old page's text with the template's later changes (issue #18): the contents list twice
    (side column and phone fold), the calculator and "not urgent" wording, 995 as a link in the
    emergency heading, "Back to top" links, "Is this page useful?", the disclaimer once (footer)."""
    text = re.sub(
        r"(On this page .*?\[link #next-steps\] Not sure what to do next\?)", r"\1 \1", before, count=1
    )
    text = re.sub(
        r"How severe is it\? Answer a few short questions in our (.*?) to get an estimate to discuss with",
        r"How severe are your spasms? Our \1 asks a few short questions and gives an estimate to talk over with",
        text,
    )
    text = text.replace(
        "[link #next-steps] call our care coordinator .",
        "call our care coordinator on [link tel:+6565926871] +65 6592 6871 .",
    )
    text = text.replace("Emergency: Call 995 now", "Emergency: Call [link tel:995] 995 now")
    text = text.replace(DISCLAIMER, "")
    # "Is this page useful?" comes after the next steps, before the related conditions.
    return text.replace(" Related conditions", " Is this page useful? Yes No Related conditions")


@pytest.fixture
def migrate(transactional_db):
    """migrate(targets) -> the app registry of that state; the database ends fully migrated."""

    def run(targets):
        executor = MigrationExecutor(connection)
        executor.migrate(targets)
        return executor.loader.project_state(targets).apps

    yield run
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def store_old_articles(apps) -> None:
    """The articles as the code before published versions stored them (parts' HTML rendered on save)."""
    Condition = apps.get_model("conditions", "Condition")
    made = {}
    for article in ARTICLES:
        fields = ["name", "slug", "summary", "also_known_as", "status", "calculator"]
        fields += ["reviewed_by", "reviewed_by_role", "last_reviewed", "next_review_due"]
        condition = Condition.objects.create(**{key: article[key] for key in fields})
        made[article["slug"]] = condition
        kinds = [kind for kind, _ in ARTICLES[0]["sections"]]
        for kind, body in article["sections"]:
            condition.sections.create(
                kind=kind,
                body=body,
                position=kinds.index(kind),
                body_html=render_markdown(body, top_heading=3),
            )
        for position, (name, verdict, verdict_kind, body) in enumerate(article["treatments"]):
            condition.treatments.create(
                position=position, name=name, verdict=verdict, verdict_kind=verdict_kind, body=body,
                body_html=render_markdown(body, top_heading=4),
            )  # fmt: skip
        for position, (level, body) in enumerate(article["urgency"]):
            condition.urgency_advice.create(
                level=level, body=body, position=position, body_html=render_markdown(body, top_heading=4)
            )
        for position, (title, source, year, url) in enumerate(article["references"]):
            condition.references.create(position=position, title=title, source=source, year=year, url=url)
        if article["figure"]:
            condition.figures.create(**FIGURE)
    for article in ARTICLES:
        made[article["slug"]].related.set([made[slug] for slug in article["related"]])


def test_published_articles_keep_their_address_and_text_and_drafts_stay_unpublished(migrate):
    store_old_articles(migrate(OLD))
    migrate(NEW)
    client = Client()
    for slug, before in BEFORE.items():
        response = client.get(f"/conditions/{slug}/")
        if before == 404:
            assert response.status_code == 404, slug
            continue
        assert response.status_code == 200, slug
        now = page_text(response.content.decode()).replace(" [link #top] Back to top", "")
        assert now == as_the_page_words_it_now(before), slug


def test_the_review_details_become_version_1s_sign_off(migrate):
    store_old_articles(migrate(OLD))
    apps = migrate(NEW)
    PublishedVersion = apps.get_model("conditions", "PublishedVersion")
    version = PublishedVersion.objects.get(slug="hemifacial-spasm")
    assert (version.number, version.is_live, version.reviewer_id, version.published_by_id) == (
        1,
        True,
        None,
        None,
    )
    assert (version.reviewer_name, version.reviewer_role) == ("Neuro Asia Care clinical team", "Neurosurgery")
    assert (version.last_reviewer_name, version.last_reviewer_role) == (
        "Neuro Asia Care clinical team",
        "Neurosurgery",
    )
    assert str(version.last_reviewed_on) == "2026-11-01" and str(version.next_review_due) == "2027-11-01"
    assert sorted(PublishedVersion.objects.values_list("slug", flat=True)) == [
        "hemifacial-spasm",
        "trigeminal-neuralgia",
    ]
    figure_files = set(apps.get_model("conditions", "PublishedFile").objects.values_list("name", flat=True))
    assert figure_files == {FIGURE["image"], *(r["name"] for r in FIGURE["renditions"])}
    page = Client().get("/conditions/trigeminal-neuralgia/").content.decode()
    assert "Last reviewed</dt><dd>2 March 2025 by Dr A Reviewer</dd>" in page
    assert "Next review due</dt><dd>2 March 2026</dd>" in page


def test_the_migration_can_be_reversed(migrate):
    store_old_articles(migrate(OLD))
    migrate(NEW)
    apps = migrate(OLD)
    Condition = apps.get_model("conditions", "Condition")
    assert dict(Condition.objects.values_list("slug", "status")) == {
        "hemifacial-spasm": "published",
        "trigeminal-neuralgia": "published",
        "secret-draft": "draft",
    }
    hfs = Condition.objects.get(slug="hemifacial-spasm")
    assert (hfs.reviewed_by, str(hfs.last_reviewed), str(hfs.next_review_due)) == (
        "Neuro Asia Care clinical team",
        "2026-11-01",
        "2027-11-01",
    )
    assert hfs.sections.get(kind="overview").body_html.startswith("<p>Hemifacial spasm makes <strong>")
