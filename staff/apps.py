from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class StaffConfig(AppConfig):
    """Staff sign-in: two-factor codes (django-otp), session limits, the admin site that uses them."""

    name = "staff"
    verbose_name = "Staff sign-in"
    default = True

    def ready(self) -> None:
        from staff import signals  # noqa: F401  (stamps the sign-in time on every staff session)


class StaffAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with our site as `admin.site`, so every app's @admin.register lands on
    it (https://docs.djangoproject.com/en/6.1/ref/contrib/admin/#overriding-default-admin-site)."""

    default = False
    default_site = "staff.sites.StaffAdminSite"
