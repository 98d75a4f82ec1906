from django.apps import apps
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.core.exceptions import BadRequest, ValidationError
from django.http import HttpRequest

from clinic.models import ClinicProfile, StaffProfile


@admin.register(ClinicProfile)
class ClinicProfileAdmin(admin.ModelAdmin):
    list_display = ["name", "phone", "email"]
    fieldsets = [
        (None, {"fields": ["name", "tagline"]}),
        ("How patients reach you", {"fields": ["phone", "email", "address", "opening_hours", "reply_time"]}),
    ]

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
