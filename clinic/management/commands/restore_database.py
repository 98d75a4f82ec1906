"""
Turn a backup made by `backup_database` into a database file ready to put in place
(docs/operations.md, "Backups and restore"): decrypted with DJANGO_BACKUP_KEY when it is
encrypted, checked, and written, readable by its owner only, to a new file. A SQLite backup becomes
the `db.sqlite3` to copy into place; a PostgreSQL one the dump for `pg_restore`.
"""

import os
import sqlite3
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from clinic import backups
from clinic.management.commands.backup_database import private_file

SQLITE_START = b"SQLite format 3\x00"
PG_DUMP_START = b"PGDMP"


class Command(BaseCommand):
    help = "Decrypt and check a backup, writing the database file (SQLite) or dump (PostgreSQL) to restore."

    def add_arguments(self, parser):
        parser.add_argument("backup", type=Path, help="The backup file that backup_database wrote.")
        parser.add_argument(
            "output",
            type=Path,
            help="The file to write, e.g. restored/db.sqlite3 (or restored/clinic.dump). Its folder must "
            "exist and the file must not.",
        )

    def handle(self, *args, backup: Path, output: Path, **options):
        if not backup.is_file():
            raise CommandError(f"There is no backup at {backup}.")
        if output.exists():
            raise CommandError(f"{output} already exists: choose a new name.")
        if not output.parent.is_dir():
            raise CommandError(f"The folder {output.parent} does not exist.")
        data = backup.read_bytes()
        encrypted = backups.is_encrypted(data)
        if encrypted:
            try:
                data = backups.decrypt(data)
            except (backups.BackupKeyError, ImproperlyConfigured) as error:
                raise CommandError(str(error)) from None
        if data.startswith(SQLITE_START):
            kind = "SQLite database"
        elif data.startswith(PG_DUMP_START):
            kind = "PostgreSQL dump (for pg_restore)"
        else:
            raise CommandError(f"{backup} is not a backup made by backup_database.")
        partial = output.with_name(f".{output.name}.partial")
        private_file(partial)
        try:
            partial.write_bytes(data)
            if kind == "SQLite database":
                self._check_sqlite(partial)
            os.link(partial, output)  # never replaces a file
        finally:
            partial.unlink(missing_ok=True)
        how = "decrypted" if encrypted else "not encrypted"
        self.stdout.write(self.style.SUCCESS(f"Wrote the {kind} from {backup} ({how}) to {output}."))

    def _check_sqlite(self, path: Path) -> None:
        connection = sqlite3.connect(path)
        try:
            (result,) = connection.execute("PRAGMA integrity_check").fetchone()
        finally:
            connection.close()
        if result != "ok":
            raise CommandError(f"The restored database failed its integrity check: {result}")
