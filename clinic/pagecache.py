"""
The one page cache of the public pages that look the same to every visitor: home, the conditions
A-Z and search, the sitemap, condition pages and the calculator's questions.

A view calls `cached_page(request, parts=..., render=...)`. The page is kept, as finished HTML in
Django's cache, under a key that names everything it shows:

- `parts`, from the view: what this page shows of the content, as the view read it from the
  database on this request (for a condition page, the ids of the published versions on it: a
  new publish is a new id);
- the clinic details (header, footer, phone numbers): when they were last saved
  (`ClinicProfile.updated_at`), read from the database on every request, by the view's own query
  (`ClinicProfile.changed_subquery()`) or, when it has none, here (one query);
- the page's address (scheme, host, path) and whether htmx asked for a fragment of it (not the
  query string, so tracking parameters cannot fill the cache: a page that depends on one, such as
  a search, names it in `parts`);
- this build: the templates, the static files' hashed names and the settings that shape a page.

So the key changes with every content change on every worker and server at once, and a page kept
under a key can never be stale: there is nothing to invalidate. The key is also the page's ETag,
so a browser that already has the page gets a 304.

Only what is the same for everyone is kept: a visitor with a session (a signed-in editor, a
patient who has just written in) gets a fresh render, and a page that rendered anything of the
visitor's own (`{% csrf_token %}`) is never stored. Per-visitor pages (a calculator result, the
staff preview) do not use this module at all.
"""

import functools
import hashlib
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response

from clinic.models import ClinicProfile

PAGE_SECONDS = 24 * 60 * 60
KEY_PREFIX = "page:"
# Browsers may keep a page but must ask (cheaply: 304) before reusing it; shared caches may not.
CACHE_CONTROL = "private, no-cache"
UNREAD = object()  # cached_page(clinic_changed=...): the view did not read it


@functools.cache
def build_version() -> str:
    """A digest of the project's templates, the static files' manifest and the settings that shape
    a page, made once per process (a deploy starts new processes)."""
    digest = hashlib.sha256()
    for directory in (Path(d) for template in settings.TEMPLATES for d in template.get("DIRS", [])):
        for path in sorted(directory.rglob("*")):
            if path.is_file():
                digest.update(str(path.relative_to(directory)).encode() + b"\0" + path.read_bytes())
    digest.update(str(getattr(staticfiles_storage, "manifest_hash", "")).encode())
    digest.update(f"{settings.MEDIA_URL}\0{settings.CONTACT_SITE_URL}".encode())
    return digest.hexdigest()[:20]


def page_key(request: HttpRequest, *, parts: Iterable[object], clinic_changed: datetime | None) -> str:
    """The page's version: a digest of everything it shows (128 bits)."""
    shown = [
        build_version(),
        request.build_absolute_uri(request.path),
        request.headers.get("HX-Request", ""),
        clinic_changed,
        *parts,
    ]
    return hashlib.sha256("\x1f".join(map(str, shown)).encode()).hexdigest()[:32]


def is_shared(request: HttpRequest) -> bool:
    """A visitor without a session sees what every such visitor sees."""
    return settings.SESSION_COOKIE_NAME not in request.COOKIES


def storable(request: HttpRequest, response: HttpResponse) -> bool:
    """A page may be kept for everyone only if it is a plain 200 that used nothing of the visitor's:
    rendering `{% csrf_token %}` (which asks for the visitor's CSRF cookie) rules it out."""
    return response.status_code == 200 and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")


def cached_page(
    request: HttpRequest,
    *,
    parts: Iterable[object],
    render: Callable[[], HttpResponse],
    clinic_changed: datetime | object | None = UNREAD,
) -> HttpResponse:
    """The page for this version: 304 if the browser has it, else from the cache, else `render()`.

    `parts` names what the page shows of the content (see the module docstring). `clinic_changed`
    is `ClinicProfile.updated_at` when the view's own query read it (`changed_subquery()`), which
    saves a query; otherwise it is read here.
    """
    if clinic_changed is UNREAD:
        clinic_changed = ClinicProfile.last_changed()
    version = page_key(request, parts=parts, clinic_changed=clinic_changed)
    etag = f'W/"{version}"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        shared = is_shared(request)
        body = cache.get(KEY_PREFIX + version) if shared else None
        if body is not None:
            response = HttpResponse(body)
        else:
            # The details `render()` shows (the context processor's `clinic`) are the ones in the
            # key: a worker whose cached copy is older reads them again.
            ClinicProfile.load(as_of=clinic_changed)
            response = render()
            if shared and storable(request, response):
                cache.set(KEY_PREFIX + version, response.content, PAGE_SECONDS)
    if response.status_code in (200, 304):
        response.headers["ETag"] = etag
        response.headers["Cache-Control"] = CACHE_CONTROL
    return response
