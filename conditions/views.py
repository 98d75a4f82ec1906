"""
Public condition pages, read only from published versions (`PublishedVersion.objects.published()`).

A condition page is one indexed read of the live version by its address, plus one read of the
live versions of the conditions it suggests, rendered from the version's snapshot by the page
template. Its ETag names what the page shows (the version, the suggested versions, the clinic
details and the build), so a browser that has the page gets a 304. The staff preview renders an
unsaved version of the working copy, built by the same function publishing uses, through the same
template and code (`render_article`).

At the end of each article, "Is this page useful?" (`feedback_vote`, `feedback_comment`,
`feedback_thanks`): a plain form that works without JavaScript, swapped in place with htmx.
"""

import hashlib
import re

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core import signing
from django.core.files.storage import default_storage
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.middleware import HtmxDetails

from clinic import pagecache
from clinic.models import ClinicProfile
from conditions import images
from conditions.forms import ConditionSearchForm, FeedbackCommentForm, FeedbackVoteForm
from conditions.models import (
    FIGURE_DIR,
    ArticleFeedback,
    Condition,
    PublishedFile,
    PublishedVersion,
    SlugRedirect,
)
from conditions.services import can_publish, version_build
from conditions.snapshots import article_from_snapshot
from conditions.structured_data import medical_web_page, to_script_json
from contact.ratelimit import rate_limit_take

PAGE_TEMPLATE = "conditions/condition_detail.html"
# Browsers may keep a page but must ask (cheaply: 304) before reusing it; shared caches may not.
CACHE_CONTROL = "private, no-cache"
FIGURE_MAX_AGE = 365 * 24 * 60 * 60
FEEDBACK_TEMPLATE = "conditions/feedback.html"
# The comment form carries its vote's id, signed: only whoever cast the vote can comment on it.
FEEDBACK_SALT = "conditions.feedback"
FEEDBACK_TOKEN_MAX_AGE = 60 * 60
# What each state of the feedback page says at the top (and in its <title>).
FEEDBACK_TITLES = {
    "comment": "Thank you for your answer",
    "thanks": "Thank you for your comment",
    "problem": "We could not record your answer",
    "busy": "Too many answers at once",
}


class HtmxHttpRequest(HttpRequest):  # for type checkers: a request that went through HtmxMiddleware
    htmx: HtmxDetails


def can_preview(user: User | AnonymousUser) -> bool:
    """Staff who may edit or publish articles see drafts (with a banner); everyone else gets a 404."""
    return (
        user.is_active
        and user.is_staff
        and (user.has_perm("conditions.change_condition") or can_publish(user))
    )


@require_safe
@vary_on_headers("HX-Request")
def condition_list(request: HtmxHttpRequest) -> HttpResponse:
    template = "conditions/condition_list.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    form = ConditionSearchForm(request.GET)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    conditions = (
        PublishedVersion.objects.published().only("slug", "name", "summary", "also_known_as").order_by("name")
    )
    if query:
        conditions = conditions.search(query)
    return render(request, template, {"form": form, "query": query, "conditions": list(conditions)})


@require_safe
def condition_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # The live version, and when the clinic details were last saved: the page shows them (header,
    # footer), so a worker whose cached copy is older reads them again, and an edit shows at once.
    version = (
        PublishedVersion.objects.published()
        .annotate(clinic_changed=ClinicProfile.changed_subquery())
        .filter(slug=slug)
        .first()
    )
    if version is None:
        return _old_address(request, slug)
    related = _related(version.related_ids)
    clinic = ClinicProfile.load(as_of=version.clinic_changed)
    etag, changed = _page_version(version, related, clinic)
    response = get_conditional_response(request, etag=etag, last_modified=int(changed.timestamp()))
    if response is None:
        response = render_article(request, version, related=related, clinic=clinic)
    if response.status_code in (200, 304):
        response.headers["ETag"] = etag
        response.headers["Last-Modified"] = http_date(changed.timestamp())
        response.headers["Cache-Control"] = CACHE_CONTROL
    return response


@never_cache
@require_safe
def condition_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The working copy exactly as publishing it would show it, for staff who may edit or publish."""
    if not can_preview(request.user):
        raise Http404("No such page.")
    condition = get_object_or_404(Condition, pk=pk)
    live = PublishedVersion.objects.published().filter(condition=condition).only("number").first()
    return render_article(
        request,
        version_build(condition=condition),
        mode="preview",
        extra={
            "live": live,
            "admin_url": reverse("admin:conditions_condition_change", args=[condition.pk]),
            "publish_url": reverse("admin:conditions_condition_publish", args=[condition.pk])
            if can_publish(request.user)
            else "",
        },
    )


def render_article(
    request: HttpRequest,
    version: PublishedVersion,
    *,
    related: list[PublishedVersion] | None = None,
    clinic: ClinicProfile | None = None,
    mode: str = "public",
    extra: dict | None = None,
) -> HttpResponse:
    """The page of a version: the live one (mode "public"), the working copy as an unsaved version
    ("preview") or a past one in the admin ("archive"). Anything but the public page is never
    cached and never indexed."""
    if related is None:
        related = _related(version.related_ids)
    article = article_from_snapshot(version.snapshot)
    url = request.build_absolute_uri(version.get_absolute_url())
    image_url = request.build_absolute_uri(article.share_image) if article.share_image else None
    clinic = clinic or ClinicProfile.load()
    context = {
        "version": version,
        "article": article,
        "related": related,
        "mode": mode,
        "clinic": clinic,  # the header and footer (the context processor's copy, read once)
        "canonical_url": url,
        "image_url": image_url,
        "json_ld": mark_safe(  # noqa: S308 (escaped for <script> by to_script_json)
            to_script_json(medical_web_page(version=version, url=url, clinic=clinic, image_url=image_url))
        ),
        **(extra or {}),
    }
    response = render(request, PAGE_TEMPLATE, context)
    if mode != "public":
        add_never_cache_headers(response)  # private, no-store: a draft must not linger in any cache
    return response


@require_safe
def figure_file(request: HttpRequest, name: str) -> FileResponse:
    """Serve a figure file: to everyone while a live version shows it, else only to staff who may
    preview drafts (see docs/operations.md, "Media").

    Only files in the figures folder, only by a plain file name with an image extension. The names
    carry a hash of the content, so public ones can be cached for a year.
    """
    match = re.fullmatch(r"[A-Za-z0-9_-]+\.(webp|png|jpg)", name)
    if not match:
        raise Http404("No such figure.")
    path = f"{FIGURE_DIR}/{name}"
    public = PublishedFile.objects.filter(
        name=path, version__in=PublishedVersion.objects.published()
    ).exists()
    if not (public or can_preview(request.user)) or not default_storage.exists(path):
        raise Http404("No such figure.")
    extension = {"jpg": "JPEG", "png": "PNG", "webp": "WEBP"}[match[1]]
    response = FileResponse(default_storage.open(path, "rb"), content_type=images.MIME_TYPES[extension])
    if public:
        patch_cache_control(response, public=True, max_age=FIGURE_MAX_AGE, immutable=True)
    else:
        add_never_cache_headers(response)  # a draft's figure: for this member of staff only
    return response


# "Is this page useful?" ---------------------------------------------------------------------------
#
# The article page is the same for every visitor (cached and shared), so its Yes / No form cannot
# carry a per-visitor CSRF token, and these two POST views are exempt from the CSRF check. That is
# safe here: they are anonymous (no session or cookie is read or set, so a forged request acts as
# nobody), they store no personal data, they are rate-limited per address, and the worst a forged
# request can do is add one vote. A comment can only be added to a vote through the signed token
# its voter was given, which plays the CSRF token's part for that form.


@csrf_exempt  # see above: anonymous, no session, no personal data, rate-limited
@require_POST
def feedback_vote(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """A Yes / No answer for the version the reader saw; then the optional comment form."""
    live = _live_for_feedback(slug)
    form = FeedbackVoteForm(request.POST)
    if not form.is_valid():
        return _feedback_page(request, live, state="problem", status=400)
    version = live
    if (number := form.cleaned_data["version"]) and number != live.number:
        version = (
            PublishedVersion.objects.filter(condition_id=live.condition_id, number=number).only("pk").first()
        )
        if version is None:
            return _feedback_page(request, live, state="problem", status=400)
    wait = rate_limit_take(
        request,
        scope="feedback",
        limit=settings.FEEDBACK_RATE_LIMIT,
        window=settings.FEEDBACK_RATE_LIMIT_WINDOW,
    )
    if wait:
        response = _feedback_page(request, live, state="busy", status=429)
        response.headers["Retry-After"] = str(wait)
        return response
    feedback = ArticleFeedback.objects.create(
        condition_id=live.condition_id, version=version, useful=form.cleaned_data["useful"]
    )
    token = signing.dumps(feedback.pk, salt=FEEDBACK_SALT)
    if request.htmx:
        return _feedback_page(
            request, live, state="comment", form=FeedbackCommentForm(initial={"token": token})
        )
    url = reverse("conditions:feedback-comment", kwargs={"slug": live.slug})
    return HttpResponseRedirect(f"{url}?token={token}")


@csrf_exempt  # the signed token ties the comment to its vote (see above)
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def feedback_comment(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """The comment form after a vote (GET: the thank-you page without JavaScript), and the comment."""
    live = _live_for_feedback(slug)
    if request.method != "POST":
        token = request.GET.get("token", "")
        if _feedback_id(token) is None:
            return _feedback_page(request, live, state="problem", status=400)
        return _feedback_page(
            request, live, state="comment", form=FeedbackCommentForm(initial={"token": token})
        )
    form = FeedbackCommentForm(request.POST)
    feedback_id = _feedback_id(request.POST.get("token", ""))
    if feedback_id is None:
        return _feedback_page(request, live, state="problem", status=400)
    if not form.is_valid():  # too long: the same form with its error
        return _feedback_page(request, live, state="comment", form=form)
    if comment := form.cleaned_data["comment"].strip():
        # Only once per vote, and only for a vote on this article.
        ArticleFeedback.objects.filter(pk=feedback_id, condition_id=live.condition_id, comment="").update(
            comment=comment
        )
    if request.htmx:
        return _feedback_page(request, live, state="thanks")
    return HttpResponseRedirect(reverse("conditions:feedback-thanks", kwargs={"slug": live.slug}))


@require_safe
def feedback_thanks(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    return _feedback_page(request, _live_for_feedback(slug), state="thanks")


def _live_for_feedback(slug: str) -> PublishedVersion:
    live = (
        PublishedVersion.objects.published()
        .filter(slug=slug)
        .only("pk", "condition_id", "number", "slug", "name")
    )
    return get_object_or_404(live)


def _feedback_id(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=FEEDBACK_SALT, max_age=FEEDBACK_TOKEN_MAX_AGE))
    except (signing.BadSignature, TypeError, ValueError):
        return None


def _feedback_page(
    request: HtmxHttpRequest,
    version: PublishedVersion,
    *,
    state: str,
    form: FeedbackCommentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The feedback page in one of its states, or (htmx) just that state's part, which replaces
    the Yes / No buttons in the article. htmx swaps only 2xx answers, so the part says what went
    wrong with a 200; without JavaScript the page keeps its real status (400, 429)."""
    template = FEEDBACK_TEMPLATE
    if request.htmx:
        template += f"#feedback-{state}"
        status = 200
    context = {"version": version, "state": state, "title": FEEDBACK_TITLES[state], "form": form}
    response = render(request, template, context, status=status)
    add_never_cache_headers(response)
    return response


def _page_version(version: PublishedVersion, related: list[PublishedVersion], clinic: ClinicProfile):
    """The page's ETag and when it last changed: from the ids of the versions it shows (a new
    version is a new id), the clinic details in its header and footer, and the build (templates
    and static file names)."""
    shown = [version, *related]
    parts = [pagecache.build_version(), settings.MEDIA_URL, clinic.updated_at, *(v.pk for v in shown)]
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:32]
    changed = max(v.published_at for v in shown)
    if clinic.updated_at:
        changed = max(changed, clinic.updated_at)
    return f'W/"{digest}"', changed


def _related(ids: list[int]) -> list[PublishedVersion]:
    """The live versions of the suggested conditions, by name (drafts and unpublished ones left out)."""
    if not ids:
        return []
    return list(
        PublishedVersion.objects.published()
        .filter(condition_id__in=ids)
        .only("slug", "name", "summary", "published_at")
        .order_by("name")
    )


def _old_address(request: HttpRequest, slug: str) -> HttpResponse:
    """An address a live article used to have redirects permanently to its current one."""
    old = SlugRedirect.objects.filter(old_slug=slug).values_list("condition_id", flat=True).first()
    live = old and PublishedVersion.objects.published().filter(condition_id=old).only("slug").first()
    if not live:
        raise Http404("No published condition at this address.")
    url = live.get_absolute_url()
    if query := request.META.get("QUERY_STRING"):
        url = f"{url}?{query}"
    return HttpResponsePermanentRedirect(url)
