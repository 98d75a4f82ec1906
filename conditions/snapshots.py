"""
An article as plain data: built from the working copy, stored in a PublishedVersion, and read back
to render the page. The public page and the staff preview go through the same two functions, so a
preview is exactly what publishing would put live.

A snapshot (format 1) is a dict:

    format       1
    name, slug, summary, also_known_as, calculator (a URL name or "")
    sections     [{kind, body, body_html}]               in the fixed page order
    treatments   [{position, name, verdict, verdict_kind, body, body_html}]
    urgency      [{level, body, body_html}]              routine, urgent, emergency
    figures      [{section, position, image, width, height, renditions, alt_text, caption}]
    references   [{position, title, source, year, url}]
    related      [condition ids]

`body` is the Markdown an editor wrote (compare and restore use it); `body_html` is what it
rendered to, sanitised (conditions/rendering.py) when the snapshot was built, never at request
time. Figures name their stored files, which are never deleted while a version refers to them.
A later format must still read format 1: published versions are never rewritten.
"""

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeString, mark_safe

from conditions.models import Condition, Section, UrgencyAdvice, figure_sources
from conditions.rendering import render_markdown

FORMAT = 1
# A section whose text (with its treatments and advice) is longer than this, or that has a figure,
# fills more than a phone screen or two: the page offers "Back to top" after it.
LONG_SECTION_CHARACTERS = 1200


def snapshot_build(condition: Condition) -> dict:
    """The working copy of `condition` with all its parts (six queries), Markdown rendered now."""
    return {
        "format": FORMAT,
        "name": condition.name,
        "slug": condition.slug,
        "summary": condition.summary,
        "also_known_as": condition.also_known_as,
        "calculator": condition.calculator,
        "sections": [
            {"kind": s.kind, "body": s.body, "body_html": render_markdown(s.body, top_heading=3)}
            for s in condition.sections.all()
        ],
        "treatments": [
            {
                "position": t.position,
                "name": t.name,
                "verdict": t.verdict,
                "verdict_kind": t.verdict_kind,
                "body": t.body,
                "body_html": render_markdown(t.body, top_heading=4),
            }
            for t in condition.treatments.all()
        ],
        "urgency": [
            {"level": u.level, "body": u.body, "body_html": render_markdown(u.body, top_heading=4)}
            for u in condition.urgency_advice.all()
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
            for f in condition.figures.all()
        ],
        "references": [
            {"position": r.position, "title": r.title, "source": r.source, "year": r.year, "url": r.url}
            for r in condition.references.all()
        ],
        "related": sorted(condition.related.values_list("pk", flat=True)),
    }


def snapshot_files(snapshot: dict) -> list[str]:
    """Every stored file the snapshot's figures use (masters and renditions)."""
    return sorted(
        {f["image"] for f in snapshot["figures"]}
        | {r["name"] for f in snapshot["figures"] for r in f["renditions"]}
    )


@dataclass
class ArticleSection:
    """One section of the page, with the parts shown inside it."""

    kind: str  # also the anchor id
    heading: str
    body_html: SafeString | str = ""
    figures: list[dict] = field(default_factory=list)
    treatments: list[dict] = field(default_factory=list)
    urgency: list[dict] = field(default_factory=list)
    calculator: dict | None = None

    @property
    def is_long(self) -> bool:
        parts = [
            self.body_html,
            *(t["body_html"] for t in self.treatments),
            *(u["body_html"] for u in self.urgency),
        ]
        return bool(self.figures) or sum(map(len, parts)) > LONG_SECTION_CHARACTERS


@dataclass
class Article:
    """What the page template shows of a snapshot."""

    sections: list[ArticleSection]
    references: list[dict]
    share_image: str  # the first figure's largest file, for link previews ("" if none)


def article_from_snapshot(snapshot: dict) -> Article:
    """The page's sections in the fixed order, each with its figures, treatments, calculator link
    and "when to get help" blocks; and the references."""
    texts = {s["kind"]: s for s in snapshot["sections"]}
    treatments = [
        {**t, "body_html": _trusted(t["body_html"])}
        for t in sorted(snapshot["treatments"], key=lambda t: t["position"])
    ]
    urgency = [
        {
            **u,
            "body_html": _trusted(u["body_html"]),
            "tag": UrgencyAdvice.TAGS[UrgencyAdvice.Level(u["level"])],
            "heading": UrgencyAdvice.HEADINGS[UrgencyAdvice.Level(u["level"])],
        }
        for u in sorted(snapshot["urgency"], key=lambda u: list(UrgencyAdvice.Level).index(u["level"]))
    ]
    figures = sorted(snapshot["figures"], key=lambda f: f["position"])

    shown = [
        kind
        for kind in Section.Kind
        if kind in texts
        or (kind == Section.Kind.TREATMENTS and treatments)
        or (kind == Section.Kind.WHEN_TO_GET_HELP and urgency)
        or any(figure["section"] == kind for figure in figures)
    ]
    sections = {
        kind: ArticleSection(
            kind=kind.value,
            heading=Section.HEADINGS[kind],
            body_html=_trusted(texts[kind]["body_html"]) if kind in texts else "",
        )
        for kind in shown
    }
    share_image = ""
    for figure in figures:
        if sources := figure_sources(figure["renditions"]):
            sections[Section.Kind(figure["section"])].figures.append(
                {"alt_text": figure["alt_text"], "caption": figure["caption"], **sources}
            )
            share_image = share_image or sources["largest"]
    if Section.Kind.TREATMENTS in sections:
        sections[Section.Kind.TREATMENTS].treatments = treatments
    if Section.Kind.WHEN_TO_GET_HELP in sections:
        sections[Section.Kind.WHEN_TO_GET_HELP].urgency = urgency
    if (calculator := _calculator(snapshot["calculator"])) and sections:
        # Where a patient wonders "how bad is mine?": after the symptoms, else after the first section.
        target = Section.Kind.SYMPTOMS if Section.Kind.SYMPTOMS in sections else shown[0]
        sections[target].calculator = calculator
    references = [
        {**r, "safe_url": r["url"] if r["url"].lower().startswith(("https://", "http://")) else ""}
        for r in sorted(snapshot["references"], key=lambda r: r["position"])
    ]
    return Article(sections=list(sections.values()), references=references, share_image=share_image)


def _trusted(html: str) -> SafeString:
    # Sanitised by conditions/rendering.py (nh3) when the snapshot was built.
    return mark_safe(html)  # noqa: S308


def _calculator(url_name: str) -> dict | None:
    if not url_name:
        return None
    try:
        url = reverse(url_name)
    except NoReverseMatch:
        return None
    return {"url": url, "label": dict(Condition.Calculator.choices).get(url_name, "calculator")}
