from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.core.exceptions import BadRequest, ValidationError
from django.http import HttpRequest, HttpResponse

from clinic.models import ClinicProfile, StaffProfile


@admin.register(ClinicProfile)
class ClinicProfileAdmin(admin.ModelAdmin):
    list_display = ["name", "phone", "email", "missing_details"]
    fieldsets = [
        (None, {"fields": ["name", "tagline"]}),
        (
            "How patients reach you",
            {"fields": ["phone", "email", "address", "map_url", "opening_hours", "reply_time"]},
        ),
    ]

    @admin.display(description="not shown to patients (empty)")
    def missing_details(self, profile: ClinicProfile) -> str:
        return ", ".join(profile.missing_public_details()) or "-"

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None
    ) -> HttpResponse:
        # Only when the page is shown, not on the save that leaves it (its own message follows).
        profile = self.get_object(request, object_id)
        if request.method == "GET" and profile is not None and (missing := profile.missing_public_details()):
            messages.warning(
                request,
                f"Patients do not see these details because they are empty: {', '.join(missing)}. "
                "Fill them in to show them in the site's footer, on the home page and on the "
                "write-in page (and to search engines).",
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # One profile only: it is seeded, then edited.
        return super().has_add_permission(request) and not ClinicProfile.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class StaffProfileInline(admin.StackedInline):
    """How a member of staff is named to patients: clinical reviewers need it to publish."""

    model = StaffProfile
    can_delete = False
    # (One per user, so the admin heads the group with the singular name.)
    verbose_name = "staff profile (needed to sign off articles: the page shows this name and role)"


# Users are edited by superusers only (no group has the user permissions).
admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    inlines = [StaffProfileInline]


class CheckedSelectionMixin:
    """An admin action whose selection holds something that is not a record id (only a hand-made
    POST has that) is refused with a 400. Django's admin passed it to the database as it came,
    which raised a ValueError: a 500."""

    def response_action(self, request: HttpRequest, queryset, *args, **kwargs):
        for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
            try:  # a number, and one the database can hold
                self.opts.pk.run_validators(self.opts.pk.to_python(value))
            except ValidationError:
                raise BadRequest("An action's selection is not a list of record ids.") from None
        return super().response_action(request, queryset, *args, **kwargs)


def guard_action_selections(site: admin.AdminSite) -> None:
    """Give every model registered on `site` (ours, Django's users and groups, django-axes'
    logs) CheckedSelectionMixin. Runs once at start-up, after every app's admin module is loaded."""
    for model in apps.get_models():
        if not site.is_registered(model):
            continue
        registered = type(site.get_model_admin(model))
        if issubclass(registered, CheckedSelectionMixin):
            continue
        site.unregister(model)
        site.register(model, type(registered.__name__, (CheckedSelectionMixin, registered), {}))
