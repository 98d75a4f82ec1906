from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.test import Client
from django.test.client import MULTIPART_CONTENT
from django.test.signals import template_rendered


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
    yield
    cache.clear()


@pytest.fixture
def rendered():
    """Names of the templates rendered while the test runs."""
    names = []

    def record(sender, template, **kwargs):
        names.append(template.name)

    template_rendered.connect(record)
    yield names
    template_rendered.disconnect(record)


def staff_login(client, user) -> None:
    """Sign `user` in on a test client as the admin's sign-in form does for someone with
    two-factor sign-in: a session verified by their authenticator app (made for them if they
    have none). Use it instead of `client.force_login` for anyone who opens the admin: coordinators
    and superusers may use the admin only with a verified session (staff.twofactor).

        def test_something(client, coordinator, staff_login):
            staff_login(client, coordinator)

    (or `from tests.conftest import staff_login` where a fixture does not fit)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test phone", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture(name="staff_login")
def staff_login_fixture():
    """The staff_login helper above, as a fixture."""
    return staff_login


class BrowserClient(Client):
    """Django's test client, posting a form as a browser does: URL-encoded, and as multipart only
    when it carries a file. (Django's client sends every dict as multipart, which the public pages
    refuse: clinic.middleware.RequestBodyLimitMiddleware.)"""

    def post(self, path, data=None, content_type=None, **extra):
        if content_type is None:
            data = {} if data is None else data
            has_file = isinstance(data, dict) and any(hasattr(value, "read") for value in data.values())
            if isinstance(data, dict) and not has_file:
                data, content_type = urlencode(data, doseq=True), "application/x-www-form-urlencoded"
            else:
                content_type = MULTIPART_CONTENT  # Django's client checks for this very object
        return super().post(path, data, content_type, **extra)


@pytest.fixture
def client() -> BrowserClient:
    """pytest-django's `client`, as a BrowserClient."""
    return BrowserClient()


@pytest.fixture
def admin_client(db, admin_user) -> BrowserClient:
    """pytest-django's `admin_client` (a superuser), signed in with two-factor as the admin requires:
    a client of its own, as pytest-django's is, so a test can use `client` for someone else."""
    client = BrowserClient()
    staff_login(client, admin_user)
    return client
