"""
Markdown written by editors, turned into safe HTML.

Python-Markdown passes raw HTML straight through, so its output is never trusted: nh3 (the Rust
ammonia sanitiser) then keeps only the few tags an article needs, only `href`/`title` on links, and
only http(s), mailto and tel addresses. `<script>`/`<style>` go with their content, event handlers
and `javascript:`/`data:` links go, whoever wrote them (staff included).

Called from the models' `save()`, so it runs once per edit, never per request.
"""

import re

import markdown
import nh3

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "a", "ul", "ol", "li", "blockquote",
    "h3", "h4", "h5", "h6", "abbr", "code",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "ol": {"start"}}
ALLOWED_URL_SCHEMES = {"https", "http", "mailto", "tel"}
REMOVED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "template", "svg", "math"}

_HEADING_TAG = re.compile(r"<(/?)h([1-6])(?=[\s>])", re.IGNORECASE)


def _shift_headings(html: str, *, top: int) -> str:
    """Renumber headings so the body's biggest heading is `top` (the page owns h1 and h2)."""
    levels = [int(level) for _, level in _HEADING_TAG.findall(html)]
    if not levels:
        return html
    shift = top - min(levels)
    return _HEADING_TAG.sub(lambda m: f"<{m[1]}h{min(6, int(m[2]) + shift)}", html)


def render_markdown(text: str, *, top_heading: int = 3) -> str:
    """Sanitised HTML for a Markdown body; its headings start at h`top_heading`."""
    html = markdown.markdown(text or "", extensions=["sane_lists"], output_format="html")
    return nh3.clean(
        _shift_headings(html, top=top_heading),
        tags=ALLOWED_TAGS,
        clean_content_tags=REMOVED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    ).strip()
