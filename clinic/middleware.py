"""Site-wide request handling: request ids and access logging, outage pages, admin indexing."""

import functools
import logging
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import BadRequest
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse

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


# The largest public form, an enquiry with a 3,000-character message written in a script that takes
# three bytes a character, is about 30 KB once percent-encoded; the calculator's is under 1 KB.
PUBLIC_BODY_MAX = 64 * 1024
# Staff pages: an article with up to three new 10 MB figures in one save, and its text.
ADMIN_BODY_MAX = 32 * 1024 * 1024


class RequestBodyLimitMiddleware:
    """Refuse a request body no page here can use, from its headers alone, before anything reads
    it (so nothing is spooled to a temporary file):

    - outside the staff admin, any file upload (`multipart/form-data`: no public form has a file
      field) is a 400, and any body over PUBLIC_BODY_MAX a 413;
    - in the admin, any body over ADMIN_BODY_MAX is a 413 (each figure is also cut off at its own
      10 MB limit while it arrives: clinic.uploads.CappedUploadHandler).

    Bodies without a Content-Length (chunked) are not read by Django at all. The reverse proxy in
    front refuses large bodies earlier still (docs/operations.md, "Reverse proxy").
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads no body without a valid length
        if length > 0:
            staff = request.path_info.startswith(admin_prefix())
            if not staff and request.content_type == "multipart/form-data":
                logger.info("refused a file upload to a public page")
                return refusal(request, 400, "This page does not take files.")
            if length > (ADMIN_BODY_MAX if staff else PUBLIC_BODY_MAX):
                logger.info("refused a request body of %d bytes", length)
                return refusal(request, 413, "That was much more than this page takes.")
        return self.get_response(request)


@functools.cache
def admin_prefix() -> str:
    return reverse("admin:index")


def refusal(request: HttpRequest, status: int, reason: str) -> HttpResponse:
    html = render_to_string("413.html" if status == 413 else "400.html", {"reason": reason}, request=request)
    # The unread rest of the body is gunicorn's to drop (it reads at most a few seconds of it).
    return HttpResponse(html, status=status)


class PermissionsPolicyMiddleware:
    """Send Permissions-Policy: the site uses no camera, microphone, location or other powerful
    browser feature, so none is allowed to any page or frame (settings.PERMISSIONS_POLICY)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response


class ForwardedForWarningMiddleware:
    """Warn once per process when a request arrives through a proxy (it carries X-Forwarded-For)
    but DJANGO_TRUSTED_PROXY_COUNT is 0: every client then has the proxy's address, so all patients
    share one enquiry rate limit and one sign-in lockout address."""

    warned = False

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            not ForwardedForWarningMiddleware.warned
            and settings.TRUSTED_PROXY_COUNT == 0
            and "HTTP_X_FORWARDED_FOR" in request.META
        ):
            ForwardedForWarningMiddleware.warned = True
            logger.warning(
                "A request came through a proxy (X-Forwarded-For) but DJANGO_TRUSTED_PROXY_COUNT is 0: "
                "every client looks like the proxy, so they share one enquiry rate limit and one "
                "sign-in lockout. Set DJANGO_TRUSTED_PROXY_COUNT to the number of proxies in front "
                "(docs/operations.md, Reverse proxy)."
            )
        return self.get_response(request)
