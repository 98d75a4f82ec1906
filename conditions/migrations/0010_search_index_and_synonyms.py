"""Search (conditions/search.py): synonyms editors keep, and the search index with its engine.

The engine part depends on the database: on SQLite, the FTS5 virtual table over SearchEntry and
the triggers that keep it in step (conditions.search.SQLITE_SCHEMA, the only SQL written by hand);
on PostgreSQL, a GIN index on SearchEntry.vector. The index is then filled from the live versions,
and the synonyms the clinic started with are added (editors change them in the admin).
"""

import django.contrib.postgres.search
import django.db.models.deletion
from django.contrib.auth.management import create_permissions
from django.contrib.postgres.indexes import GinIndex
from django.db import migrations, models

from conditions import search

GIN_INDEX = GinIndex(fields=["vector"], name="searchentry_vector_gin")

SYNONYMS = [
    "botox, botulinum toxin",
    "MVD, microvascular decompression",
    "HFS, hemifacial spasm, tic convulsif",
    "TN, trigeminal neuralgia, tic douloureux",
    "twitch, twitching, spasm",
    "face pain, facial pain",
]


def create_engine(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in search.SQLITE_SCHEMA:
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        schema_editor.add_index(apps.get_model("conditions", "SearchEntry"), GIN_INDEX)


def drop_engine(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in search.SQLITE_SCHEMA_DROP:
            schema_editor.execute(statement)
    elif vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("conditions", "SearchEntry"), GIN_INDEX)


def add_synonyms(apps, schema_editor):
    Synonym = apps.get_model("conditions", "Synonym")
    for terms in SYNONYMS:
        Synonym.objects.get_or_create(terms=terms)


def let_editors_keep_synonyms(apps, schema_editor):
    """Editors and clinical reviewers may add, change and delete synonyms."""
    app_config = apps.get_app_config("conditions")
    app_config.models_module = True  # permissions are normally made after all migrations
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="conditions",
        codename__in=[f"{action}_synonym" for action in ("add", "change", "delete", "view")],
    )
    for group in Group.objects.filter(name__in=["Editors", "Clinical reviewers"]):
        group.permissions.add(*permissions)


def fill_index(apps, schema_editor):
    search.index_rebuild(
        entry_model=apps.get_model("conditions", "SearchEntry"),
        version_model=apps.get_model("conditions", "PublishedVersion"),
    )


class Migration(migrations.Migration):

    dependencies = [
        ('conditions', '0009_clinical_reviewers_group'),
    ]

    operations = [
        migrations.CreateModel(
            name='Synonym',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('terms', models.CharField(help_text="Words or phrases that mean the same, separated by commas, e.g. 'HFS, hemifacial spasm'. Capitals and plurals do not matter. A search for any of them finds articles that use any of the others.", max_length=250, unique=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
            ],
            options={
                'ordering': ['terms'],
            },
        ),
        migrations.CreateModel(
            name='SearchEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('slug', models.SlugField(db_index=False, max_length=120)),
                ('name', models.CharField(max_length=120)),
                ('also_known_as', models.CharField(blank=True, max_length=250)),
                ('names', models.TextField(help_text='The name and the other names, searched first.')),
                ('summary', models.TextField()),
                ('body', models.TextField(help_text='The plain text of every section and treatment.')),
                ('vector', django.contrib.postgres.search.SearchVectorField(editable=False, null=True)),
                ('condition', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='conditions.condition')),
                ('version', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='conditions.publishedversion')),
            ],
            options={
                'verbose_name_plural': 'search entries',
                'ordering': ['name'],
            },
        ),
        migrations.RunPython(create_engine, drop_engine),
        migrations.RunPython(add_synonyms, migrations.RunPython.noop),
        migrations.RunPython(let_editors_keep_synonyms, migrations.RunPython.noop),
        migrations.RunPython(fill_index, migrations.RunPython.noop),
    ]
