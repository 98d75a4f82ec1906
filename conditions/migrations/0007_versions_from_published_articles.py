"""Carry every published article into its version 1, live, with its review details.

The snapshot is built here from the stored rows, not by conditions/snapshots.py (which may change
after this migration is written), in that module's format 1. Each part's HTML is the one stored
when it was saved, which is what the page showed: no page changes its text or its address. The old
`reviewed_by` text becomes the version's reviewer name, with no reviewer account. Drafts get no
version: they stay drafts. (Tested in tests/conditions/test_migration_versions.py.)
"""

from django.db import migrations
from django.utils import timezone

NOTE = "Carried over from the article as it was published before versions were kept."
URGENCY_ORDER = ["routine", "urgent", "emergency"]


def snapshot_of(condition) -> dict:
    return {
        "format": 1,
        "name": condition.name,
        "slug": condition.slug,
        "summary": condition.summary,
        "also_known_as": condition.also_known_as,
        "calculator": condition.calculator,
        "sections": [
            {"kind": s.kind, "body": s.body, "body_html": s.body_html}
            for s in condition.sections.order_by("position")
        ],
        "treatments": [
            {
                "position": t.position,
                "name": t.name,
                "verdict": t.verdict,
                "verdict_kind": t.verdict_kind,
                "body": t.body,
                "body_html": t.body_html,
            }
            for t in condition.treatments.order_by("position", "id")
        ],
        "urgency": [
            {"level": u.level, "body": u.body, "body_html": u.body_html}
            for u in sorted(condition.urgency_advice.all(), key=lambda u: URGENCY_ORDER.index(u.level))
        ],
        "figures": [
            {
                "section": f.section,
                "position": f.position,
                "image": f.image.name,
                "width": f.width,
                "height": f.height,
                "renditions": f.renditions,
                "alt_text": f.alt_text,
                "caption": f.caption,
            }
            for f in condition.figures.order_by("position", "id")
        ],
        "references": [
            {"position": r.position, "title": r.title, "source": r.source, "year": r.year, "url": r.url}
            for r in condition.references.order_by("position", "id")
        ],
        "related": sorted(condition.related.values_list("pk", flat=True)),
    }


def versions_from_published_articles(apps, schema_editor):
    Condition = apps.get_model("conditions", "Condition")
    PublishedVersion = apps.get_model("conditions", "PublishedVersion")
    PublishedFile = apps.get_model("conditions", "PublishedFile")
    for condition in Condition.objects.filter(status="published", versions__isnull=True):
        snapshot = snapshot_of(condition)
        version = PublishedVersion.objects.create(
            condition=condition,
            number=1,
            is_live=True,
            slug=condition.slug,
            name=condition.name,
            summary=condition.summary,
            also_known_as=condition.also_known_as,
            snapshot=snapshot,
            source_changed_at=condition.updated_at,
            published_at=condition.updated_at,
            reviewer_name=condition.reviewed_by,
            reviewer_role=condition.reviewed_by_role,
            reviewed_on=condition.last_reviewed,
            clinical_change=True,
            reviewer_note=NOTE,
            last_reviewed_on=condition.last_reviewed,
            last_reviewer_name=condition.reviewed_by,
            last_reviewer_role=condition.reviewed_by_role,
            next_review_due=condition.next_review_due,
            text_changed_on=timezone.localdate(condition.updated_at),
        )
        names = {f["image"] for f in snapshot["figures"]}
        names |= {r["name"] for f in snapshot["figures"] for r in f["renditions"]}
        PublishedFile.objects.bulk_create(PublishedFile(version=version, name=name) for name in sorted(names))


def published_articles_from_versions(apps, schema_editor):
    """Back: each article with a live version is published again with that version's review details
    (the parts' HTML is rendered again from their Markdown). The versions stay until 0006 is
    reversed too, which drops their table; forwards again, an article with a version is skipped."""
    from conditions.rendering import render_markdown

    Condition = apps.get_model("conditions", "Condition")
    PublishedVersion = apps.get_model("conditions", "PublishedVersion")
    for version in PublishedVersion.objects.filter(is_live=True).select_related("condition"):
        Condition.objects.filter(pk=version.condition_id).update(
            status="published",
            reviewed_by=version.last_reviewer_name,
            reviewed_by_role=version.last_reviewer_role,
            last_reviewed=version.last_reviewed_on,
            next_review_due=version.next_review_due,
        )
    for model, top in [("Section", 3), ("Treatment", 4), ("UrgencyAdvice", 4)]:
        for part in apps.get_model("conditions", model).objects.all():
            part.body_html = render_markdown(part.body, top_heading=top)
            part.save(update_fields=["body_html"])


class Migration(migrations.Migration):
    dependencies = [("conditions", "0006_published_versions")]

    operations = [migrations.RunPython(versions_from_published_articles, published_articles_from_versions)]
