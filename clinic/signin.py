"""The user name django-axes records for a failed staff sign-in (AXES_USERNAME_CALLABLE)."""

from django.contrib.auth import get_user_model
from django.http import HttpRequest

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
