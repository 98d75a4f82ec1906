"""
What the editing screen shows beside each text: its reading level (conditions/readability.py) and
its Markdown rendered as patients will see it, sanitised exactly as publishing will do it
(conditions/rendering.py).
"""

from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from conditions import readability
from conditions.rendering import render_markdown


def reading_level(text: str) -> SafeString:
    """The reading level of a text, as shown next to it in the admin."""
    result = readability.assess(text)
    if result is None:
        return format_html('<span class="reading-level">{}</span>', "No text yet.")
    if result.above_target:
        return format_html(
            '<strong class="reading-level reading-level--high">Grade {} (reading age about {}): above '
            "the target of grade {} (about age 12). Try shorter sentences and everyday words.</strong>",
            result.grade,
            result.reading_age,
            f"{readability.TARGET_GRADE:g}",
        )
    if not result.long_enough:
        return format_html(
            '<span class="reading-level">Grade {}: too short to judge (under {} words).</span>',
            result.grade,
            readability.MIN_WORDS,
        )
    return format_html(
        '<span class="reading-level">Grade {} (reading age about {}): within the target.</span>',
        result.grade,
        result.reading_age,
    )


@dataclass(frozen=True)
class TextPreview:
    html: SafeString  # sanitised by nh3 (conditions/rendering.py)
    level: SafeString


def text_preview(markdown: str, *, top_heading: int = 3) -> TextPreview:
    html = render_markdown(markdown, top_heading=top_heading)
    return TextPreview(html=mark_safe(html), level=reading_level(markdown))  # noqa: S308 (sanitised)
