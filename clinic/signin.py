"""What django-axes asks of the site for staff sign-in: the user name it records for a failed
attempt (AXES_USERNAME_CALLABLE) and the page shown while sign-in is paused (AXES_LOCKOUT_CALLABLE)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

# No account has a longer user name, so a longer one needs no more of it to be locked out. Axes
# stores the name in a 255-character column: a name of 100,000 characters was a 500 on PostgreSQL.
USERNAME_MAX_LENGTH = get_user_model()._meta.get_field("username").max_length


def attempted_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The user name as typed (from the credentials, else the POST), cut to the longest a real
    one can be, without NUL characters (which PostgreSQL refuses in text)."""
    source = credentials if credentials else getattr(request, "POST", {})
    username = source.get("username")
    if username is None:
        return None
    return str(username).replace("\x00", "")[:USERNAME_MAX_LENGTH]


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """ "Sign-in paused" (429), with Retry-After: the whole cool-off, the longest the wait can be."""
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    response = render(request, "admin/locked_out.html", {"minutes": seconds // 60}, status=429)
    response.headers["Retry-After"] = str(seconds)
    return response
