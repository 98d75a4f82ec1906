import os
import shutil
import uuid
from html.parser import HTMLParser
from urllib.parse import unquote, urlencode

import psycopg
import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User

from clinic.middleware import MAX_ADDRESS_LENGTH, PUBLIC_BODY_MAX
from conditions.models import Condition
from contact.models import COORDINATORS_GROUP
from tests.conditions.factory import make_condition
from tests.conftest import BrowserClient, staff_login
from tests.hardening.live import POSTGRES_ADMIN, LiveSite, manage, site_env, static_files_collected

EDITORS_GROUP = "Editors"  # made by conditions/migrations/0005_editors_group.py
REFUSED_ADDRESS = "could not understand that request"  # templates/400.html


def address(path: str, query: dict | None = None) -> str:
    """The path with its query string, encoded as the test client (and a browser) would."""
    return f"{path}?{urlencode(query, doseq=True)}" if query else path


def refused_address(url: str) -> bool:
    """Whether clinic.middleware.MalformedAddressMiddleware answers 400 before any view: a NUL
    anywhere in the address, or an address longer than gunicorn would accept."""
    path, _, query = url.partition("?")
    return "\x00" in unquote(url) or len(unquote(path)) + len(query) > MAX_ADDRESS_LENGTH


def refused_as_too_large(response, data: dict) -> bool:
    """Whether `data` is larger than any public form takes, and was refused unread with the
    friendly 413 (clinic.middleware.RequestBodyLimitMiddleware): the catalogue's longest values."""
    if len(urlencode(data, doseq=True)) <= PUBLIC_BODY_MAX:
        return False
    assert response.status_code == 413
    assert "too much to send" in response.content.decode()
    return True


def assert_not_a_server_error(response, *, what: str = "") -> None:
    """Never a 500, and never Django's technical pages (a traceback or the settings)."""
    assert response.status_code < 500, f"{what}: {response.status_code}"
    body = response.content.decode(errors="replace") if not getattr(response, "streaming", False) else ""
    assert "Traceback" not in body, what
    if len(settings.SECRET_KEY) >= 16:  # a one-letter key for a quick local run is in any page
        assert settings.SECRET_KEY not in body, what


@pytest.fixture
def open_rate_limit(settings):
    # The catalogue sends far more valid enquiries than the per-address limit allows.
    settings.CONTACT_RATE_LIMIT = 100_000
    settings.CONTACT_COORDINATOR_EMAILS = ["coordinators@clinic.example.sg"]


@pytest.fixture
def draft(db) -> Condition:
    return make_condition(name="Secret draft", slug="secret-draft", publish=False)


def staff_member(username: str, group: str) -> User:
    # No password (tests sign in with staff_login): hashing one is slow on purpose.
    user = User.objects.create_user(username=username, password=None, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor(db) -> User:
    return staff_member("editor", EDITORS_GROUP)


@pytest.fixture
def coordinator(db) -> User:
    return staff_member("coordinator", COORDINATORS_GROUP)


@pytest.fixture
def superuser(db) -> User:
    return User.objects.create_superuser("boss", password=None, email="boss@clinic.example.sg")


def signed_in(user: User | None) -> BrowserClient:
    client = BrowserClient()
    if user is not None:
        staff_login(client, user)
    return client


class _ActiveContentFinder(HTMLParser):
    SCHEMES = ("javascript:", "data:", "vbscript:")
    URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "srcset"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag in ("iframe", "object", "embed", "base"):
            self.found.append(f"<{tag}>")
        if tag == "script" and not attributes.get("src") and attributes.get("type") != "application/ld+json":
            self.found.append("inline <script>")
        for name, value in attributes.items():
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=>")
            if name in self.URL_ATTRIBUTES and value.strip().lower().startswith(self.SCHEMES):
                self.found.append(f"<{tag} {name}={value[:30]}>")


def active_content(html: str) -> list[str]:
    """Anything in a page that could run script: inline <script>, event-handler attributes,
    javascript:/data: links and sources, frames and embeds. Escaped text is not found."""
    finder = _ActiveContentFinder()
    finder.feed(html)
    return finder.found


# --- Live sites and their databases (fault, concurrency and backup tests) -------------------------


def postgres_admin():
    """A connection to the PostgreSQL server's maintenance database, or a skip saying why not."""
    try:
        return psycopg.connect(POSTGRES_ADMIN, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        pytest.skip(f"PostgreSQL does not answer on 127.0.0.1:5432: {error}".strip())


def postgres_url(name: str) -> str:
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def drop_postgres_database(name: str) -> None:
    with postgres_admin() as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def collected_static() -> None:
    static_files_collected()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """A migrated SQLite database with the seeded articles, made once per session."""
    folder = tmp_path_factory.mktemp("sqlite-template")
    path = folder / "template.sqlite3"
    env = site_env(f"sqlite:///{path}", folder / "media")
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "seed_content")
    return path


@pytest.fixture(scope="session")
def postgres_template(tmp_path_factory):
    """The same, as a PostgreSQL template database (skips when no server answers)."""
    postgres_admin().close()
    name = f"hardening_template_{os.getpid()}"
    drop_postgres_database(name)
    with postgres_admin() as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    env = site_env(postgres_url(name), tmp_path_factory.mktemp("pg-template-media"))
    try:
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "seed_content")
        yield name
    finally:
        drop_postgres_database(name)


@pytest.fixture
def sqlite_database(sqlite_template, tmp_path) -> str:
    copy = tmp_path / "site.sqlite3"
    shutil.copyfile(sqlite_template, copy)
    return f"sqlite:///{copy}"


@pytest.fixture
def postgres_database(postgres_template):
    name = f"hardening_{uuid.uuid4().hex[:12]}"
    with postgres_admin() as connection:
        connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{postgres_template}"')
    try:
        yield postgres_url(name)
    finally:
        drop_postgres_database(name)


@pytest.fixture
def start_site(collected_static, tmp_path):
    """start_site(database_url, workers=2, **env) -> a running LiveSite; all stopped afterwards."""
    started = []

    def start(database_url: str, *, workers: int = 2, **env: str):
        folder = tmp_path / f"site-{len(started)}"
        folder.mkdir()
        site = LiveSite(site_env(database_url, folder / "media", **env), folder, workers=workers)
        started.append(site)
        return site

    yield start
    for site in started:
        site.stop()
