"""
Public condition pages.

A condition page costs one query when its fragments are cached (the article row, whose
`updated_at` and related-conditions annotations version the page) and two when they are not (plus
the related conditions); see `condition_detail`. Drafts are shown only to staff who may edit them,
as an uncached "draft preview".
"""

import re
from hashlib import sha256

from django.contrib.auth.models import AnonymousUser, User
from django.core.cache import cache
from django.core.files.storage import default_storage
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

from clinic.models import ClinicProfile
from conditions import images
from conditions.forms import ConditionSearchForm
from conditions.models import FIGURE_DIR, Condition, SlugRedirect
from conditions.services import (
    article_body_is_current,
    article_body_render,
    article_body_version,
    squeeze_blank_lines,
)
from conditions.structured_data import medical_web_page, to_script_json

PAGE_TEMPLATE = "conditions/condition_detail.html"
PAGE_FORMAT = "1"
"""Bump when the `head-meta` or `article` partials change, so fragments cached by older code go unused."""
PAGE_CACHE_SECONDS = 24 * 60 * 60


class HtmxHttpRequest(HttpRequest):  # for type checkers: a request that went through HtmxMiddleware
    htmx: HtmxDetails


def can_preview(user: User | AnonymousUser) -> bool:
    """Staff who may edit articles see drafts (with a banner); everyone else gets a 404."""
    return user.is_active and user.is_staff and user.has_perm("conditions.change_condition")


@require_safe
@vary_on_headers("HX-Request")
def condition_list(request: HtmxHttpRequest) -> HttpResponse:
    form = ConditionSearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    conditions = Condition.objects.published().defer("body_html")
    if query:
        conditions = conditions.search(query)
    template = "conditions/condition_list.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    return render(request, template, {"form": form, "query": query, "conditions": list(conditions)})


@require_safe
@vary_on_headers("HX-Request")
def condition_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    # Any status: the one query of a cached page. Visibility is decided just below.
    condition = Condition.objects.with_related_version().filter(slug=slug).first()
    if condition is None:
        return _old_address(request, slug)
    if not condition.is_published:
        if not can_preview(request.user):
            raise Http404("No published condition at this address.")
        return _draft_preview(request, condition)

    clinic = ClinicProfile.load()
    fragment_only = bool(request.htmx) and not request.htmx.history_restore_request
    version = _page_version(request, condition, clinic, "fragment" if fragment_only else "page")
    etag = f'W/"{version[:32]}"'
    changed = max(filter(None, [condition.updated_at, condition.related_changed]))
    last_modified = int(changed.timestamp())

    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        key = f"conditions:page:{version}"
        fragments = cache.get(key)
        if fragments is None:
            fragments = _render_fragments(request, condition, clinic, fragment_only=fragment_only)
            cache.set(key, fragments, PAGE_CACHE_SECONDS)
        if fragment_only:
            response = HttpResponse(fragments["article"])
        else:
            response = render(request, PAGE_TEMPLATE, _page_context(condition, fragments))
    if response.status_code in (200, 304):
        response.headers["ETag"] = etag
        response.headers["Last-Modified"] = http_date(last_modified)
        # Browsers may keep the page but must ask (cheaply: 304) before reusing it. Private
        # because every full page carries the visitor's own CSRF token.
        patch_cache_control(response, private=True, no_cache=True)
    return response


@require_safe
def figure_file(request: HtmxHttpRequest, name: str) -> FileResponse:
    """Serve a figure rendition when no web server does (`make run`); see README, "Media".

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


def _draft_preview(request: HtmxHttpRequest, condition: Condition) -> HttpResponse:
    clinic = ClinicProfile.load()
    fragments = _render_fragments(request, condition, clinic, fragment_only=False, preview=True)
    response = render(request, PAGE_TEMPLATE, _page_context(condition, fragments))
    add_never_cache_headers(response)  # private, no-store: a draft must not linger in any cache
    return response


def _page_version(request, condition: Condition, clinic: ClinicProfile, variant: str) -> str:
    """A digest of everything the cached fragments depend on; also the page's ETag.

    The article (its `updated_at` moves whenever it or any part changes), its related conditions
    (how many, and when the latest changed), the clinic details shown in the page, the address the
    absolute links are built on, and whether it is the full page or the htmx fragment (so the two
    never share a cache entry).
    """
    parts = [
        PAGE_FORMAT,
        variant,
        request.scheme,
        request.get_host(),
        str(condition.pk),
        article_body_version(condition=condition),  # updated_at, and the stored body's format
        str(condition.related_count),
        condition.related_changed.isoformat() if condition.related_changed else "-",
        clinic.name,
        clinic.phone,
        clinic.reply_time,
    ]
    return sha256("\x1f".join(parts).encode()).hexdigest()


def _render_fragments(
    request, condition: Condition, clinic: ClinicProfile, *, fragment_only: bool, preview: bool = False
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
        "related": list(
            condition.related.published().exclude(pk=condition.pk).only("name", "slug", "summary")
        ),
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


def _page_context(condition: Condition, fragments: dict[str, str]) -> dict:
    return {
        "condition": condition,
        "head_html": mark_safe(fragments["head"]),  # noqa: S308 (our templates' output)
        "article_html": mark_safe(fragments["article"]),  # noqa: S308
    }
