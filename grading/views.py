from urllib.parse import quote_plus, urlencode

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.middleware import HtmxDetails

from clinic.models import ClinicProfile
from clinic.pagecache import clinic_version, keep, page_version, recall
from grading.forms import (
    FREQUENCY_CHOICES,
    QUESTION_COUNT,
    SEVERITY_CHOICES,
    SeverityForm,
    answer_summary,
    initial_from_answers,
)
from grading.handoff import (
    JANKOVIC_FIELDS,
    SMC_FIELDS,
    CalculatorResult,
    HandoffError,
    load_result,
    result_from_answers,
    sign_result,
)

TEMPLATE = "grading/calculator.html"
# The SMC grades in a few plain words, for the I-IV picture (Lee et al. 2012, paraphrased).
GRADE_STEPS = [
    (1, "I", "Around one eye"),
    (2, "II", "Spread on one side of the face"),
    (3, "III", "Gets in the way of seeing"),
    (4, "IV", "Face pulled out of shape"),
]


ANSWER_FIELDS = (*SMC_FIELDS, *JANKOVIC_FIELDS)
# Answer sets the form accepted, by their raw values, with what it cleaned them to. The form is a
# pure function of these six values and accepts only exact choices, so there are at most
# 2 x 2 x 2 x 2 x 5 x 5 = 400 of them: each is validated once per process (building a form costs
# more than everything else in an htmx answer). Anything not accepted before goes to the form.
_ACCEPTED: dict[tuple[str | None, ...], dict] = {}

# The htmx result region for a full set of answers is cached per answers and day (see
# `_result_region`); the signed token in its links is filled in fresh for every request.
RESULT_CACHE_SECONDS = 24 * 60 * 60
RESULT_SLOT = "SignedResultGoesHere"  # a placeholder, replaced in every response
CSRF_SLOT = "CsrfTokenGoesHere"  # the same for the empty page's form token


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


# A result page carries health answers: private keeps shared caches out, no-cache makes the
# browser revalidate. Not no-store: that would keep the page out of the back-forward cache, so
# "back" to a re-rendered form would ask to resubmit it. Vary on HX-Request because one URL
# answers with a page or a fragment.
@require_http_methods(["GET", "HEAD", "POST"])
@vary_on_headers("HX-Request")
@cache_control(private=True, no_cache=True)
def calculator(request: HtmxHttpRequest) -> HttpResponse:
    """The severity calculator: questions, and the result of a signed `?result=` token.

    Without JavaScript a valid POST redirects (PRG) to `?result=<signed token>#result-heading`, so the back
    button never resubmits and nothing is stored. With htmx each change posts the answers and gets
    back only the result region.
    """
    if request.method == "POST":
        return _answer(request)
    token = request.GET.get("result")
    if token is None:
        return _empty_page(request)
    try:
        result = load_result(token)
    except HandoffError as error:
        context = {"form": SeverityForm(), "state": "empty", "handoff_error": str(error)}
        return render(request, TEMPLATE, context, status=400)
    form = SeverityForm(initial=initial_from_answers(result.answers))
    return render(request, TEMPLATE, {"form": form, **_result_context(result)})


def _empty_page(request: HtmxHttpRequest) -> HttpResponse:
    """The calculator with no answers yet: the same for everyone but the form's CSRF token.

    Rendering six questions of radio buttons costs ten times a cached page, so the page is
    rendered once per clinic details and build (clinic/pagecache.py) with a slot where the token
    goes, and each visitor's own token (and cookie) is filled in per request.
    """
    key = "grading:empty:" + page_version(clinic_version(ClinicProfile.load()))
    html = recall(key)
    if html is None:
        context = {"form": SeverityForm(), "state": "empty", "csrf_token": CSRF_SLOT}
        html = render(request, TEMPLATE, context).content.decode()
        keep(key, html, RESULT_CACHE_SECONDS)
    return HttpResponse(html.replace(CSRF_SLOT, get_token(request)))


def _answer(request: HtmxHttpRequest) -> HttpResponse:
    raw = tuple(request.POST.get(name) for name in ANSWER_FIELDS)
    answers = _ACCEPTED.get(raw)
    if answers is None:
        form = SeverityForm(request.POST)
        if form.is_valid():
            answers = _ACCEPTED[raw] = {name: form.cleaned_data[name] for name in ANSWER_FIELDS}
    if answers is not None:
        result = result_from_answers(answers, date=timezone.localdate())
        if request.htmx:
            return _result_region(result)
        return redirect(_result_url(sign_result(result)))
    if request.htmx:
        # Answers arrive one change at a time: an unfinished form is progress, not an error.
        state = "incomplete" if form.is_only_incomplete() else "check"
        context = {"form": form, "state": state, "question_count": QUESTION_COUNT, "announce": True}
        return render(request, f"{TEMPLATE}#result", context)
    # A value the page never offers means a made-up request: say so, with a 400.
    status = 400 if form.has_foreign_values() else 200
    return render(request, TEMPLATE, {"form": form, "state": "empty"}, status=status)


def _result_url(token: str) -> str:
    # The fragment names a focusable heading: browsers scroll to it and move focus there, so
    # screen readers start reading at the result even without JavaScript.
    return f"{reverse('grading:calculator')}?{urlencode({'result': token})}#result-heading"


def _result_region(result: CalculatorResult) -> HttpResponse:
    """The result region for htmx, rendered once per combination of answers and day.

    A patient changes one answer at a time and each change asks for the region again, and there
    are only a few hundred combinations: the rendered region is kept in the cache with a slot
    where the signed token goes, and the token is made (and its timestamp taken) for every
    request, exactly as an uncached render would. Rendered without the request, so nothing from
    one visitor can be served to another.
    """
    key = "grading:result:" + page_version(*sorted(result.answers.items()), result.date.isoformat())
    html = recall(key)
    if html is None:
        html = render_to_string(
            f"{TEMPLATE}#result", {**_result_context(result, token=RESULT_SLOT), "announce": True}
        )
        keep(key, html, RESULT_CACHE_SECONDS)
    # The links carry the token as urlencode() writes it; HTML escaping leaves it unchanged.
    return HttpResponse(html.replace(RESULT_SLOT, quote_plus(sign_result(result))))


def _result_context(result: CalculatorResult, *, token: str | None = None) -> dict:
    token = token or sign_result(result)
    return {
        "state": "result",
        "result": result,
        "answers": result.answers,
        "grade_steps": GRADE_STEPS,
        "answer_summary": answer_summary(result.answers),
        "severity_label": dict(SEVERITY_CHOICES)[str(result.jankovic.severity)],
        "frequency_label": dict(FREQUENCY_CHOICES)[str(result.jankovic.frequency)],
        "result_url": _result_url(token),
        "send_url": f"{reverse('contact:form')}?{urlencode({'result': token})}",
    }
