"""
Settings for the clinic site: one file, everything that differs between environments read from
environment variables (see the table in README.md). Defaults are the safe choice: DEBUG is off,
HTTPS-only cookies and HSTS are on, and a missing secret key stops the site from starting.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    if value.strip().lower() in {"1", "true", "yes", "on"}:
        return True
    if value.strip().lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        # Fail loudly rather than sign sessions with a guessable key. `make run` generates a
        # local key in .secret_key; production must set its own.
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it (or DJANGO_DEBUG=1 for local debugging)."
        )
    SECRET_KEY = "django-insecure-debug-only-key-never-used-in-production"  # noqa: S105 (DEBUG only)

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # django.contrib.admin, with the staff app's admin site (two-factor sign-in) as admin.site.
    "staff.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before django.contrib.staticfiles so `runserver` also serves through whitenoise.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    # Full-text search on PostgreSQL (conditions/search.py); harmless on SQLite.
    "django.contrib.postgres",
    # Django's own form and widget templates, for the FORM_RENDERER below.
    "django.forms",
    "django_htmx",
    "axes",
    # The task queue in our own database (django.tasks backend + its `db_worker` command).
    "django_tasks_db",
    # Two-factor sign-in for staff: authenticator apps (TOTP) and recovery codes (static tokens).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "staff",  # after the django_otp plugins: its admin replaces theirs
    "clinic",
    "conditions",
    "grading",
    "contact",
]

MIDDLEWARE = [
    # First, so every request (static files included) gets an id and one log line.
    "clinic.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "clinic.middleware.PermissionsPolicyMiddleware",
    # Straight after SecurityMiddleware, as whitenoise's docs ask: static files skip the rest.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Says once, in the log, when a proxy is in front but DJANGO_TRUSTED_PROXY_COUNT is 0.
    "clinic.middleware.ForwardedForWarningMiddleware",
    # A file upload to a public page, or a body larger than any page takes, is refused from its
    # headers, before anything reads the body (so nothing is spooled to disk).
    "clinic.middleware.RequestBodyLimitMiddleware",
    # An address with a %00, or too long to be real, is a 400 before any view passes it on.
    "clinic.middleware.MalformedAddressMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session was signed in with a two-factor code.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Ends staff sessions idle for STAFF_SESSION_IDLE_MINUTES or older than STAFF_SESSION_MAX_HOURS.
    "staff.sessions.StaffSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "clinic.middleware.AdminNoIndexMiddleware",
    # Innermost, so a database outage inside any view becomes the calm 503 page.
    "clinic.middleware.DatabaseUnavailableMiddleware",
    # django-axes asks to be last: it turns a lockout into the friendly "locked out" page.
    "axes.middleware.AxesMiddleware",
]

# Widgets render with the project's template settings, so a widget's template lives in templates/
# like every other (the admin's Markdown editor: templates/admin/conditions/widgets/).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

ROOT_URLCONF = "clinic.urls"
WSGI_APPLICATION = "clinic.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "clinic.context_processors.clinic",
            ],
        },
    },
]

# SQLite in the project folder unless DATABASE_URL says otherwise (psycopg 3 for PostgreSQL).
# Persistent connections save a connect per request; health checks drop dead ones.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several gunicorn workers write to one SQLite file: WAL lets readers and a writer work at
    # once, the busy timeout makes a second writer wait instead of failing, and IMMEDIATE takes
    # the write lock at BEGIN so a transaction never has to upgrade (and deadlock) mid-way.
    # https://docs.djangoproject.com/en/6.1/ref/databases/#database-is-locked-errors
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA busy_timeout=20000;"
            "PRAGMA foreign_keys=ON;"
        ),
    }

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # gunicorn's threads (gunicorn.conf.py) would each keep a connection of their own open, 32 per
    # worker: more than PostgreSQL allows for a few servers. A pool per worker process (psycopg's,
    # through Django's "pool" option) shares a few between the threads; a thread waits up to 10 s
    # for one (then the calm 503 page). After an outage the pool tries to reconnect with a growing
    # pause, restarted every 15 s, so the site is back within seconds of the database.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        "pool": {
            "min_size": 2,
            "max_size": env_int("DJANGO_DB_POOL_SIZE", 8),
            "timeout": 10,
            "reconnect_timeout": 15,
        },
    }

# Redis (shared by every worker and machine) when configured; per-process memory otherwise.
CACHE_URL = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL", "")
if CACHE_URL:
    CACHES = {
        "default": {
            # django-redis: one connection pool per process (Django's own backend makes a client
            # per call), and a dead Redis ignored (below).
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "clinic",
            "OPTIONS": {
                # A dead or unreachable Redis must cost a request milliseconds, not seconds,
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
                # and must not fail it: a read is a miss, a write is skipped, and the error is
                # logged. Pages are served uncached; the enquiry rate limit lets enquiries through
                # (docs/operations.md, "Faults").
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    CONTACT_RATE_LIMIT_CACHE = "default"
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        # What every worker must count together without Redis (the enquiry rate limit): a table in
        # the database, which its `add` updates atomically. The file cache's `add` is a check then a
        # write, and let 11% more enquiries through in a race between two workers; see
        # docs/operations.md, "Limits". `migrate` creates the table (clinic.signals).
        "shared": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "clinic_shared_cache",
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        },
    }
    CONTACT_RATE_LIMIT_CACHE = "shared"

# The clinic profile is cached for every page. A shared cache (Redis) is cleared on save, so it can
# be kept until then; a per-process cache is cleared only in the worker that saved, so other workers
# re-read it after this many seconds (one query per worker per half minute).
CLINIC_PROFILE_CACHE_SECONDS = None if CACHE_URL else env_int("DJANGO_PROFILE_CACHE_SECONDS", 30)

# Staff logins go through django-axes first: after AXES_FAILURE_LIMIT failures for one user name
# from one address (a wrong two-factor code counts too), further attempts by that name from that
# address are refused (HTTP 429, with Retry-After) until the cool-off ends. Every failure and
# lockout is stored (Admin > Axes) and logged. `manage.py axes_reset` lifts lockouts.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("DJANGO_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("DJANGO_LOGIN_COOLOFF_MINUTES", 30))
# The pair, not either alone: nobody can lock a staff member out from another address by typing
# their name, and no address (a proxy, a clinic's shared connection) can lock out all staff.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The "Sign-in paused" page (admin/locked_out.html), with Retry-After.
AXES_LOCKOUT_CALLABLE = "clinic.signin.locked_out"
AXES_VERBOSE = True
# The same client address as the enquiry rate limit (honours DJANGO_TRUSTED_PROXY_COUNT).
AXES_CLIENT_IP_CALLABLE = "contact.ratelimit.client_ip"
# The user name as typed, cut to 150 characters: axes' own would overflow its column (a 500).
AXES_USERNAME_CALLABLE = "clinic.signin.attempted_username"

# Staff sessions end after this many minutes without a request, and this many hours after signing
# in whatever happens (staff.sessions); the admin's header says when. The cookie goes when the
# browser closes, too (shared computers at a clinic).
STAFF_SESSION_IDLE_MINUTES = env_int("DJANGO_STAFF_IDLE_MINUTES", 30)
STAFF_SESSION_MAX_HOURS = env_int("DJANGO_STAFF_SESSION_HOURS", 12)
SESSION_COOKIE_AGE = STAFF_SESSION_MAX_HOURS * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# The name authenticator apps show next to the codes for this site.
OTP_TOTP_ISSUER = "Neuro Asia Care staff"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-sg"
TIME_ZONE = "Asia/Singapore"
USE_I18N = True
USE_TZ = True
# One date format throughout (e.g. 21 Nov 2026): Django has no en_SG formats of its own.
FORMAT_MODULE_PATH = ["clinic.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
# Uploads (article figures) are readable by the site's own user only, like the database.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# Small uploads stay in memory; larger ones go to a temporary file that stops growing once the file
# passes a figure's 10 MB limit (clinic/uploads.py), so an oversized one is never stored in full.
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "clinic.uploads.CappedUploadHandler",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names plus gzip/brotli copies; whitenoise gives hashed files a one-year cache.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Mail ------------------------------------------------------------------------------------
# Django 6.1 mailers. With no SMTP host configured, mail is printed to the console (the local
# `make run` has no mail server); production sets DJANGO_EMAIL_HOST.
_smtp_host = os.environ.get("DJANGO_EMAIL_HOST", "")
if _smtp_host:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _smtp_host,
                "port": env_int("DJANGO_EMAIL_PORT", 587),
                "username": os.environ.get("DJANGO_EMAIL_USER", ""),
                "password": os.environ.get("DJANGO_EMAIL_PASSWORD", ""),
                "use_tls": env_bool("DJANGO_EMAIL_USE_TLS", True),
                # A slow mail server must never hold a patient's request for long.
                "timeout": env_int("DJANGO_EMAIL_TIMEOUT", 10),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "no-reply@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Tasks (django.tasks) are stored in the site's own database by django-tasks-db and run by its
# worker, `manage.py db_worker`, a process of its own (`make run` starts one; production runs it as
# a service: docs/operations.md). So a task is enqueued in the same transaction as the rows it is
# about, and no task (no mail) ever runs inside a patient's request. Not Django's default
# ImmediateBackend: that would run the mail inside the request.
# https://docs.djangoproject.com/en/6.1/topics/tasks/
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Security --------------------------------------------------------------------------------
# DJANGO_HTTPS is on by default: the site is served over HTTPS behind a proxy that sets
# X-Forwarded-Proto. `make run` turns it off because it serves plain HTTP on 127.0.0.1.
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Permissions-Policy (clinic.middleware.PermissionsPolicyMiddleware): the site uses none of these
# browser features, so every page and frame is denied all of them.
PERMISSIONS_POLICY = [
    "accelerometer",
    "autoplay",
    "bluetooth",
    "camera",
    "display-capture",
    "encrypted-media",
    "fullscreen",
    "geolocation",
    "gyroscope",
    "hid",
    "idle-detection",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "picture-in-picture",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "web-share",
    "xr-spatial-tracking",
]
CSRF_FAILURE_VIEW = "clinic.views.csrf_failure"

# Strict CSP: only our own origin, no inline script or style. The site has no inline <script>
# at all (htmx is a static file), so no nonce is needed and pages stay cacheable.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
if HTTPS:
    SECURE_CSP["upgrade-insecure-requests"] = True

# --- Logging ---------------------------------------------------------------------------------
# One line per request from clinic.access (no personal data: see clinic/middleware.py). Django's
# own request logger would repeat 4xx/5xx lines with the full URL, so it only reports errors.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "ERROR"},
    },
}

# --- Write-in enquiries (contact app) ----------------------------------------------------------
# Where "new enquiry" notices go (comma-separated). Empty: the clinic profile's email is used; if
# that is empty too, the notice is recorded as failed so coordinators see it in the admin.
CONTACT_COORDINATOR_EMAILS = env_list("DJANGO_COORDINATOR_EMAILS")
# The site's public address, e.g. https://www.example.sg, so the coordinators' notice can link to
# the enquiry in the admin (mail is sent outside a request, so the host is not known otherwise).
CONTACT_SITE_URL = os.environ.get("DJANGO_SITE_URL", "").rstrip("/")
# At most this many enquiries from one client address per window (seconds); counted in the cache
# CONTACT_RATE_LIMIT_CACHE names above (Redis, or the database), so every worker shares one count.
CONTACT_RATE_LIMIT = env_int("DJANGO_CONTACT_RATE_LIMIT", 5)
CONTACT_RATE_LIMIT_WINDOW = env_int("DJANGO_CONTACT_RATE_LIMIT_WINDOW", 600)
# "Is this page useful?" answers one client address may send per window (seconds), counted the
# same way: enough for someone reading every article, too few to flood the editors' list.
FEEDBACK_RATE_LIMIT = env_int("DJANGO_FEEDBACK_RATE_LIMIT", 20)
FEEDBACK_RATE_LIMIT_WINDOW = env_int("DJANGO_FEEDBACK_RATE_LIMIT_WINDOW", 600)
# The privacy notice's version (templates/clinic/privacy.html shows it): each enquiry records the
# version the patient agreed to. Change it whenever the notice's content changes. Not from the
# environment: it belongs to the notice, which ships with the code.
PRIVACY_NOTICE_VERSION = "2026-12-04"
# Retention (PDPA: keep personal data no longer than needed), carried out daily by `manage.py
# purge_enquiries` and stated on the privacy notice from these same two settings: an enquiry left
# open with no change for CONTACT_AUTO_CLOSE_MONTHS is closed, and a closed enquiry is deleted
# CONTACT_RETENTION_MONTHS after its last change.
CONTACT_RETENTION_MONTHS = env_int("DJANGO_CONTACT_RETENTION_MONTHS", 24)
CONTACT_AUTO_CLOSE_MONTHS = env_int("DJANGO_CONTACT_AUTO_CLOSE_MONTHS", 6)
if not 1 <= CONTACT_AUTO_CLOSE_MONTHS <= CONTACT_RETENTION_MONTHS:
    # Otherwise an enquiry left open could outlive the period the privacy notice promises.
    raise ImproperlyConfigured(
        "DJANGO_CONTACT_AUTO_CLOSE_MONTHS must be at least 1 and at most DJANGO_CONTACT_RETENTION_MONTHS."
    )
# A mail that fails is tried again after each of these delays in turn (seconds, comma-separated):
# 1, 5 and 15 minutes, then 1, 3, 6 and 12 hours: tries spread over 22 hours, so a mail server down
# for most of a day loses nothing. After the last one the mail stays "failed" in the admin, and
# `manage.py retry_notifications` queues another try by hand.
try:
    CONTACT_MAIL_RETRY_DELAYS = [
        int(delay) for delay in env_list("DJANGO_MAIL_RETRY_DELAYS", "60,300,900,3600,10800,21600,43200")
    ]
except ValueError:
    raise ImproperlyConfigured("DJANGO_MAIL_RETRY_DELAYS must be whole seconds, comma-separated.") from None
# How many reverse proxies in front of gunicorn append to X-Forwarded-For. 0 (default) trusts
# only REMOTE_ADDR: a header the client could forge must never choose whose rate limit applies.
# Required behind a proxy (docs/operations.md, "Reverse proxy"): with 0 there, every client has the
# proxy's address, and the site warns in its log at the first such request.
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)

# Backups (`manage.py backup_database`) are encrypted with the first of these Fernet keys when any
# is set; `restore_database` tries each, so an old key can stay listed after a new one is added.
BACKUP_KEYS = env_list("DJANGO_BACKUP_KEY")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Tests use a file, not SQLite's shared in-memory database, so the concurrency test exercises
    # real locking between connections, as several gunicorn workers would. (gitignored)
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".test-db.sqlite3")}
