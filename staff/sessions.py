"""
Staff sessions end after STAFF_SESSION_IDLE_MINUTES without a request, and STAFF_SESSION_MAX_HOURS
after signing in, whatever happens. Both times are kept in the session itself (set at sign-in by
staff.signals, the last request's time refreshed at most once a minute, so an admin page costs a
session write only once a minute), and the admin's header shows when the session will end.
"""

import datetime
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

SIGNED_IN_AT = "staff_signed_in_at"
LAST_SEEN = "staff_last_seen"
# The last request's time is written back only when it is at least this old (seconds).
LAST_SEEN_RESOLUTION = 60


def idle_seconds() -> int:
    return settings.STAFF_SESSION_IDLE_MINUTES * 60


def max_seconds() -> int:
    return settings.STAFF_SESSION_MAX_HOURS * 3600


def stamp_sign_in(session: SessionBase, now: float | None = None) -> None:
    now = int(time.time() if now is None else now)
    session[SIGNED_IN_AT] = now
    session[LAST_SEEN] = now


def end_reason(session: SessionBase, now: float) -> str:
    """Why this signed-in session must end now ("" when it may go on)."""
    signed_in_at, last_seen = session.get(SIGNED_IN_AT), session.get(LAST_SEEN)
    if not isinstance(signed_in_at, int) or not isinstance(last_seen, int):
        # Signed in before these limits existed, or by something that skipped sign-in.
        return "Please sign in again."
    if now - signed_in_at >= max_seconds():
        return (
            f"You were signed out because staff sessions last at most {settings.STAFF_SESSION_MAX_HOURS} "
            "hours. Please sign in again."
        )
    if now - last_seen >= idle_seconds():
        return (
            f"You were signed out after {settings.STAFF_SESSION_IDLE_MINUTES} minutes without "
            "activity. Please sign in again."
        )
    return ""


def limits(request: HttpRequest) -> dict | None:
    """When this signed-in session ends: if left idle from now, and at the latest."""
    if not request.user.is_authenticated or not isinstance(request.session.get(SIGNED_IN_AT), int):
        return None
    signed_in_at = request.session[SIGNED_IN_AT]
    latest = datetime.datetime.fromtimestamp(signed_in_at + max_seconds(), tz=datetime.UTC)
    idle_end = timezone.now() + datetime.timedelta(seconds=idle_seconds())
    return {
        "idle_minutes": settings.STAFF_SESSION_IDLE_MINUTES,
        "idle_end": min(idle_end, latest),
        "latest": latest,
    }


class StaffSessionMiddleware:
    """End a signed-in session that has been idle too long or has lasted too long.

    Only requests that carry a session cookie are looked at: the public pages never read the
    session, so they stay the same for every visitor (no Vary: Cookie).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
            now = time.time()
            reason = end_reason(request.session, now)
            if reason:
                logout(request)
                messages.info(request, reason)
            elif now - request.session[LAST_SEEN] >= LAST_SEEN_RESOLUTION:
                request.session[LAST_SEEN] = int(now)
        return self.get_response(request)
