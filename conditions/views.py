"""
Public condition pages, read only from published versions (`PublishedVersion.objects.published()`).

A condition page is one indexed read of the live version by its address, plus one read of the
live versions of the conditions it suggests, served by the page cache (clinic/pagecache.py) under
the ids of the versions it shows; only when it is not cached is the version's snapshot read and
rendered by the page template. The staff preview renders an unsaved version of the working copy,
built by the same function publishing uses, through the same template and code (`render_article`).

At the end of each article, "Is this page useful?" (`feedback_vote`, `feedback_comment`,
`feedback_thanks`): a plain form that works without JavaScript, swapped in place with htmx.
"""

import re
import string
from itertools import groupby
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.contrib.sitemaps import views as sitemap_views
from django.core import signing
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models.functions import Left, Upper
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
from django.utils.cache import add_never_cache_headers, patch_cache_control
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
from conditions.search import search, synonyms_version
from conditions.services import can_publish, version_build
from conditions.sitemaps import SITEMAPS
from conditions.snapshots import article_from_snapshot
from conditions.structured_data import medical_web_page, to_script_json
from contact.ratelimit import rate_limit_take

PAGE_TEMPLATE = "conditions/condition_detail.html"
FIGURE_MAX_AGE = 365 * 24 * 60 * 60
# The A-Z: with up to this many articles /conditions/ lists them all, grouped by letter; with more,
# it shows the first letter, and each letter has its own page. A letter's page lists at most
# AZ_PER_PAGE at a time (about 40 KB of HTML), then continues on a next page.
AZ_ALL_ON_ONE_PAGE = 100
AZ_PER_PAGE = 100
# Page numbers beyond this are read as 1 (they name no page, and would only fill the cache).
MAX_PAGE = 1000

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
def condition_list(request: HttpRequest) -> HttpResponse:
    """The conditions A-Z. An old search link (/conditions/?q=...) goes to the search page."""
    if "q" in request.GET:
        query = urlencode({"q": request.GET["q"]})
        return HttpResponsePermanentRedirect(f"{reverse('conditions:search')}?{query}")
    return _az(request, letter=None)


@require_safe
def condition_letter(request: HttpRequest, letter: str) -> HttpResponse:
    """The conditions whose names start with `letter` (a-z)."""
    return _az(request, letter=letter)


def _az(request: HttpRequest, *, letter: str | None) -> HttpResponse:
    # One aggregate query names what every A-Z page shows; the page itself is read only when the
    # cache has no copy of this version.
    number = _page_number(request)
    version = PublishedVersion.objects.content_version()

    def render_page() -> HttpResponse:
        return render(request, "conditions/condition_list.html", _az_context(letter, number, version[0]))

    return pagecache.cached_page(
        request, parts=["conditions-az", letter or "", number, version], render=render_page
    )


def _az_context(letter: str | None, number: int, live_count: int) -> dict:
    """Four queries, however many articles: the initials in use, then a page of articles."""
    live = PublishedVersion.objects.published()
    initials = set(live.annotate(initial=Upper(Left("name", 1))).values_list("initial", flat=True).distinct())
    articles = live.only("slug", "name", "summary", "also_known_as").order_by("name")
    if letter is None and live_count > AZ_ALL_ON_ONE_PAGE:
        letter = next((x for x in string.ascii_lowercase if x.upper() in initials), None)
    if letter is None:
        page = Paginator(articles, AZ_ALL_ON_ONE_PAGE).get_page(1)
    else:
        page = Paginator(articles.filter(name__istartswith=letter), AZ_PER_PAGE).get_page(number)
    groups = [
        {"initial": initial, "articles": list(group)}
        for initial, group in groupby(page.object_list, key=lambda version: version.name[:1].upper())
    ]
    letters = [
        {
            "letter": x.upper(),
            "url": reverse("conditions:letter", kwargs={"letter": x}) if x.upper() in initials else "",
            "current": x == letter,
        }
        for x in string.ascii_lowercase
    ]
    return {
        "form": ConditionSearchForm(),
        "letters": letters,
        "letter": letter.upper() if letter else "",
        "groups": groups,
        "page": page,
    }


def _page_number(request: HttpRequest) -> int:
    number = request.GET.get("page", "1")
    return int(number) if number.isdigit() and 1 <= int(number) <= MAX_PAGE else 1


@require_safe
@vary_on_headers("HX-Request")
def condition_search(request: HtmxHttpRequest) -> HttpResponse:
    """Search, as a plain GET form; htmx only swaps the results in as the patient types."""
    template = "conditions/condition_search.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    form = ConditionSearchForm(request.GET or None, live=True)
    if not form.is_valid():  # nothing typed yet, or too long: nothing to search or keep
        return render(request, template, {"form": form, "found": None})
    query, number = form.cleaned_data["q"], _page_number(request)

    def render_results() -> HttpResponse:
        return render(request, template, {"form": form, "found": search(query, number)})

    # The same query on the same articles and synonyms gives the same page: kept like the A-Z
    # (by the query as typed, which the search box shows again).
    parts = [
        "search",
        template,
        request.GET.get("q", ""),
        number,
        PublishedVersion.objects.content_version(),
        synonyms_version(),
    ]
    return pagecache.cached_page(request, parts=parts, render=render_results)


@require_safe
def sitemap_index(request: HttpRequest) -> HttpResponse:
    """/sitemap.xml: the index of the sitemap's sections and their pages."""
    return _cached_sitemap(request, sitemap_views.index, sitemap_url_name="sitemap-section")


@require_safe
def sitemap_section(request: HttpRequest, section: str) -> HttpResponse:
    """/sitemap-<section>.xml (?p=2 for its second page): Django's sitemap view."""
    return _cached_sitemap(request, sitemap_views.sitemap, section=section)


def _cached_sitemap(request: HttpRequest, view, **kwargs) -> HttpResponse:
    """The sitemap view's answer, rendered once per content version (and site address and page)
    and then served from the cache."""
    version = PublishedVersion.objects.content_version()

    def render_sitemap() -> HttpResponse:
        response = view(request, sitemaps=SITEMAPS, **kwargs)
        response.render()
        return response

    parts = [
        "sitemap",
        kwargs.get("section", ""),
        request.GET.get("p", ""),
        request.scheme,
        request.get_host(),
    ]
    response = pagecache.cached_page(request, parts=[*parts, version], render=render_sitemap)
    # A copy from the cache comes back as a plain response: say again what it is.
    response.headers["Content-Type"] = "application/xml"
    response.headers["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response


@require_safe
def condition_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # What the page shows, in one indexed read: the live version, the conditions it suggests (in
    # its snapshot) and when the clinic details were last saved. The whole version is read only
    # to render the page.
    shown = (
        PublishedVersion.objects.published()
        .filter(slug=slug)
        .values("pk", "snapshot", clinic_changed=ClinicProfile.changed_subquery())
        .order_by()
        .first()
    )
    if shown is None:
        return _old_address(request, slug)
    related = _related(shown["snapshot"].get("related", []))
    return pagecache.cached_page(
        request,
        parts=["condition", shown["pk"], *(version.pk for version in related)],
        clinic_changed=shown["clinic_changed"],
        render=lambda: render_article(request, PublishedVersion.objects.get(pk=shown["pk"]), related=related),
    )


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


def _related(ids: list[int]) -> list[PublishedVersion]:
    """The live versions of the suggested conditions, by name (drafts and unpublished ones left out)."""
    if not ids:
        return []
    return list(
        PublishedVersion.objects.published()
        .filter(condition_id__in=ids)
        .only("slug", "name", "summary")
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
