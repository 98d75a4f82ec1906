from django.apps import AppConfig


class ConditionsConfig(AppConfig):
    name = "conditions"
    verbose_name = "Condition articles"

    def ready(self) -> None:
        from conditions import signals  # noqa: F401  (keeps updated_at in step with the parts)
