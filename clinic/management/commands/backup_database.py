"""
Write a consistent copy of the database while the site keeps running (docs/operations.md, "Backups and restore").

SQLite: `VACUUM INTO` writes a copy of the database from one read transaction, so it is
consistent even while gunicorn workers write to it (and compacted), and the copy is checked with
`PRAGMA integrity_check`. It runs through Django's own cursor; no extra package is needed. PostgreSQL: pg_dump in its custom format
(`-Fc`), which `pg_restore` reads; pg_dump comes with Debian's postgresql-client package.

The copy holds patients' personal data: it is written with owner-only permissions (0600), under a
temporary name until it is complete, and it never replaces an existing file. With DJANGO_BACKUP_KEY
set it is encrypted (clinic.backups); `manage.py restore_database` decrypts it again.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from clinic import backups


def private_file(path: Path) -> None:
    """Create `path` empty and readable by its owner only; O_EXCL: never someone else's file."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


class Command(BaseCommand):
    help = "Back up the database to a new file while the site runs (SQLite VACUUM INTO, or pg_dump -Fc)."

    def add_arguments(self, parser):
        parser.add_argument(
            "output",
            type=Path,
            help="The file to write, e.g. backups/clinic-2026-11-22.sqlite3 (or .dump for PostgreSQL). "
            "Its folder must exist and the file must not.",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Which database (default: default).")

    def handle(self, *args, output: Path, database: str, **options):
        if output.exists():
            raise CommandError(
                f"{output} already exists: a backup never overwrites a file. Choose a new name."
            )
        if not output.parent.is_dir():
            raise CommandError(f"The folder {output.parent} does not exist.")
        connection = connections[database]
        try:  # a malformed key stops the backup here, before any copying
            encrypting = backups.keys() is not None
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from None
        partial = output.with_name(f".{output.name}.partial")
        encrypted = output.with_name(f".{output.name}.encrypted")
        private_file(partial)  # before any data goes in
        try:
            if connection.vendor == "sqlite":
                self._back_up_sqlite(connection, partial)
            elif connection.vendor == "postgresql":
                self._back_up_postgresql(connection.settings_dict, partial)
            else:
                raise CommandError(f"Backups of {connection.vendor} databases are not supported.")
            if encrypting:
                private_file(encrypted)
                encrypted.write_bytes(backups.encrypt(partial.read_bytes()))
            os.link(encrypted if encrypting else partial, output)  # never replaces a file
        finally:
            partial.unlink(missing_ok=True)
            encrypted.unlink(missing_ok=True)
        size = output.stat().st_size
        how = "encrypted" if encrypting else "NOT encrypted (set DJANGO_BACKUP_KEY)"
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up the {connection.vendor} database to {output} ({size:,} bytes, {how})."
            )
        )

    def _back_up_sqlite(self, connection, target_path: Path) -> None:
        with connection.cursor() as cursor:  # into the empty private file made above
            cursor.execute("VACUUM INTO %s", [str(target_path)])
        target = sqlite3.connect(target_path)
        try:
            (result,) = target.execute("PRAGMA integrity_check").fetchone()
        finally:
            target.close()
        if result != "ok":
            raise CommandError(f"The copy failed its integrity check: {result}")

    def _back_up_postgresql(self, settings_dict: dict, target_path: Path) -> None:
        if shutil.which("pg_dump") is None:
            raise CommandError("pg_dump is not installed (Debian: apt-get install postgresql-client).")
        command = ["pg_dump", "--format=custom", f"--file={target_path}"]
        for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
            if settings_dict.get(key):
                command.append(f"{option}={settings_dict[key]}")
        command.append(settings_dict["NAME"])
        env = dict(os.environ)
        if settings_dict.get("PASSWORD"):
            env["PGPASSWORD"] = settings_dict["PASSWORD"]  # not on the command line, where ps shows it
        if sslmode := settings_dict.get("OPTIONS", {}).get("sslmode"):
            env["PGSSLMODE"] = sslmode
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
        if result.returncode != 0:
            raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
