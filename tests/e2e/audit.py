"""Accessibility checks: axe-core (vendored from npm, MPL-2.0) plus the checks axe cannot make."""

import itertools
from pathlib import Path

from playwright.sync_api import Page

AXE_JS = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def axe_violations(page: Page) -> list[dict]:
    # page.evaluate, not add_script_tag: the site's CSP (script-src 'self') blocks injected tags.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS)
    results = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_AA_TAGS,
    )
    return results["violations"]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    at {node['target']}: {node.get('failureSummary', '').splitlines()[-1:]}")
    return "\n".join(lines)


def assert_no_axe_violations(page: Page) -> None:
    violations = axe_violations(page)
    assert violations == [], "axe found WCAG A/AA violations:\n" + describe(violations)


def heading_levels(page: Page) -> list[int]:
    return page.evaluate(
        "() => [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')]"
        ".filter(h => h.offsetParent !== null || getComputedStyle(h).position === 'fixed')"
        ".map(h => Number(h.tagName[1]))"
    )


def assert_sound_structure(page: Page) -> None:
    """One h1, no skipped heading levels, the page language set."""
    levels = heading_levels(page)
    assert levels.count(1) == 1, f"expected exactly one h1, got levels {levels}"
    for previous, current in itertools.pairwise(levels):
        assert current <= previous + 1, f"heading level skips from h{previous} to h{current}: {levels}"
    assert page.evaluate("document.documentElement.lang").startswith("en")


def assert_reflows_at_double_text_size(page: Page) -> None:
    """At phone width with text at 200%, nothing scrolls sideways."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.evaluate("document.documentElement.style.fontSize = '225%'")  # 18px base -> 2 x 20px
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    page.evaluate("document.documentElement.style.fontSize = ''")
    assert overflow <= 0, f"page overflows horizontally by {overflow}px at 200% text size"


def assert_focus_visible(page: Page) -> None:
    """Tab to the first focusable element and check its focus indicator changes its look."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => { const e = document.activeElement; const s = getComputedStyle(e);"
        " return {tag: e.tagName, outline: s.outlineStyle + ' ' + s.outlineWidth,"
        " shadow: s.boxShadow, background: s.backgroundColor, top: e.getBoundingClientRect().top}; }"
    )
    assert focused["tag"] != "BODY", "Tab did not move focus to anything"
    visible = focused["outline"].split()[0] not in ("none", "") or focused["shadow"] != "none"
    assert visible, f"focused element has no visible indicator: {focused}"
    assert focused["top"] >= 0, "focused element is off screen"
