"""The staff admin site: Django's, with two-factor sign-in and the session limits shown."""

from collections.abc import Callable
from functools import wraps

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.views.decorators.cache import never_cache

from staff import sessions, twofactor
from staff.forms import StaffLoginForm


class StaffAdminSite(admin.AdminSite):
    site_header = "Neuro Asia Care: staff"
    site_title = "Clinic staff"
    index_title = "Articles and enquiries"
    login_form = StaffLoginForm
    login_template = "staff/login.html"

    def has_permission(self, request: HttpRequest) -> bool:
        """Active staff, signed in with a code if their work needs one (see staff.twofactor)."""
        return super().has_permission(request) and twofactor.may_use_admin(request.user)

    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        # Someone who must use two-factor sign-in and has not set it up yet goes straight to
        # setting it up: until then the admin shows them nothing else.
        if request.method == "GET" and needs_setup(request):
            return HttpResponseRedirect(reverse("admin:two-factor-app", current_app=self.name))
        return super().login(request, extra_context)

    def each_context(self, request: HttpRequest) -> dict:
        context = super().each_context(request)
        context["session_limits"] = sessions.limits(request)
        context["two_factor_set_up"] = (
            twofactor.has_two_factor(request.user) if request.user.is_authenticated else False
        )
        return context

    def get_urls(self):
        from staff import views

        own = [
            path("two-factor/", self.staff_view(views.two_factor), name="two-factor"),
            path("two-factor/app/", self.staff_view(views.two_factor_app), name="two-factor-app"),
            path(
                "two-factor/recovery-codes/",
                self.staff_view(views.two_factor_recovery_codes),
                name="two-factor-recovery-codes",
            ),
        ]
        return own + super().get_urls()  # before the admin's catch-all

    def staff_view(self, view: Callable) -> Callable:
        """Like admin_view, but open to signed-in staff who have not finished two-factor sign-in
        yet (the pages that set it up)."""

        @wraps(view)
        def inner(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not (request.user.is_active and request.user.is_staff):
                return redirect_to_login(
                    request.get_full_path(), reverse("admin:login", current_app=self.name)
                )
            request.current_app = self.name
            return view(request, *args, **kwargs)

        return never_cache(inner)


def needs_setup(request: HttpRequest) -> bool:
    user = request.user
    return (
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and twofactor.two_factor_required(user)
        and not twofactor.has_two_factor(user)
    )
