from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.middleware import HtmxDetails

from clinic import pagecache
from clinic.handout import page_address
from clinic.models import ClinicProfile
from grading.forms import (
    FREQUENCY_CHOICES,
    QUESTION_COUNT,
    SEVERITY_CHOICES,
    SeverityForm,
    answer_summary,
    initial_from_answers,
)
from grading.handoff import (
    CalculatorResult,
    HandoffError,
    load_result,
    result_from_answers,
    result_path,
    sign_result,
)
from grading.summary import GRADE_MEANING, GRADE_STEPS, result_as_text

TEMPLATE = "grading/calculator.html"
# The article this calculator belongs to: its treatments section, and the condition a result sent
# to the care coordinator is about.
CONDITION_SLUG = "hemifacial-spasm"


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


# A result page carries health answers: private keeps shared caches out, no-cache makes the
# browser revalidate. Not no-store: that would keep the page out of the back-forward cache, so
# "back" to a re-rendered form would ask to resubmit it. Vary on HX-Request because one URL
# answers with a page or a fragment. No CSRF check: a POST here only works out a result and
# changes nothing (Django's CSRF protection is for requests with side effects), so the form needs
# no per-visitor token, sets no cookie, and the page with the questions is cached for everyone.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
@vary_on_headers("HX-Request")
@cache_control(private=True, no_cache=True)
def calculator(request: HtmxHttpRequest) -> HttpResponse:
    """The severity calculator: questions, and the result of a signed `?result=` token.

    Without JavaScript a valid POST redirects (PRG) to `?result=<signed token>#result-heading`, so the back
    button never resubmits and nothing is stored. With htmx each change posts the answers and gets
    back only the result region (and the small parts of the page that follow it: the live
    region, the summary beside the questions, the print header).
    """
    if request.method == "POST":
        return _answer(request)
    token = request.GET.get("result")
    if token is None:
        return pagecache.cached_page(
            request,
            parts=["calculator"],
            render=lambda: render(request, TEMPLATE, {"form": SeverityForm(), "state": "empty"}),
        )
    try:
        result = load_result(token)
    except HandoffError as error:
        context = {"form": SeverityForm(), "state": "empty", "handoff_error": str(error)}
        return render(request, TEMPLATE, context, status=400)
    form = SeverityForm(initial=initial_from_answers(result.answers))
    # The page's own token, so that its printed address is the one in the address bar.
    return render(request, TEMPLATE, {"form": form, **_result_context(request, result, token=token)})


def _answer(request: HtmxHttpRequest) -> HttpResponse:
    form = SeverityForm(request.POST)
    if form.is_valid():
        result = result_from_answers(form.cleaned_data, date=timezone.localdate())
        if not request.htmx:
            # The fragment names a focusable heading: browsers scroll to it and move focus there,
            # so screen readers start reading at the result, without JavaScript.
            return redirect(result_path(sign_result(result)) + "#result-heading")
        return render(request, f"{TEMPLATE}#result", {**_result_context(request, result), "announce": True})
    if request.htmx:
        # Answers arrive one change at a time: an unfinished form is progress, not an error.
        state = "incomplete" if form.is_only_incomplete() else "check"
        context = {"form": form, "state": state, "question_count": QUESTION_COUNT, "announce": True}
        return render(request, f"{TEMPLATE}#result", context)
    # A value the page never offers means a made-up request: say so, with a 400.
    status = 400 if form.has_foreign_values() else 200
    return render(request, TEMPLATE, {"form": form, "state": "check"}, status=status)


def _result_context(request: HttpRequest, result: CalculatorResult, *, token: str = "") -> dict:
    token = token or sign_result(result)
    path = result_path(token)
    answers = answer_summary(result.answers)
    address = page_address(request, path)
    return {
        "state": "result",
        "result": result,
        "answers": result.answers,
        "grade_steps": GRADE_STEPS,
        "grade_meaning": GRADE_MEANING.get(result.smc.grade, ""),
        "answer_summary": answers,
        "severity_label": dict(SEVERITY_CHOICES)[str(result.jankovic.severity)],
        "frequency_label": dict(FREQUENCY_CHOICES)[str(result.jankovic.frequency)],
        "result_url": f"{path}#result-heading",
        # The printout's address and QR code lead back to this result, not to an empty calculator.
        "print_path": path,
        "send_url": f"{reverse('contact:form')}?{urlencode({'condition': CONDITION_SLUG, 'result': token})}",
        "condition_slug": CONDITION_SLUG,
        "result_text": result_as_text(
            result, answers=answers, address=address, clinic_name=ClinicProfile.load().name
        ),
    }
