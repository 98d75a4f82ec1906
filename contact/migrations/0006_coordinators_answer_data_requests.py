"""Coordinators answer patients' data requests (PDPA): the new answer_data_request permission."""

from django.db import migrations

GROUP = "Coordinators"
CODENAME = "answer_data_request"


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations have run; make sure this one exists now.
    app_config = apps.get_app_config("contact")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.get(content_type__app_label="contact", codename=CODENAME)
    for group in Group.objects.filter(name=GROUP):
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for permission in Permission.objects.filter(content_type__app_label="contact", codename=CODENAME):
        permission.group_set.clear()


class Migration(migrations.Migration):
    dependencies = [("contact", "0005_access_trail_and_notice_version")]

    operations = [migrations.RunPython(grant, revoke)]
