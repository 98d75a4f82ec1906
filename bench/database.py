"""A database and cache namespace of the benchmark's own, so a run never touches real data."""

import os
import urllib.parse
from collections.abc import Callable
from pathlib import Path


def prepare_database(
    env: dict[str, str], workdir: Path, name: str = "bench"
) -> tuple[str, Callable[[], None]]:
    """A fresh database: SQLite in the work folder, or a throwaway PostgreSQL database next to the
    one DATABASE_URL names (that one is never touched); `name` tells apart several in one run.
    Sets env["DATABASE_URL"]; returns the engine's name and a function that drops the database."""
    url = env.get("DATABASE_URL", "")
    if not url:
        env["DATABASE_URL"] = f"sqlite:///{workdir / f'{name}.sqlite3'}"
        return "sqlite", lambda: None
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("DATABASE_URL must be a PostgreSQL URL (or unset for SQLite)")
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = f"clinic_{name}_{os.getpid()}"
    admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    env["DATABASE_URL"] = urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))
    return "postgresql", drop


def forget_cache_keys(env: dict[str, str]) -> None:
    """Delete this run's keys from a shared Redis (they live under BENCH_CACHE_PREFIX)."""
    url = env.get("CACHE_URL") or env.get("REDIS_URL")
    if not url:
        return
    import redis

    client = redis.Redis.from_url(url)
    for key in client.scan_iter(match=f"{env['BENCH_CACHE_PREFIX']}:*", count=1000):
        client.delete(key)
