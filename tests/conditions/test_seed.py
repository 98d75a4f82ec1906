import copy
import sys
import types
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError, OutputWrapper

from conditions.models import (
    Condition,
    Figure,
    PublishedFile,
    PublishedVersion,
    Reference,
    Section,
    SlugRedirect,
    Treatment,
    UrgencyAdvice,
)
from conditions.seed import seed_conditions
from conditions.services import condition_unpublish
from tests.conditions.factory import jpeg_bytes, make_reviewer, publish_version

pytestmark = pytest.mark.django_db

ALPHA = {
    "slug": "alpha-spasm",
    "name": "Alpha spasm",
    "also_known_as": ["alpha twitch"],
    "summary": "A made-up condition for tests.",
    "reviewed_by": "Neuro Asia Care clinical team",
    "reviewed_by_role": "Neurosurgery",
    "last_reviewed": date(2026, 11, 21),
    "next_review_due": date(2027, 11, 21),
    "calculator": "grading:calculator",
    "sections": {
        "overview": "Alpha overview.",
        "treatments": "Alpha treatments.",
        "when-to-get-help": "Help.",
    },
    "treatments": [
        {
            "name": "Pills",
            "verdict": "Not usually effective",
            "verdict_kind": "not-effective",
            "body": "Pills.",
        },
        {"name": "Surgery", "verdict": "Effective, done once", "verdict_kind": "once", "body": "Surgery."},
    ],
    "urgency": {"routine": "Book.", "urgent": "Soon.", "emergency": "Call 995."},
    "references": [
        {"title": "A study", "source": "A journal", "year": 2012, "url": "https://doi.org/10.1/x"}
    ],
    "figures": [
        {"file": "alpha.jpg", "alt": "A drawing", "caption": "The drawing.", "section": "treatments"}
    ],
    "related": ["beta-neuralgia"],
}
BETA = {
    **ALPHA,
    "slug": "beta-neuralgia",
    "name": "Beta neuralgia",
    "also_known_as": [],
    "calculator": None,
    "sections": {"overview": "Beta overview."},
    "treatments": [],
    "urgency": {},
    "references": [],
    "figures": [],
    "related": ["alpha-spasm", "not-written-yet"],
}


@pytest.fixture
def figures_dir(tmp_path) -> Path:
    folder = tmp_path / "figures"
    folder.mkdir()
    (folder / "alpha.jpg").write_bytes(jpeg_bytes(1400, 800, exif={0x010F: "SecretCam"}))
    return folder


def seed(articles, figures_dir) -> str:
    out = StringIO()
    seed_conditions(stdout=OutputWrapper(out), articles=copy.deepcopy(articles), figures_dir=figures_dir)
    return out.getvalue()


def snapshot() -> list:
    tables = [
        Condition, Section, Treatment, UrgencyAdvice, Figure, Reference, SlugRedirect, PublishedVersion, PublishedFile,
    ]  # fmt: skip
    rows = [list(model.objects.order_by("pk").values()) for model in tables]
    links = list(Condition.related.through.objects.order_by("pk").values())
    files = (
        sorted(default_storage.listdir("conditions/figures")[1])
        if default_storage.exists("conditions/figures")
        else []
    )
    return [rows, links, files]


def test_seed_creates_articles_with_every_part_as_their_first_published_version(figures_dir):
    output = seed([ALPHA, BETA], figures_dir)
    assert "Created condition: Alpha spasm" in output and "Created condition: Beta neuralgia" in output
    alpha = Condition.objects.get(slug="alpha-spasm")
    version = alpha.versions.get()
    assert (version.number, version.is_live, version.published_by, version.reviewer) == (1, True, None, None)
    assert (version.reviewer_name, version.reviewer_role) == ("Neuro Asia Care clinical team", "Neurosurgery")
    assert (version.last_reviewed_on, version.next_review_due) == (date(2026, 11, 21), date(2027, 11, 21))
    assert [s["kind"] for s in version.snapshot["sections"]] == ["overview", "treatments", "when-to-get-help"]
    assert len(version.snapshot["figures"]) == 1 and version.snapshot["related"] == [
        Condition.objects.get(slug="beta-neuralgia").pk
    ]
    assert alpha.other_names == ["alpha twitch"]
    assert alpha.calculator == "grading:calculator"
    assert list(alpha.sections.values_list("kind", flat=True)) == [
        "overview",
        "treatments",
        "when-to-get-help",
    ]
    assert list(alpha.treatments.values_list("name", "verdict_kind")) == [
        ("Pills", "not-effective"),
        ("Surgery", "once"),
    ]
    assert list(alpha.urgency_advice.values_list("level", flat=True)) == ["routine", "urgent", "emergency"]
    assert alpha.references.get().url == "https://doi.org/10.1/x"
    assert Condition.objects.get(slug="beta-neuralgia").calculator == ""


def test_seed_loads_figures_through_the_same_pillow_pipeline_as_the_admin(figures_dir):
    seed([ALPHA, BETA], figures_dir)
    figure = Figure.objects.get()
    assert (figure.alt_text, figure.caption, figure.section) == ("A drawing", "The drawing.", "treatments")
    assert sorted({r["width"] for r in figure.renditions}) == [480, 800, 1200]
    for name in [figure.image.name] + [r["name"] for r in figure.renditions]:
        with default_storage.open(name) as file:
            assert b"SecretCam" not in file.read()


def test_seed_links_related_conditions_and_reports_missing_ones(figures_dir):
    output = seed([ALPHA, BETA], figures_dir)
    alpha, beta = Condition.objects.order_by("slug")
    assert list(alpha.related.all()) == [beta]
    assert list(beta.related.all()) == [alpha]
    assert "not-written-yet" in output


def test_running_the_seed_twice_changes_nothing(figures_dir):
    seed([ALPHA, BETA], figures_dir)
    before = snapshot()
    output = seed([ALPHA, BETA], figures_dir)
    assert snapshot() == before
    assert output.count("(unchanged)") == 2


def test_the_seed_never_overwrites_a_staff_draft(figures_dir):
    seed([ALPHA, BETA], figures_dir)
    overview = Section.objects.get(condition__slug="alpha-spasm", kind="overview")
    overview.body = "Edited by staff."
    overview.save()
    changed = {**ALPHA, "summary": "A newer summary from the code."}
    output = seed([changed, BETA], figures_dir)
    assert "Kept condition: Alpha spasm (edited by staff since it was seeded)" in output
    alpha = Condition.objects.get(slug="alpha-spasm")
    assert alpha.summary == "A made-up condition for tests."
    assert alpha.sections.get(kind="overview").body == "Edited by staff."
    assert alpha.versions.count() == 1


@pytest.mark.parametrize("staff_did", ["publish", "unpublish"])
def test_the_seed_never_overrides_what_a_reviewer_published_or_took_off(figures_dir, staff_did):
    seed([ALPHA, BETA], figures_dir)
    alpha = Condition.objects.get(slug="alpha-spasm")
    reviewer = make_reviewer()
    if staff_did == "publish":
        PublishedVersion.objects.filter(condition=alpha).update(published_by=reviewer)
    else:
        condition_unpublish(condition_id=alpha.pk, user=reviewer)
    live = list(alpha.versions.values_list("number", "is_live"))
    output = seed([{**ALPHA, "summary": "A newer summary from the code."}, BETA], figures_dir)
    assert "Kept condition: Alpha spasm" in output
    assert list(alpha.versions.values_list("number", "is_live")) == live


def test_the_seed_publishes_a_content_fix_to_an_article_nobody_touched(client, figures_dir):
    seed([ALPHA, BETA], figures_dir)
    changed = {
        **ALPHA,
        "summary": "A newer summary.",
        "sections": {"overview": "New overview."},
        "figures": [],
    }
    output = seed([changed, BETA], figures_dir)
    assert "Updated condition: Alpha spasm" in output
    alpha = Condition.objects.get(slug="alpha-spasm")
    assert alpha.summary == "A newer summary."
    assert list(alpha.sections.values_list("body", flat=True)) == ["New overview."]
    assert not alpha.figures.exists()
    assert list(alpha.versions.values_list("number", "is_live")) == [(2, True), (1, False)]
    assert "New overview." in client.get("/conditions/alpha-spasm/").content.decode()
    assert "Kept condition: Alpha spasm (unchanged)" in seed([changed, BETA], figures_dir)
    assert alpha.versions.count() == 2


def test_the_seed_keeps_an_article_staff_renamed_and_does_not_recreate_it(figures_dir):
    seed([ALPHA, BETA], figures_dir)
    alpha = Condition.objects.get(slug="alpha-spasm")
    alpha.slug = "alpha-spasm-renamed"
    alpha.save()
    publish_version(alpha)
    output = seed([ALPHA, BETA], figures_dir)
    assert Condition.objects.count() == 2
    assert "Kept condition: Alpha spasm" in output


def test_the_seed_keeps_a_condition_staff_made_with_the_same_name(figures_dir):
    Condition.objects.create(name="Alpha spasm", slug="our-alpha", summary="Written by staff.")
    output = seed([ALPHA], figures_dir)
    assert "staff made one with this name" in output
    assert Condition.objects.get().summary == "Written by staff."


def test_invalid_content_stops_the_seed_with_a_clear_error(figures_dir):
    broken = {**ALPHA, "reviewed_by": ""}
    with pytest.raises(CommandError, match="alpha-spasm"):
        seed([broken], figures_dir)


def test_seed_content_reads_the_articles_from_conditions_content(monkeypatch, figures_dir):
    module = types.ModuleType("conditions.content")
    module.ARTICLES = [ALPHA, BETA]
    module.__file__ = str(figures_dir.parent / "__init__.py")
    monkeypatch.setitem(sys.modules, "conditions.content", module)
    out = StringIO()
    call_command("seed_content", stdout=out)
    assert "Created condition: Alpha spasm" in out.getvalue()
    assert Figure.objects.count() == 1


def test_without_a_content_module_the_seed_says_so_and_creates_nothing(monkeypatch):
    monkeypatch.setitem(sys.modules, "conditions.content", None)
    out = StringIO()
    call_command("seed_content", stdout=out)
    assert "No article content module" in out.getvalue()
    assert not Condition.objects.exists()


def test_a_seeded_article_page_renders(client, figures_dir):
    seed([ALPHA, BETA], figures_dir)
    response = client.get("/conditions/alpha-spasm/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h2 id="treatments">' in html and 'type="image/webp"' in html
    assert '<a href="/conditions/beta-neuralgia/">Beta neuralgia</a>' in html
