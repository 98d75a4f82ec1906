"""The Clinical reviewers group, who sign off and publish; Editors may now also delete an article's
parts (removing a part changes only the draft, until a reviewer publishes it).

Editors: add, change and view articles and their parts, delete parts (not articles), view old
addresses. Clinical reviewers: all of that, and `publish_condition` (publish, unpublish,
republish, restore a version as a draft)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
REVIEWERS = "Clinical reviewers"
PARTS = ["section", "treatment", "urgencyadvice", "figure", "reference"]
EDITOR_CODENAMES = [
    *(f"{action}_{model}" for model in ["condition", *PARTS] for action in ["add", "change", "view"]),
    *(f"delete_{model}" for model in PARTS),
    "view_slugredirect",  # old addresses are made automatically, never by hand
]
REVIEWER_CODENAMES = [*EDITOR_CODENAMES, "publish_condition"]


def permissions(apps, codenames):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(content_type__app_label="conditions", codename__in=codenames)


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure ours (publish_condition) exist.
    app_config = apps.get_app_config("conditions")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    editors.permissions.set(permissions(apps, EDITOR_CODENAMES))
    reviewers, _ = Group.objects.get_or_create(name=REVIEWERS)
    reviewers.permissions.set(permissions(apps, REVIEWER_CODENAMES))


def remove_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name=REVIEWERS).delete()
    for editors in Group.objects.filter(name=EDITORS):
        editors.permissions.remove(*permissions(apps, [f"delete_{model}" for model in PARTS]))


class Migration(migrations.Migration):
    dependencies = [
        ("conditions", "0008_remove_old_publishing_fields"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
