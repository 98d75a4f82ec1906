"""
Public condition pages.

A condition page costs one query when it is cached (the page's state: the article's status and
`updated_at`, and its related conditions' count and latest change, which version the page) and at
most three when it is not (plus the article with the conditions it suggests, and the clinic
profile if that is not cached either); see `condition_detail`. Visitors without a session get the
finished page from the cache, others a page assembled from the cached fragments. Drafts are shown
only to staff who may edit them, as an uncached "draft preview". The plain conditions list is
cached the same way (clinic/pagecache.py).
"""

import functools
import re

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.middleware import HtmxDetails

from clinic import pagecache
from clinic.models import ClinicProfile
from clinic.prepared import PreparedQuery
from conditions import images, services
from conditions.forms import ConditionSearchForm
from conditions.models import FIGURE_DIR, Condition, SlugRedirect
from conditions.services import article_body_is_current, article_body_render, squeeze_blank_lines
from conditions.structured_data import medical_web_page, to_script_json

PAGE_TEMPLATE = "conditions/condition_detail.html"
PAGE_FORMAT = "1"
"""Bump when the `head-meta` or `article` partials change, so fragments cached by older code go unused."""
PAGE_CACHE_SECONDS = 24 * 60 * 60

# The one query of a cached page: only what tells whether the page changed (any status; see
# `condition_detail`), and the plain list. Their SQL is built once per process
# (clinic/prepared.py): building it would cost several times more than running it.
_PAGE_STATE = PreparedQuery(
    lambda slug: (
        Condition.objects.with_related_version()
        .annotate(clinic_changed=ClinicProfile.changed_subquery())
        .filter(slug=slug)
        .only("slug", "status", "updated_at", "name", "summary")
    ),
    "slug",
)
_PUBLISHED = PreparedQuery(lambda: Condition.objects.published().defer("body_html"))


class HtmxHttpRequest(HttpRequest):  # for type checkers: a request that went through HtmxMiddleware
    htmx: HtmxDetails


def can_preview(user: User | AnonymousUser) -> bool:
    """Staff who may edit articles see drafts (with a banner); everyone else gets a 404."""
    return user.is_active and user.is_staff and user.has_perm("conditions.change_condition")


@require_safe
@vary_on_headers("HX-Request")
def condition_list(request: HtmxHttpRequest) -> HttpResponse:
    template = "conditions/condition_list.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    if not request.GET:
        # The plain list, the same for everyone: one query (the list itself, which is also its
        # version), and the page from the cache unless a listed article changed.
        rows = _PUBLISHED.rows()
        version = [(row[_PUBLISHED.column("id")], row[_PUBLISHED.column("updated_at")]) for row in rows]

        def render_list() -> HttpResponse:
            conditions = [_PUBLISHED.instance(row) for row in rows]
            context = {"form": ConditionSearchForm(), "query": "", "conditions": conditions}
            return render(request, template, context)

        return pagecache.cached_page(request, parts=[template, version], render=render_list)
    form = ConditionSearchForm(request.GET)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    conditions = Condition.objects.published().defer("body_html")
    if query:
        conditions = conditions.search(query)
    return render(request, template, {"form": form, "query": query, "conditions": list(conditions)})


@require_safe
@vary_on_headers("HX-Request")
def condition_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    # The one query of a cached page, as raw values: the whole article is read only when the page
    # has to be rendered. Visibility is decided just below.
    found = _PAGE_STATE.rows(slug=slug)
    if not found:
        return _old_address(request, slug)
    state = found[0]
    if state[_PAGE_STATE.column("status")] != Condition.Status.PUBLISHED:
        if not can_preview(request.user):
            raise Http404("No published condition at this address.")
        return _draft_preview(request, slug)

    fragment_only = bool(request.htmx) and not request.htmx.history_restore_request
    version = _page_version(request, state, "fragment" if fragment_only else "page")
    etag = pagecache.etag_for(version)
    last_modified, last_modified_header = _last_modified(
        state[_PAGE_STATE.column("updated_at")], state[_PAGE_STATE.column("related_changed")]
    )

    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        response = _page_response(request, state, version, fragment_only=fragment_only)
    if response.status_code in (200, 304):
        response.headers["ETag"] = etag
        response.headers["Last-Modified"] = last_modified_header
        response.headers["Cache-Control"] = pagecache.CACHE_CONTROL
    return response


@require_safe
def figure_file(request: HtmxHttpRequest, name: str) -> FileResponse:
    """Serve a figure rendition when no web server does (`make run`); see docs/operations.md, "Media".

    Only files in the figures folder, only by a plain file name with an image extension. The names
    carry a hash of the content, so they can be cached for a year.
    """
    match = re.fullmatch(r"[A-Za-z0-9_-]+\.(webp|png|jpg)", name)
    path = f"{FIGURE_DIR}/{name}"
    if not match or not default_storage.exists(path):
        raise Http404("No such figure.")
    extension = {"jpg": "JPEG", "png": "PNG", "webp": "WEBP"}[match[1]]
    response = FileResponse(default_storage.open(path, "rb"), content_type=images.MIME_TYPES[extension])
    patch_cache_control(response, public=True, max_age=365 * 24 * 60 * 60, immutable=True)
    return response


def _old_address(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """An address a condition used to have redirects permanently to its current one."""
    old = SlugRedirect.objects.select_related("condition").filter(old_slug=slug).first()
    if old is None or not (old.condition.is_published or can_preview(request.user)):
        raise Http404("No published condition at this address.")
    url = old.condition.get_absolute_url()
    if query := request.META.get("QUERY_STRING"):
        url = f"{url}?{query}"
    return HttpResponsePermanentRedirect(url)


def _draft_preview(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    clinic = ClinicProfile.load()
    condition, related = _article_and_related(slug)
    fragments = _render_fragments(request, condition, related, clinic, fragment_only=False, preview=True)
    response = render(request, PAGE_TEMPLATE, _page_context(condition, fragments, clinic))
    add_never_cache_headers(response)  # private, no-store: a draft must not linger in any cache
    return response


def _page_version(request, state: tuple, variant: str) -> str:
    """A digest of everything the cached page depends on; also the page's ETag.

    The article (its `updated_at` moves whenever it or any part changes, and the stored body's
    format: see `article_body_version`), its related conditions (how many, and when the latest
    changed), the clinic details (when they were last saved, read by the same query, so no cache
    is asked), the address the absolute links are built on, whether it is the full page or the
    htmx fragment (so the two never share a cache entry), and the build (templates and static
    file names; see clinic/pagecache.py). Raw database values are enough to tell versions apart,
    and cost nothing to convert.
    """
    return pagecache.page_version(
        PAGE_FORMAT,
        variant,
        request.scheme,
        request.get_host(),
        services.BODY_FORMAT,
        settings.MEDIA_URL,
        *(
            state[_PAGE_STATE.column(name)]
            for name in ("id", "updated_at", "related_count", "related_changed", "clinic_changed")
        ),
    )


@functools.lru_cache(maxsize=256)
def _last_modified(updated_at, related_changed) -> tuple[int, str]:
    """When the page last changed (raw database values in), as a timestamp and as a header."""
    changed = max(
        filter(
            None,
            [
                _PAGE_STATE.convert("updated_at", updated_at),
                _PAGE_STATE.convert("related_changed", related_changed),
            ],
        )
    )
    return int(changed.timestamp()), http_date(changed.timestamp())


def _article_and_related(slug: str) -> tuple[Condition, list[Condition]]:
    """The whole article, and the published conditions it suggests (in name order), in one query."""
    suggested = Condition.related.through.objects.filter(from_condition__slug=slug).values("to_condition")
    found = list(
        Condition.objects.filter(Q(slug=slug) | Q(pk__in=suggested, status=Condition.Status.PUBLISHED))
    )
    condition = next((candidate for candidate in found if candidate.slug == slug), None)
    if condition is None:  # deleted, or renamed, since the page's state was read
        raise Http404("No published condition at this address.")
    return condition, [candidate for candidate in found if candidate.pk != condition.pk]


def _page_response(request, state: tuple, version: str, *, fragment_only: bool) -> HttpResponse:
    """The htmx fragment, or the whole page: finished HTML from the cache for visitors without a
    session, assembled from the cached fragments for anyone else (see clinic/pagecache.py)."""
    shared = pagecache.is_shared(request) and not fragment_only
    page_key = f"conditions:html:{version}"
    if shared and (html := pagecache.recall(page_key)) is not None:
        return HttpResponse(html)
    # The clinic details this version names, even where this worker's cached copy is older.
    clinic_changed = _PAGE_STATE.convert("clinic_changed", state[_PAGE_STATE.column("clinic_changed")])
    clinic = ClinicProfile.load(as_of=clinic_changed)
    key = f"conditions:page:{version}"
    fragments = cache.get(key)
    if fragments is None:
        condition, related = _article_and_related(state[_PAGE_STATE.column("slug")])
        fragments = _render_fragments(request, condition, related, clinic, fragment_only=fragment_only)
        cache.set(key, fragments, PAGE_CACHE_SECONDS)
    if fragment_only:
        return HttpResponse(fragments["article"])
    # The page template reads only the name and summary, which the state query has.
    context = _page_context(_PAGE_STATE.instance(state), fragments, clinic)
    response = render(request, PAGE_TEMPLATE, context)
    if shared and pagecache.storable(request, response):
        pagecache.keep(page_key, response.content, PAGE_CACHE_SECONDS)
    return response


def _render_fragments(
    request,
    condition: Condition,
    related: list[Condition],
    clinic: ClinicProfile,
    *,
    fragment_only: bool,
    preview: bool = False,
) -> dict[str, str]:
    """The article (and, for full pages, the head tags), rendered without the request.

    Without the request, no visitor-specific value (CSRF token, user) can end up in the cache.
    """
    if article_body_is_current(condition=condition):
        body_html = mark_safe(condition.body_html)  # noqa: S308 (our template's output, stored)
    else:
        body_html = article_body_render(condition=condition)
    url = request.build_absolute_uri(condition.get_absolute_url())
    image_url = request.build_absolute_uri(condition.share_image) if condition.share_image else None
    context = {
        "condition": condition,
        "clinic": clinic,
        "body_html": body_html,
        "related": related,
        "preview": preview,
        "admin_url": reverse("admin:conditions_condition_change", args=[condition.pk]) if preview else "",
        "canonical_url": url,
        "image_url": image_url,
        "json_ld": mark_safe(  # noqa: S308 (escaped for <script> by to_script_json)
            to_script_json(medical_web_page(condition=condition, url=url, clinic=clinic, image_url=image_url))
        ),
    }
    fragments = {"article": squeeze_blank_lines(render_to_string(f"{PAGE_TEMPLATE}#article", context))}
    if not fragment_only:
        fragments["head"] = squeeze_blank_lines(render_to_string(f"{PAGE_TEMPLATE}#head-meta", context))
    return fragments


def _page_context(condition: Condition, fragments: dict[str, str], clinic: ClinicProfile) -> dict:
    return {
        "clinic": clinic,  # the header and footer (overrides the context processor's copy)
        "condition": condition,
        "head_html": mark_safe(fragments["head"]),  # noqa: S308 (our templates' output)
        "article_html": mark_safe(fragments["article"]),  # noqa: S308
    }
