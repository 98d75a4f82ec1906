"""Site-wide request handling: request ids and access logging, outage pages, admin indexing."""

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

access_log = logging.getLogger("clinic.access")
logger = logging.getLogger(__name__)

# A request id from a trusted proxy is kept only if it looks like one (no log injection).
REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9\-]{8,64}$")


def one_line(text: str, limit: int = 500) -> str:
    """Text fit for a single log line: control characters escaped, so a %0A in an address cannot
    start a forged line of its own, and no longer than `limit` characters."""
    if not text.isprintable():
        text = text.encode("unicode_escape").decode("ascii")
    return text[:limit]


class RequestLogMiddleware:
    """Give every request an id (shown on error pages, sent back as X-Request-ID) and log one
    line per request. The line holds no personal data: no query string, no client address, no
    form content, no user name."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if REQUEST_ID_PATTERN.match(incoming) else uuid.uuid4().hex[:16]
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed_ms = (time.perf_counter() - started) * 1000
        response.headers["X-Request-ID"] = request.id
        access_log.info(
            "%s %s %s %.1fms id=%s",
            one_line(request.method, 20),
            one_line(request.path),
            response.status_code,
            elapsed_ms,
            request.id,
            extra={"request_id": request.id},
        )
        return response


# gunicorn answers 400 to a request line longer than this itself (its limit_request_line); the
# same limit here keeps that true under any server, and keeps giant search terms away from the
# database (SQLite refuses a LIKE pattern over 50,000 bytes, which read as an outage: a 503).
MAX_ADDRESS_LENGTH = 4094


class MalformedAddressMiddleware:
    """Refuse (400) an address that no page can use: one with a NUL character (%00) in its path or
    query string, or one longer than MAX_ADDRESS_LENGTH.

    PostgreSQL refuses NUL in any text it is asked to compare, so a parameter that reaches a query
    (the enquiry form's ?condition=, the admin's list filters and autocomplete) would otherwise end
    in a 500. Form fields refuse NUL themselves, with a message next to the field.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if len(request.path) + len(request.META.get("QUERY_STRING", "")) > MAX_ADDRESS_LENGTH:
            raise BadRequest("address too long")  # answered with templates/400.html
        in_query = any("\x00" in key or "\x00" in "".join(values) for key, values in request.GET.lists())
        if in_query or "\x00" in request.path:
            raise BadRequest("NUL character in the address")
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """When the database is down, answer with a calm 503 page instead of a 500 traceback page.
    The page is static (it needs neither the database nor the request context)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        request_id = getattr(request, "id", "")
        logger.error("database unavailable id=%s: %s", request_id, type(exception).__name__)
        html = render_to_string("503.html", {"request_id": request_id})
        response = HttpResponse(html, status=503)
        response.headers["Retry-After"] = "60"
        response.headers["Cache-Control"] = "no-store"
        return response


class AdminNoIndexMiddleware:
    """Ask search engines never to index the staff admin (robots.txt alone is only advice)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith("/admin/"):
            response.headers["X-Robots-Tag"] = "noindex, nofollow"
        return response
