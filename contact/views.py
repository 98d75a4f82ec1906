import functools
import logging
import uuid

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.middleware import HtmxDetails

from contact.calculator import describe_result
from contact.forms import HONEYPOT_FIELD, EnquiryForm
from contact.models import Enquiry
from contact.ratelimit import rate_limit_take
from contact.references import new_reference
from contact.services import enquiry_submit

logger = logging.getLogger(__name__)

# The thank-you page shows only the reference this browser was given, kept in a signed cookie
# (not the session: that would cost a database write per enquiry): a guessed or shared
# thank-you URL reveals nothing, and a forged or edited cookie is ignored.
THANKS_COOKIE = "enquiry_reference"
THANKS_COOKIE_SALT = "contact.thanks"
THANKS_COOKIE_MAX_AGE = 60 * 60
# Fields checked inline (htmx, on change); the form works the same without it.
INLINE_FIELDS = ("name", "email", "phone", "message")


class HtmxHttpRequest(HttpRequest):  # for type hints, as django-htmx's docs suggest
    htmx: HtmxDetails


def _error_summary(form: EnquiryForm) -> list[tuple[str, str]]:
    """(anchor, message) pairs for the error summary: each links to the field it is about."""
    links = [("enquiry-form", str(error)) for error in form.non_field_errors()]
    for name, errors in form.errors.items():
        if name == "__all__":
            continue
        field = form[name]
        # A group of radios is reached through its first radio.
        is_radio = getattr(field.field.widget, "input_type", None) == "radio"
        anchor = f"{field.auto_id}_0" if is_radio else field.auto_id
        links += [(anchor, str(error)) for error in errors]
    return links


def _render_form(
    request: HttpRequest, form: EnquiryForm, *, rate_limited: bool = False, status: int = 200
) -> HttpResponse:
    context = {
        "form": form,
        "error_summary": _error_summary(form) if form.is_bound else [],
        "rate_limited": rate_limited,
        "calculator_lines": describe_result(form.calculator.as_data()) if form.calculator else [],
    }
    return render(request, "contact/form.html", context, status=status)


@functools.cache
def _thanks_path() -> str:
    return reverse("contact:thanks")


def _to_thanks(request: HttpRequest, reference: str) -> HttpResponseRedirect:
    response = HttpResponseRedirect(_thanks_path())
    response.set_signed_cookie(
        THANKS_COOKIE,
        reference,
        salt=THANKS_COOKIE_SALT,
        max_age=THANKS_COOKIE_MAX_AGE,
        path=_thanks_path(),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def enquiry_form(request: HtmxHttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _enquiry_post(request)
    # The article the patient came from (?condition=<its address>) is offered first and chosen;
    # an unknown or unpublished address is ignored (EnquiryForm).
    form = EnquiryForm(
        initial={"condition": request.GET.get("condition", ""), "submission_id": uuid.uuid4()},
        result_token=request.GET.get("result", ""),
    )
    return _render_form(request, form)


def _enquiry_post(request: HtmxHttpRequest) -> HttpResponse:
    if request.POST.get(HONEYPOT_FIELD):
        # A bot: discard silently, but answer like a success so it learns nothing.
        logger.info("enquiry form: honeypot filled, submission discarded")
        return _to_thanks(request, new_reference())
    form = EnquiryForm(request.POST)
    if not form.is_valid():
        return _render_form(request, form)
    data = form.cleaned_data
    if wait := rate_limit_take(request):
        # The same form again (double click, back-and-resend) is never refused: it was counted,
        # but it finds the enquiry it already made. Looked up only here, so that an ordinary
        # enquiry costs no query for it (enquiry_submit finds a re-sent form by itself).
        existing = Enquiry.objects.filter(submission_id=data["submission_id"]).values_list(
            "reference", flat=True
        )
        if existing:
            return _to_thanks(request, existing[0])
        logger.warning("enquiry form: rate limit reached")
        response = _render_form(request, form, rate_limited=True, status=429)
        response.headers["Retry-After"] = str(wait)
        return response
    enquiry = enquiry_submit(
        submission_id=data["submission_id"],
        name=data["name"],
        email=data["email"],
        phone=data["phone"],
        preferred_contact=data["preferred_contact"],
        condition=data["condition"],
        condition_other=data["condition_other"],
        message=data["message"],
        calculator_result=form.calculator_data(),
        consent=data["consent"],
    )
    return _to_thanks(request, enquiry.reference)


@never_cache
@require_safe
def enquiry_thanks(request: HtmxHttpRequest) -> HttpResponse:
    reference = request.get_signed_cookie(
        THANKS_COOKIE, default="", salt=THANKS_COOKIE_SALT, max_age=THANKS_COOKIE_MAX_AGE
    )
    if not reference:
        return redirect("contact:form")
    return render(request, "contact/thanks.html", {"reference": reference})


@never_cache
@require_POST
def enquiry_validate(request: HtmxHttpRequest, field: str) -> HttpResponse:
    """One field's group with its errors, for htmx to swap in when the patient leaves the field.
    The whole form is validated (some rules involve two fields); nothing is saved or counted."""
    if field not in INLINE_FIELDS:
        raise Http404("No such field.")
    form = EnquiryForm(request.POST)
    form.is_valid()
    return render(request, "contact/form.html#field-group", {"field": form[field], "validate": True})
