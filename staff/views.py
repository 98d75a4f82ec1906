"""The staff member's own two-factor pages in the admin: what is set up, setting up an
authenticator app, and new recovery codes. Wrapped by StaffAdminSite.staff_view (signed-in staff)."""

import segno
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff import twofactor
from staff.forms import CodeForm

SETUP_DEVICE_KEY = "staff_two_factor_setup_device"


def _context(request: HttpRequest, title: str, **extra) -> dict:
    return {**admin.site.each_context(request), "title": title, **extra}


def _codes_page(request: HttpRequest, codes: list[str]) -> HttpResponse:
    return render(
        request,
        "staff/recovery_codes.html",
        _context(request, "Your recovery codes", codes=[f"{c[:4]} {c[4:]}" for c in codes]),
    )


@require_safe
def two_factor(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = _context(
        request,
        "Two-factor sign-in",
        app=TOTPDevice.objects.filter(user=user, confirmed=True).first(),
        codes_left=twofactor.recovery_codes_left(user),
        required=twofactor.two_factor_required(user),
        may_change=twofactor.may_change_devices(user),
    )
    return render(request, "staff/two_factor.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def two_factor_app(request: HttpRequest) -> HttpResponse:
    """Set up (or replace) the authenticator app: scan the code, then type the first code it shows.
    The new app is kept unconfirmed, and its id in the session, until that code is right."""
    user = request.user
    if not twofactor.may_change_devices(user):
        raise PermissionDenied("Sign in with your code before changing your two-factor sign-in.")
    device = TOTPDevice.objects.filter(
        pk=request.session.get(SETUP_DEVICE_KEY), user=user, confirmed=False
    ).first()
    form = CodeForm()
    if device is None:  # nothing under way (or it expired): a new secret, shown on this page
        device = twofactor.app_start(user=user)
        request.session[SETUP_DEVICE_KEY] = device.pk
    elif request.method == "POST":
        form = CodeForm(request.POST)
        if form.is_valid() and not device.verify_is_allowed()[0]:
            form.add_error(
                "code", "After a wrong code, please wait a few seconds, then type the code the app shows now."
            )
        elif form.is_valid():
            if twofactor.app_confirm(device=device, code=form.cleaned_data["code"]):
                del request.session[SETUP_DEVICE_KEY]
                request.session.cycle_key()  # more rights now: a new session id
                otp_login(request, device)
                if twofactor.recovery_codes_left(user) == 0:  # first time: codes for a lost phone
                    return _codes_page(request, twofactor.recovery_codes_new(user=user))
                messages.success(
                    request, "Your new authenticator app is set up; the old one no longer works."
                )
                return HttpResponseRedirect(reverse("admin:two-factor"))
            form.add_error(
                "code", "That code is not right. Check the app's clock and type the code it shows now."
            )
    context = _context(
        request,
        "Set up an authenticator app",
        form=form,
        qr_code=segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=4),
        secret=twofactor.secret_for_typing(device),
        required=twofactor.two_factor_required(user),
    )
    return render(request, "staff/two_factor_app.html", context)


@require_POST
def two_factor_recovery_codes(request: HttpRequest) -> HttpResponse:
    """Ten new recovery codes (the old ones stop working), shown once."""
    if not (twofactor.is_verified(request.user) and twofactor.has_two_factor(request.user)):
        raise PermissionDenied("Sign in with your code before making new recovery codes.")
    return _codes_page(request, twofactor.recovery_codes_new(user=request.user))
