from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinic"

    def ready(self) -> None:
        from django.contrib import admin

        from clinic import signals  # noqa: F401  (connects the profile cache invalidation)
        from clinic.admin import guard_action_selections

        # The admin app (first in INSTALLED_APPS) has loaded every admin module by now.
        guard_action_selections(admin.site)
