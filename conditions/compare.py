"""
A readable comparison of two versions of an article (two snapshots, see conditions/snapshots.py):
part by part (the summary, each section, each treatment, each "when to get help" block, the
figures, the references, the related conditions), and within a part word by word, with Python's
difflib. The result is plain data; the template marks words added and removed (<ins>, <del>),
escaping every word like any other text.

Markdown is compared as the editor wrote it, so a changed link or heading shows as such.
"""

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from conditions.models import Section, Treatment, UrgencyAdvice, tidy_text

# Each word with the spaces after it (and any spaces before the first word), so joining the pieces
# gives the text back; words are compared without their spaces, so a new line break alone is no change.
_TOKENS = re.compile(r"\S+\s*|\s+")


@dataclass(frozen=True)
class Change:
    kind: str  # "equal", "insert" or "delete"
    text: str


@dataclass(frozen=True)
class PartDiff:
    label: str
    status: str  # "changed", "added", "removed" or "unchanged"
    changes: tuple[Change, ...]
    words_added: int
    words_removed: int


def word_diff(old: str, new: str) -> list[Change]:
    """The changes that turn `old` into `new`, word by word."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    words_a, words_b = [token.strip() for token in a], [token.strip() for token in b]
    changes: list[Change] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, words_a, words_b, autojunk=False).get_opcodes():
        if tag == "equal":
            changes.append(Change("equal", "".join(b[j1:j2])))
            continue
        if tag in ("delete", "replace"):
            changes.append(Change("delete", "".join(a[i1:i2])))
        if tag in ("insert", "replace"):
            changes.append(Change("insert", "".join(b[j1:j2])))
    return changes


def _words(changes: Iterable[Change], kind: str) -> int:
    return sum(len(change.text.split()) for change in changes if change.kind == kind)


def part_diff(label: str, old: str | None, new: str | None) -> PartDiff:
    """One part's comparison; None for a part one side does not have."""
    old, new = (None if text is None else tidy_text(text) for text in (old, new))
    changes = tuple(word_diff(old or "", new or ""))
    if old is None and new is not None:
        status = "added"
    elif new is None and old is not None:
        status = "removed"
    else:
        status = "unchanged" if old == new else "changed"
    return PartDiff(label, status, changes, _words(changes, "insert"), _words(changes, "delete"))


def compare_snapshots(old: dict, new: dict, *, names: dict[int, str] | None = None) -> list[PartDiff]:
    """Every part of either snapshot, in page order. `names` gives related conditions' names."""
    names = names or {}
    parts = [
        part_diff("Name", old["name"], new["name"]),
        part_diff("Address", f"/conditions/{old['slug']}/", f"/conditions/{new['slug']}/"),
        part_diff("Also known as", old["also_known_as"], new["also_known_as"]),
        part_diff("Summary", old["summary"], new["summary"]),
    ]
    old_sections = {s["kind"]: s["body"] for s in old["sections"]}
    new_sections = {s["kind"]: s["body"] for s in new["sections"]}
    for kind in Section.Kind:
        if kind in old_sections or kind in new_sections:
            parts.append(part_diff(f"Section: {kind.label}", old_sections.get(kind), new_sections.get(kind)))

    old_treatments = {t["name"]: _treatment_text(t) for t in old["treatments"]}
    new_treatments = {t["name"]: _treatment_text(t) for t in new["treatments"]}
    for name in _in_order(old["treatments"], new["treatments"]):
        parts.append(part_diff(f"Treatment: {name}", old_treatments.get(name), new_treatments.get(name)))

    old_urgency = {u["level"]: u["body"] for u in old["urgency"]}
    new_urgency = {u["level"]: u["body"] for u in new["urgency"]}
    for level in UrgencyAdvice.Level:
        if level in old_urgency or level in new_urgency:
            parts.append(
                part_diff(f"When to get help: {level.label}", old_urgency.get(level), new_urgency.get(level))
            )

    parts += [
        part_diff("Figures", _figures_text(old["figures"]), _figures_text(new["figures"])),
        part_diff("References", _references_text(old["references"]), _references_text(new["references"])),
        part_diff(
            "Related conditions", _related_text(old["related"], names), _related_text(new["related"], names)
        ),
        part_diff("Calculator", old["calculator"] or "none", new["calculator"] or "none"),
    ]
    return parts


def _in_order(*lists: list[dict]) -> list[str]:
    seen: dict[str, None] = {}
    for items in lists:
        for item in sorted(items, key=lambda item: item["position"]):
            seen.setdefault(item["name"], None)
    return list(seen)


def _treatment_text(treatment: dict) -> str:
    verdict_kind = dict(Treatment.Verdict.choices).get(treatment["verdict_kind"], treatment["verdict_kind"])
    return (
        f"Verdict: {treatment['verdict']} ({verdict_kind})\n"
        f"Position: {treatment['position']}\n\n{treatment['body']}"
    )


def _figures_text(figures: list[dict]) -> str:
    return "\n\n".join(
        f"Image: {f['image'].rsplit('/', 1)[-1]}\n"
        f"In: {dict(Section.Kind.choices).get(f['section'], f['section'])}, position {f['position']}\n"
        f"Alternative text: {f['alt_text']}\nCaption: {f['caption']}"
        for f in sorted(figures, key=lambda f: f["position"])
    )


def _references_text(references: list[dict]) -> str:
    return "\n".join(
        f"{r['title']}. {r['source']}, {r['year']}." + (f" {r['url']}" if r["url"] else "")
        for r in sorted(references, key=lambda r: r["position"])
    )


def _related_text(ids: list[int], names: dict[int, str]) -> str:
    return "\n".join(sorted(names.get(pk, f"(a deleted article, #{pk})") for pk in ids))
