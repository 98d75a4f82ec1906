"""Staff members' two-factor devices in the admin, for the site administrator (superusers): who has
an app and recovery codes, and removing them when a phone is lost (the person then sets up a new
app at their next sign-in). Nobody can see or change a secret key or a recovery code here: each
person sets up their own, on their own two-factor page."""

from django.contrib import admin
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice


class DeviceAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__username", "user__email"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
    readonly_fields = fields
    list_select_related = ["user"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)  # django-otp's own shows the keys and tokens
    admin.site.register(model, DeviceAdmin)
