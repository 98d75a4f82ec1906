"""
What a printed page carries so that a handout leads back to the live page: the page's full address
and a QR code of it (templates/includes/_print_header.html, static/css/print.css).

Pages are cached and shared between visitors (clinic/pagecache.py), so nothing printed may differ
between visitors of one page. The address is the page's own path, plus a query string only where
the view says it names the content (a calculator result's `?result=` does; a visitor's tracking
parameters do not). It is written on the site's public address (DJANGO_SITE_URL) when that is
set, so every visitor's copy names the same host; otherwise on the host the request came to,
which ALLOWED_HOSTS has already checked.
"""

import functools

import segno
from django.conf import settings
from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe


def page_address(request: HttpRequest, path: str = "") -> str:
    """The full address of `path` (by default, the page being shown) on this site."""
    path = path or request.path
    if settings.CONTACT_SITE_URL:
        return settings.CONTACT_SITE_URL + path
    return request.build_absolute_uri(path)


@functools.lru_cache(maxsize=256)
def qr_svg(address: str) -> SafeString:
    """A QR code of `address` as inline SVG markup.

    Drawn with one path and the `stroke` presentation attribute, never a style attribute (which
    the CSP's style-src 'self' would block). No width or height: print.css sizes it. Error
    correction level L (segno raises it when that fits in the same size): a result's address is
    long, and fewer, larger modules scan better from a 3 cm printout than more correction does.
    Making one costs 5 to 25 ms (segno tries all eight masks, and a result's address is long),
    several times the rest of a calculator result, so each process keeps the last 256 it made
    (a pure function of the address; 2 to 6 KB each). A calculator result's address names its
    answers and date, so patients who give the same answers on the same day share one.
    """
    try:
        code = segno.make(address, error="l", micro=False)
    except segno.DataOverflowError:  # over ~2,300 characters: no real page address is that long
        return SafeString("")
    # segno builds the markup itself from the code's modules; the address is not written into it.
    return mark_safe(code.svg_inline(omitsize=True, svgclass="print-header__qr", lineclass=None, dark="#000"))  # noqa: S308
