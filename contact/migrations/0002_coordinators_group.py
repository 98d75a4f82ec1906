"""The Coordinators group: view and handle enquiries, add and read notes, export. Nothing else."""

from django.db import migrations

GROUP = "Coordinators"
PERMISSIONS = [
    ("enquiry", "view_enquiry"),
    ("enquiry", "change_enquiry"),
    ("enquiry", "export_enquiry"),
    ("enquirynote", "add_enquirynote"),
    ("enquirynote", "view_enquirynote"),
]


def create_group(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations have run; make sure they exist now.
    app_config = apps.get_app_config("contact")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    for model, codename in PERMISSIONS:
        group.permissions.add(
            Permission.objects.get(content_type__app_label="contact", content_type__model=model, codename=codename)
        )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contact", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
