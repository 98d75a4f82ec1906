from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Editors"
MODELS = ["condition", "section", "treatment", "urgencyadvice", "figure", "reference", "slugredirect"]
ACTIONS = ["add", "change", "view"]


def create_editors_group(apps, schema_editor):
    """Editors may add, change and view articles and their parts, and nothing else (no delete)."""
    # Permissions are normally created after all migrations; make sure ours exist already.
    app_config = apps.get_app_config("conditions")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    codenames = [f"{action}_{model}" for model in MODELS for action in ACTIONS if model != "slugredirect"]
    codenames.append("view_slugredirect")  # old addresses are made automatically, never by hand
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="conditions", codename__in=codenames)
    )


def remove_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("conditions", "0004_condition_constraints"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors_group, remove_editors_group)]
