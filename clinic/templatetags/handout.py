"""Template tags for the print header: `{% page_address %}` and `{% qr_svg address %}` (clinic/handout.py)."""

from django import template
from django.utils.safestring import SafeString

from clinic import handout

register = template.Library()


@register.simple_tag(takes_context=True)
def page_address(context: template.Context, path: str = "") -> str:
    """The page's full address, or "" where there is no request (the 400 page is rendered without one)."""
    request = context.get("request")
    return handout.page_address(request, path) if request is not None else ""


@register.simple_tag
def qr_svg(address: str) -> SafeString | str:
    return handout.qr_svg(address) if address else ""
