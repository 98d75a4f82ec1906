"""Reader feedback ("Is this page useful?") per article and published version, and who may read it:
Editors and Clinical reviewers may view it; nobody may add or change it in the admin (readers
write it through the site), and only superusers delete it."""

import django.db.models.deletion
import django.utils.timezone
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

GROUPS = ["Editors", "Clinical reviewers"]


def view_permission(apps):
    return apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="conditions", codename="view_articlefeedback"
    )


def grant_view(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure the new model's exist.
    app_config = apps.get_app_config("conditions")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    app_config.models_module = None
    for group in apps.get_model("auth", "Group").objects.filter(name__in=GROUPS):
        group.permissions.add(*view_permission(apps))


def revoke_view(apps, schema_editor):
    for group in apps.get_model("auth", "Group").objects.filter(name__in=GROUPS):
        group.permissions.remove(*view_permission(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("conditions", "0010_search_index_and_synonyms"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.CreateModel(
            name="ArticleFeedback",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("useful", models.BooleanField(help_text='The reader\'s answer to "Is this page useful?"')),
                (
                    "comment",
                    models.TextField(
                        blank=True,
                        help_text='The reader\'s answer to "What was missing?", if they wrote one.',
                        max_length=500,
                    ),
                ),
                ("created_at", models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                (
                    "condition",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="feedback",
                        to="conditions.condition",
                    ),
                ),
                (
                    "version",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="feedback",
                        to="conditions.publishedversion",
                    ),
                ),
            ],
            options={
                "verbose_name": "reader feedback",
                "verbose_name_plural": "reader feedback",
                "ordering": ["-created_at"],
                "indexes": [models.Index(fields=["condition", "useful"], name="feedback_by_article")],
            },
        ),
        migrations.RunPython(grant_view, revoke_view),
    ]
