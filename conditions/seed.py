"""
Initial condition articles, loaded by `manage.py seed_content` from `conditions.content.ARTICLES`:
one dict per article with `slug`, `name`, `also_known_as` (list), `summary`, `reviewed_by`,
`reviewed_by_role`, `last_reviewed`, `next_review_due` (dates), `calculator` (a URL name or None),
`sections` ({kind: Markdown} in page order), `treatments` ([{name, verdict, verdict_kind, body}]),
`urgency` ({routine|urgent|emergency: Markdown}), `references` ([{title, source, year, url}]),
`figures` ([{file, alt, caption, section}], files in conditions/content/figures/) and `related`
(slugs).

Each seeded article gets its working copy and a published version, signed off with the content's
own reviewer name, role and dates (no user: nobody signed in). Idempotent, and it never overwrites
what staff have done. Each article is looked up by its slug (or by an old slug, if staff have
renamed it) and then:

- missing: created with all its parts and published as version 1; figure files go through the same
  Pillow checks and renditions as an admin upload (read the bytes, wrap them in a File,
  full_clean, save);
- seeded before from exactly this content (same `seed_hash`): left alone, so a second run changes
  nothing at all;
- touched by staff: its working copy changed since it was seeded (a draft, a restore: `updated_at`
  later than `seeded_at`), or staff published, republished or unpublished it, or staff made it
  (never seeded): left alone, whatever the code now says;
- seeded, untouched since, and the content in code has changed: its working copy is brought up to
  date (its parts replaced) and published as a new version, so content fixes in code reach the site
  through the same workflow as any other change.

Related links are set once every article exists, for the articles created or updated in this run,
and only then is each one published (the related conditions are part of what is published).
"""

import hashlib
import importlib
import json
from io import BytesIO
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import CommandError, OutputWrapper
from django.db.models import F, Q

from conditions.models import Condition, Figure, Reference, Section, Treatment, UrgencyAdvice
from conditions.services import PublishRefused, condition_publish_seeded

CONTENT_MODULE = "conditions.content"


def seed_conditions(
    *, stdout: OutputWrapper, articles: list[dict] | None = None, figures_dir: Path | None = None
) -> None:
    """Create or update the seeded articles (see the module docstring for the rules)."""
    if articles is None:
        try:
            content = importlib.import_module(CONTENT_MODULE)
        except ModuleNotFoundError as error:
            if error.name != CONTENT_MODULE:
                raise
            stdout.write("No article content module (conditions/content/) yet: no condition seeded.")
            return
        articles = content.ARTICLES
        figures_dir = Path(content.__file__).parent / "figures"

    seeded: list[tuple[Condition, dict, str]] = []
    for article in articles:
        figure_files = {
            f["file"]: (Path(figures_dir) / f["file"]).read_bytes() for f in article.get("figures", [])
        }
        digest = _content_hash(article, figure_files)
        condition = (
            Condition.objects.filter(Q(slug=article["slug"]) | Q(old_slugs__old_slug=article["slug"]))
            .distinct()
            .first()
        )
        if condition is None:
            if Condition.objects.filter(name=article["name"]).exists():
                stdout.write(f"Kept condition: {article['name']} (staff made one with this name)")
                continue
            condition = Condition()
            action = "Created"
        elif condition.seed_hash == digest:
            stdout.write(f"Kept condition: {condition.name} (unchanged)")
            continue
        elif _touched_by_staff(condition):
            stdout.write(f"Kept condition: {condition.name} (edited by staff since it was seeded)")
            continue
        else:
            _remove_parts(condition)
            action = "Updated"
        try:
            _fill(condition, article, figure_files)
        except ValidationError as error:
            raise CommandError(f"The article {article['slug']!r} is not valid: {error}") from error
        seeded.append((condition, article, digest))
        stdout.write(f"{action} condition: {condition.name}")

    for condition, article, digest in seeded:
        related = Condition.objects.filter(slug__in=article.get("related", []))
        condition.related.set(related)
        if missing := set(article.get("related", [])) - {c.slug for c in related}:
            stdout.write(f"  (related condition not found, skipped: {', '.join(sorted(missing))})")
        try:
            condition_publish_seeded(
                condition_id=condition.pk,
                reviewer_name=article["reviewed_by"],
                reviewer_role=article["reviewed_by_role"],
                reviewed_on=article["last_reviewed"],
                next_review_due=article["next_review_due"],
            )
        except PublishRefused as error:
            raise CommandError(f"The article {article['slug']!r} cannot be published: {error}") from error
        # Record what was seeded, and when: any later change moves updated_at past seeded_at.
        Condition.objects.filter(pk=condition.pk).update(seed_hash=digest, seeded_at=F("updated_at"))


def _touched_by_staff(condition: Condition) -> bool:
    if condition.seeded_at is None or condition.updated_at > condition.seeded_at:
        return True
    return condition.versions.filter(Q(published_by__isnull=False) | Q(unpublished_by__isnull=False)).exists()


def _content_hash(article: dict, figure_files: dict[str, bytes]) -> str:
    text = json.dumps(article, sort_keys=True, default=str)
    files = sorted((name, hashlib.sha256(data).hexdigest()) for name, data in figure_files.items())
    return hashlib.sha256(json.dumps([text, files]).encode()).hexdigest()


def _remove_parts(condition: Condition) -> None:
    for parts in (
        condition.sections,
        condition.treatments,
        condition.urgency_advice,
        condition.figures,
        condition.references,
    ):
        parts.all().delete()


def _fill(condition: Condition, article: dict, figure_files: dict[str, bytes]) -> None:
    """Set the article's fields and create its parts, validating each like the admin does."""
    condition.name = article["name"]
    condition.slug = article["slug"]
    condition.summary = article["summary"]
    condition.also_known_as = ", ".join(article.get("also_known_as", []))
    condition.calculator = article.get("calculator") or ""
    if not article.get("reviewed_by", "").strip():
        raise ValidationError({"reviewed_by": "A seeded article needs the name of its reviewer."})
    condition.full_clean()
    condition.save()

    parts = [Section(condition=condition, kind=kind, body=body) for kind, body in article["sections"].items()]
    parts += [
        Treatment(
            condition=condition,
            position=position,
            name=t["name"],
            verdict=t["verdict"],
            verdict_kind=t["verdict_kind"],
            body=t["body"],
        )
        for position, t in enumerate(article.get("treatments", []))
    ]
    parts += [
        UrgencyAdvice(condition=condition, level=level, body=body)
        for level, body in article.get("urgency", {}).items()
    ]
    parts += [
        Reference(
            condition=condition,
            position=position,
            title=r["title"],
            source=r["source"],
            year=r["year"],
            url=r.get("url") or "",
        )
        for position, r in enumerate(article.get("references", []))
    ]
    parts += [
        Figure(
            condition=condition,
            position=position,
            section=f["section"],
            alt_text=f["alt"],
            caption=f["caption"],
            image=File(BytesIO(figure_files[f["file"]]), name=f["file"]),
        )
        for position, f in enumerate(article.get("figures", []))
    ]
    for part in parts:
        part.full_clean()
        part.save()
