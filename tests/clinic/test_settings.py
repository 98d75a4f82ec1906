"""Settings come from the environment with safe defaults. Each case runs in a fresh interpreter."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "x" * 60 + "production-like-secret-key-for-tests",
    "DJANGO_ALLOWED_HOSTS": "www.clinic.example.sg",
    "DJANGO_EMAIL_HOST": "smtp.example.sg",
    "DATABASE_URL": "sqlite:///" + str(ROOT / ".test-db-deploy-check.sqlite3"),
}

READ_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
    "ENGINE": settings.DATABASES["default"]["ENGINE"],
    "DB_NAME": str(settings.DATABASES["default"]["NAME"]),
    "DB_OPTIONS": settings.DATABASES["default"].get("OPTIONS", {}),
    "CACHE": settings.CACHES["default"]["BACKEND"],
    "CACHE_LOCATION": settings.CACHES["default"].get("LOCATION"),
    "SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "HSTS": settings.SECURE_HSTS_SECONDS,
    "MAILER": settings.MAILERS["default"]["BACKEND"],
    "MAIL_OPTIONS": settings.MAILERS["default"].get("OPTIONS", {}),
    "TASKS": settings.TASKS["default"]["BACKEND"],
    "RETRY_DELAYS": settings.CONTACT_MAIL_RETRY_DELAYS,
}))
"""


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "CACHE_URL"))
    }
    clean["DJANGO_SETTINGS_MODULE"] = "clinic.settings"
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup();" + code],
        env={**clean, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def read_settings(env: dict[str, str]) -> dict:
    result = run_python(READ_SETTINGS, env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_missing_secret_key_with_debug_off_refuses_to_start():
    result = run_python("", {})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_defaults_are_safe_and_local():
    values = read_settings({"DJANGO_SECRET_KEY": "k"})
    assert values["DEBUG"] is False
    assert values["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost"]
    assert values["ENGINE"] == "django.db.backends.sqlite3"
    assert values["DB_NAME"].endswith("db.sqlite3")
    assert values["CACHE"] == "django.core.cache.backends.locmem.LocMemCache"
    # HTTPS-only behaviour is the default whenever DEBUG is off.
    assert values["SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["HSTS"] == 31_536_000
    assert values["MAILER"] == "django.core.mail.backends.console.EmailBackend"
    # Tasks (the enquiry mails) are stored in the database for the worker: never run in a request.
    assert values["TASKS"] == "django_tasks_db.DatabaseBackend"
    assert values["RETRY_DELAYS"] == [60, 300, 900, 3600, 10800, 21600, 43200]


def test_mail_retry_delays_are_read_as_seconds_and_nonsense_is_refused():
    values = read_settings({"DJANGO_SECRET_KEY": "k", "DJANGO_MAIL_RETRY_DELAYS": "1, 2,3"})
    assert values["RETRY_DELAYS"] == [1, 2, 3]
    result = run_python("", {"DJANGO_SECRET_KEY": "k", "DJANGO_MAIL_RETRY_DELAYS": "1m,5m"})
    assert result.returncode != 0
    assert "DJANGO_MAIL_RETRY_DELAYS must be whole seconds" in result.stderr


def test_enquiries_cannot_be_left_open_longer_than_they_are_kept():
    env = {"DJANGO_SECRET_KEY": "k", "DJANGO_CONTACT_AUTO_CLOSE_MONTHS": "30"}
    result = run_python("", env)
    assert result.returncode != 0
    assert "DJANGO_CONTACT_AUTO_CLOSE_MONTHS must be at least 1" in result.stderr


def test_sqlite_is_tuned_for_several_workers():
    options = read_settings({"DJANGO_SECRET_KEY": "k"})["DB_OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in options["init_command"]
    assert "busy_timeout" in options["init_command"]


def test_environment_overrides_database_cache_hosts_and_mail():
    values = read_settings(
        {
            "DJANGO_SECRET_KEY": "k",
            "DJANGO_ALLOWED_HOSTS": "a.example.sg, b.example.sg",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/clinic",
            "REDIS_URL": "redis://127.0.0.1:6379/3",
            "DJANGO_EMAIL_HOST": "smtp.example.sg",
            "DJANGO_EMAIL_PORT": "2525",
            "DJANGO_HTTPS": "0",
        }
    )
    assert values["ALLOWED_HOSTS"] == ["a.example.sg", "b.example.sg"]
    assert values["ENGINE"] == "django.db.backends.postgresql"
    # A pool per worker shared by its threads, instead of a connection kept by every thread.
    assert values["DB_OPTIONS"]["pool"]["max_size"] == 8
    assert values["CACHE"] == "django_redis.cache.RedisCache"
    assert values["CACHE_LOCATION"] == "redis://127.0.0.1:6379/3"
    assert values["MAILER"] == "django.core.mail.backends.smtp.EmailBackend"
    assert values["MAIL_OPTIONS"]["port"] == 2525
    assert values["MAIL_OPTIONS"]["timeout"] == 10
    assert values["SSL_REDIRECT"] is False
    assert values["HSTS"] == 0


def test_debug_without_secret_key_uses_a_debug_only_key():
    values = read_settings({"DJANGO_DEBUG": "1"})
    assert values["DEBUG"] is True
    assert values["SSL_REDIRECT"] is False


@pytest.mark.parametrize("value", ["maybe", "2"])
def test_a_malformed_boolean_is_refused(value):
    result = run_python("", {"DJANGO_SECRET_KEY": "k", "DJANGO_DEBUG": value})
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be a boolean" in result.stderr


def test_check_deploy_is_clean_with_production_values():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        env={**{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}, **PRODUCTION_ENV},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
