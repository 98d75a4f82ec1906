"""On PostgreSQL, trigram indexes for the coordinators' search by part of a name or email address
(contact.inbox.search), so it reads the matching rows only instead of every enquiry.

Django's icontains on PostgreSQL is `UPPER(column::text) LIKE UPPER('%term%')`; a GIN index of
that same expression with pg_trgm's operator class answers it. SQLite needs nothing here: there the
search reads the column's ordinary index (migration 0003), a small part of the table.

pg_trgm ships with PostgreSQL and is a trusted extension (PostgreSQL 13+), so the site's database
user can add it. If it may not, the indexes are skipped with a message: search still works, it
just reads the whole table.
"""

import sys

from django.db import DatabaseError, migrations, transaction

INDEXES = {
    "enquiry_name_trgm_idx": "name",
    "enquiry_email_trgm_idx": "email",
}


def create_indexes(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as error:
        sys.stdout.write(f"\n  Skipped the trigram search indexes: pg_trgm is not available ({error}).\n")
        return
    for name, column in INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "contact_enquiry" '
            f'USING gin (UPPER("{column}"::text) gin_trgm_ops)'
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("contact", "0003_mail_per_notification_and_inbox_indexes")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
