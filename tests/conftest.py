import pytest
from django.core.cache import cache
from django.test.signals import template_rendered

from clinic import pagecache


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # The manifest storage needs `collectstatic` first; tests serve static files unhashed.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    # Cached pages and the cached clinic profile must not leak from one test into the next.
    cache.clear()
    pagecache.recent.clear()
    yield
    cache.clear()
    pagecache.recent.clear()


@pytest.fixture
def rendered():
    """Names of the templates rendered while the test runs."""
    names = []

    def record(sender, template, **kwargs):
        names.append(template.name)

    template_rendered.connect(record)
    yield names
    template_rendered.disconnect(record)
