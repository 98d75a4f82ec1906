from django.http import HttpRequest, HttpResponse

_PAGES: dict[int, bytes] = {}


def floor(request: HttpRequest, size: int) -> HttpResponse:
    """The framework's floor: the full middleware stack, then a constant page of `size` bytes,
    built once. Whatever the site does beyond this is the cost of the page itself."""
    body = _PAGES.get(size)
    if body is None:
        size = min(size, 1_000_000)
        filler = b"<p>" + b"x" * 76 + b"</p>\n"
        body = (
            b"<!doctype html><html lang='en'><title>floor</title><body>\n"
            + filler * (size // len(filler) + 1)
        )[:size]
        _PAGES[size] = body
    return HttpResponse(body)
