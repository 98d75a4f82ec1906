"""
Whole pages rendered once per content version and served from the cache.

Public pages that look the same to every visitor (home, the conditions list, condition pages) are
kept as finished HTML under a digest of everything they show:

- the content's own version, which the view reads from the database on every request, so several
  app servers, or workers with their own memory caches, never serve a stale page;
- the clinic's details (header, footer, phone numbers), from `ClinicProfile.load()`;
- this build: the templates and the static files' hashed names, so after a deploy no page made by
  the old templates, or pointing at a stylesheet that no longer exists, is served.

The digest is also the page's ETag, so a browser that already has the page gets a 304. Only
visitors without a session get the shared copy; anyone with one (a signed-in editor, a patient who
has just written in) gets a fresh render, so nothing personal is ever cached or shown to another.

Because such a key names exactly what its page shows, a page kept under it can never go stale.
`recall` and `keep` therefore put a small per-process memory (`recent`) in front of the shared
cache: a hit costs a dictionary lookup instead of unpickling the page from the cache (and, with
Redis, a network round trip for ~20 KB). Only keys of that kind may be kept there.
"""

import functools
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
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


@functools.cache
def build_version() -> str:
    """A digest of the project's templates and the static files' manifest, made once per process."""
    digest = hashlib.sha256()
    for directory in (Path(d) for template in settings.TEMPLATES for d in template.get("DIRS", [])):
        for path in sorted(directory.rglob("*")):
            if path.is_file():
                digest.update(str(path.relative_to(directory)).encode() + b"\0" + path.read_bytes())
    digest.update(str(getattr(staticfiles_storage, "manifest_hash", "")).encode())
    return digest.hexdigest()[:20]


def clinic_version(clinic: ClinicProfile) -> str:
    """Every detail of the clinic profile, as pages may show any of them."""
    return "\x1e".join(str(getattr(clinic, field.attname)) for field in ClinicProfile._meta.concrete_fields)


def page_version(*parts: object) -> str:
    """The version of a page: a digest of this build and everything the page shows (128 bits:
    short cache keys are cheaper to check)."""
    return hashlib.sha256("\x1f".join([build_version(), *map(str, parts)]).encode()).hexdigest()[:32]


class RecentPages:
    """The pages this process used most recently, by content-addressed key (least recently used
    ones are dropped first). Safe for threaded workers."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._pages: OrderedDict[str, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> object | None:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: str, page: object) -> None:
        if not self.size:
            return
        with self._lock:
            self._pages[key] = page
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()


# Home, list, condition pages, calculator regions: a few KB to ~25 KB each (settings.PAGE_MEMORY_SIZE).
recent = RecentPages(settings.PAGE_MEMORY_SIZE)


def recall(key: str):
    """The page kept under a content-addressed `key`: from this process's memory, else from the
    shared cache (and then remembered here too), else None."""
    page = recent.get(key)
    if page is None:
        page = cache.get(key)
        if page is not None:
            recent.put(key, page)
    return page


def keep(key: str, page, timeout: int = PAGE_SECONDS) -> None:
    """Keep a page under a content-addressed `key`, here and in the shared cache for every worker
    and server."""
    recent.put(key, page)
    cache.set(key, page, timeout)


def etag_for(version: str) -> str:
    return f'W/"{version}"'


def is_shared(request: HttpRequest) -> bool:
    """A visitor without a session sees what every such visitor sees."""
    return settings.SESSION_COOKIE_NAME not in request.COOKIES


def storable(request: HttpRequest, response: HttpResponse) -> bool:
    """A page may be kept for everyone only if it is a plain 200 that used nothing of the visitor's:
    rendering `{% csrf_token %}` (which asks for the visitor's CSRF cookie) rules it out."""
    return response.status_code == 200 and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")


def cached_page(
    request: HttpRequest, *, parts: Iterable[object], render: Callable[[], HttpResponse]
) -> HttpResponse:
    """The page for this version: 304 if the browser has it, else from the cache, else `render()`.

    `parts` must name everything the page shows besides the clinic details and the build, e.g. the
    page's name, whether it is the htmx fragment, and the content's version.
    """
    version = page_version(clinic_version(ClinicProfile.load()), *parts)
    response = get_conditional_response(request, etag=etag_for(version))
    if response is None:
        shared = is_shared(request)
        body = recall(KEY_PREFIX + version) if shared else None
        if body is not None:
            response = HttpResponse(body)
        else:
            response = render()
            if shared and storable(request, response):
                keep(KEY_PREFIX + version, response.content)
    if response.status_code in (200, 304):
        response.headers["ETag"] = etag_for(version)
        # Browsers may keep the page but must ask (cheaply: 304) before reusing it.
        response.headers["Cache-Control"] = CACHE_CONTROL
    return response
