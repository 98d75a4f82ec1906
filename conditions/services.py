"""
Render a condition article's body once per content change, and keep it on the article's row.

The body is everything built from the article and its parts alone: the contents list, the
sections (with their figures, the treatments and their verdicts, the calculator link and the
"when to get help" blocks), the references and the review line. It is stored in
`Condition.body_html` together with the version it was rendered for (`body_version`: the
article's `updated_at`, the template format and MEDIA_URL) and the first figure's address for link
previews (`share_image`). So a page view reads one row instead
of five related tables, and every worker process sees the same, current body: a stale version is
noticed on the next view and rendered again there (once). The admin and the seed render it right
after saving, so patients rarely meet a stale body at all.

What depends on other things (the clinic's phone number, related conditions) is not stored here:
conditions/views.py caches that part of the page separately.
"""

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import mark_safe

from conditions.models import Condition, Figure, Section, Treatment, UrgencyAdvice

BODY_FORMAT = "1"
"""Bump when the `article-body` partial changes, so bodies stored by older code are rendered again."""

BODY_TEMPLATE = "conditions/condition_detail.html#article-body"
_BLANK_LINES = re.compile(r"\n[ \t]*(?:\n[ \t]*)+")


@dataclass
class ArticleSection:
    kind: str  # also the anchor id
    heading: str
    body_html: str = ""
    figures: list[dict] = field(default_factory=list)
    treatments: list[Treatment] = field(default_factory=list)
    urgency: list[UrgencyAdvice] = field(default_factory=list)
    calculator: dict | None = None


def squeeze_blank_lines(html: str) -> str:
    """Drop the blank lines template tags leave behind (the stored and cached HTML is smaller)."""
    return _BLANK_LINES.sub("\n", html)


def article_body_version(*, condition: Condition) -> str:
    return f"{BODY_FORMAT}:{settings.MEDIA_URL}:{condition.updated_at.isoformat()}"


def article_body_is_current(*, condition: Condition) -> bool:
    return condition.body_version == article_body_version(condition=condition)


def article_body_render(*, condition: Condition) -> str:
    """Render the body from the article's parts and store it, unless the article changed meanwhile.

    Reads the parts in four queries, writes one row. `condition.updated_at` must be current: the
    store is skipped (and done again on the next view) if the article changed after it was read.
    """
    sections = _article_sections(condition)
    context = {
        "condition": condition,
        "sections": sections,
        "references": list(condition.references.all()),
    }
    html = squeeze_blank_lines(render_to_string(BODY_TEMPLATE, context))
    version = article_body_version(condition=condition)
    share_image = next((f["largest"] for s in sections for f in s.figures), "")
    Condition.objects.filter(pk=condition.pk, updated_at=condition.updated_at).update(
        body_html=html, body_version=version, share_image=share_image
    )
    condition.body_html, condition.body_version, condition.share_image = html, version, share_image
    return mark_safe(html)  # noqa: S308 (our own template's output, autoescaped)


def article_body_refresh(*, condition_id: int) -> None:
    """Render and store the body of an article just saved (admin, seed)."""
    condition = Condition.objects.get(pk=condition_id)
    if not article_body_is_current(condition=condition):
        article_body_render(condition=condition)


def _article_sections(condition: Condition) -> list[ArticleSection]:
    """The sections to show, in the fixed order, with the parts that belong in each."""
    texts = {section.kind: section for section in condition.sections.all()}
    treatments = list(condition.treatments.all())
    urgency = list(condition.urgency_advice.all())
    figures = list(condition.figures.all())

    shown = [
        kind
        for kind in Section.Kind
        if kind in texts
        or (kind == Section.Kind.TREATMENTS and treatments)
        or (kind == Section.Kind.WHEN_TO_GET_HELP and urgency)
        or any(figure.section == kind for figure in figures)
    ]
    sections = {
        kind: ArticleSection(
            kind=kind.value,
            heading=Section.HEADINGS[kind],
            body_html=mark_safe(texts[kind].body_html) if kind in texts else "",  # noqa: S308 (sanitised on save)
        )
        for kind in shown
    }
    for figure in sorted(figures, key=lambda f: (f.position, f.pk)):
        if figure_data := _figure_data(figure):
            sections[Section.Kind(figure.section)].figures.append(figure_data)
    if Section.Kind.TREATMENTS in sections:
        sections[Section.Kind.TREATMENTS].treatments = treatments
    if Section.Kind.WHEN_TO_GET_HELP in sections:
        sections[Section.Kind.WHEN_TO_GET_HELP].urgency = urgency
    if (calculator := _calculator(condition)) and sections:
        # Where a patient wonders "how bad is mine?": after the symptoms, else after the first section.
        target = Section.Kind.SYMPTOMS if Section.Kind.SYMPTOMS in sections else shown[0]
        sections[target].calculator = calculator
    return list(sections.values())


def _figure_data(figure: Figure) -> dict | None:
    sources = figure.sources()
    if not sources:
        return None
    return {"alt_text": figure.alt_text, "caption": figure.caption, **sources}


def _calculator(condition: Condition) -> dict | None:
    if not condition.calculator:
        return None
    try:
        url = reverse(condition.calculator)
    except NoReverseMatch:
        return None
    return {"url": url, "label": condition.get_calculator_display()}
