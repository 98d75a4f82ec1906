"""Keep the cached clinic profile in step with the database; keep the database's files private;
give the shared cache its table."""

import os
import stat
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db.backends.signals import connection_created
from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import receiver

from clinic.models import PROFILE_CACHE_KEY, ClinicProfile

OWNER_ONLY = stat.S_IRUSR | stat.S_IWUSR  # 0600


@receiver([post_save, post_delete], sender=ClinicProfile)
def forget_cached_profile(**kwargs) -> None:
    cache.delete(PROFILE_CACHE_KEY)


def sqlite_files(name: str) -> list[Path]:
    """The SQLite database file and the -wal and -shm files beside it (those that exist)."""
    if not name or name == ":memory:" or name.startswith("file:"):
        return []
    return [path for path in (Path(f"{name}{end}") for end in ("", "-wal", "-shm")) if path.exists()]


@receiver(connection_created)
def make_sqlite_files_private(sender, connection, **kwargs) -> None:
    """The SQLite database holds every enquiry: readable by the site's own user only. SQLite makes
    its -wal and -shm files with the database file's permissions, so setting them on the database
    when it is first opened (it is created empty at that moment) covers the others; any made
    before this existed are put right too."""
    if connection.vendor != "sqlite":
        return
    for path in sqlite_files(str(connection.settings_dict["NAME"])):
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            os.chmod(path, OWNER_ONLY)


@receiver(post_migrate)
def create_cache_tables(sender, using: str, **kwargs) -> None:
    """The database cache's table (settings.CACHES["shared"], when there is no Redis) comes with
    `migrate`, so no deployment step can forget it. createcachetable skips tables that exist."""
    if sender.name == "clinic" and any(
        options["BACKEND"].endswith("DatabaseCache") for options in settings.CACHES.values()
    ):
        call_command("createcachetable", database=using, verbosity=0)
