from django.contrib import admin
from django.http import HttpRequest

from clinic.models import ClinicProfile


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
