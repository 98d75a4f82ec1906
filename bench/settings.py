"""Benchmark settings: the production settings plus the floor view's URL. Used only by `make bench`."""

from clinic.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
