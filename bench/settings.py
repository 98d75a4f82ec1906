"""Benchmark settings: the production settings plus the floor view's URL. Used only by `make bench`.

Everything else is the production configuration (clinic/settings.py, from the same environment
variables); the differences are only what a load test needs.
"""

import os

from clinic.settings import *  # noqa: F403
from clinic.settings import CACHES, LOGGING, MIDDLEWARE

# The floor view (bench/views.py) exists only here.
ROOT_URLCONF = "bench.urls"

if os.environ.get("BENCH_CACHE") == "none":
    # The "cold" server: no cache at all, so every request renders its page from the database.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
elif "KEY_PREFIX" in CACHES["default"]:
    # A shared Redis: keep this run's keys apart from anything else stored there.
    CACHES["default"]["KEY_PREFIX"] = os.environ.get("BENCH_CACHE_PREFIX", "clinic-bench")

if "BENCH_MIDDLEWARE_COUNT" in os.environ:
    # The bare floor (0: no middleware at all) and the middleware shares (the first N of the site's).
    MIDDLEWARE = MIDDLEWARE[: int(os.environ["BENCH_MIDDLEWARE_COUNT"])]

# Warnings and errors only: Django's own loggers (e.g. django.tasks, one INFO line per task)
# would otherwise print a line per enquiry and measure the terminal.
LOGGING = {**LOGGING, "loggers": {**LOGGING["loggers"], "django": {"level": "WARNING"}}}
