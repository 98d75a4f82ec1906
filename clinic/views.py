import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from clinic import pagecache
from clinic.models import ClinicProfile
from clinic.structured_data import medical_clinic, to_script_json
from contact.retention import retention_policy
from contact.views import THANKS_COOKIE_MAX_AGE

logger = logging.getLogger(__name__)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The same for every visitor: rendered once per change of the clinic details (or deploy)."""

    def render_home() -> HttpResponse:
        data = medical_clinic(
            clinic=ClinicProfile.load(),
            url=request.build_absolute_uri(reverse("home")),
            logo_url=request.build_absolute_uri(static("img/icon-512.png")),
        )
        json_ld = mark_safe(to_script_json(data))  # noqa: S308 (escaped for <script> by to_script_json)
        return render(request, "clinic/home.html", {"json_ld": json_ld})

    return pagecache.cached_page(request, parts=["home"], render=render_home)


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    """The privacy notice. Its periods come from the settings that enforce them, so it cannot
    promise one thing while the site does another."""
    context = {
        # The same policy purge_enquiries carries out, so the notice and the command agree.
        "enquiry_retention": retention_policy(),
        "notice_version": settings.PRIVACY_NOTICE_VERSION,
        "rate_limit_minutes": max(1, settings.CONTACT_RATE_LIMIT_WINDOW // 60),
        "feedback_rate_limit_minutes": max(1, settings.FEEDBACK_RATE_LIMIT_WINDOW // 60),
        "thanks_cookie_minutes": max(1, THANKS_COOKIE_MAX_AGE // 60),
    }
    return render(request, "clinic/privacy.html", context)


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers a trivial query, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.warning("health check: database unavailable", exc_info=True)
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers (and Django's admin) ask for without a <link>: the hashed
    static copy, so it is cached like every other static file."""
    return redirect(static("img/favicon.ico"))


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    return render(request, "robots.txt", content_type="text/plain")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A friendly 403 when a form's security token is missing or stale (an old tab, say)."""
    return render(request, "403_csrf.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page: static, no database, with the request id so a caller can quote it."""
    html = render_to_string("500.html", {"request_id": getattr(request, "id", "")})
    return HttpResponse(html, status=500)
