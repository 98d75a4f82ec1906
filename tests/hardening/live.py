"""The site as it runs in production, for fault tests: gunicorn (gunicorn.conf.py, production
settings, DEBUG off) in its own processes on 127.0.0.1, against a database of its own.

Databases are copied from a template migrated and seeded once per test session (a file copy for
SQLite, CREATE DATABASE ... TEMPLATE for PostgreSQL), so each test starts from the same state in
a fraction of a second.
"""

import http.client
import secrets
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from bench import server
from bench.server import ROOT, Gunicorn

PORTS = range(8300, 8400)  # the ports this project's tests may use
POSTGRES_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def free_port() -> int:
    """A port in PORTS that nothing listens on right now."""
    return server.free_port(PORTS)


def site_env(database_url: str, media_root: Path, **extra: str) -> dict[str, str]:
    """The environment of a production deployment, pointed at this database (and nothing else)."""
    return server.production_env(database_url=database_url, media_root=media_root, **extra)


def manage(env: dict[str, str], *args: str, timeout: float = 120) -> str:
    """Run a manage.py command; its output, or an AssertionError with everything it printed."""
    try:
        return server.manage(env, *args, timeout=timeout)
    except RuntimeError as error:
        raise AssertionError(str(error)) from None


def static_files_collected() -> None:
    """collectstatic once, unless the manifest is newer than every source file (production
    settings use the manifest storage, so a page without it would fail)."""
    server.collect_static(site_env("sqlite://:memory:", ROOT / "media"))


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: str


@dataclass
class Browser:
    """One visitor: own cookies, own CSRF secret (Django accepts an unmasked 32-character secret
    in the form when it matches the cookie, as a browser's form would carry)."""

    base: str
    cookies: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.csrf = secrets.token_hex(16)  # 32 characters
        self.cookies["csrftoken"] = self.csrf

    def request(self, method: str, path: str, data: dict | None = None, timeout: float = 60) -> Response:
        host, port = self.base.removeprefix("http://").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None:
            body = urlencode({**data, "csrfmiddlewaretoken": self.csrf}, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            raw = connection.getresponse()
            for header in raw.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return Response(raw.status, dict(raw.getheaders()), raw.read().decode(errors="replace"))
        finally:
            connection.close()

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, data: dict) -> Response:
        return self.request("POST", path, data)


class LiveSite:
    """gunicorn serving the site (bench/server.py); stdout (where the console mailer writes) and
    stderr (the logs) go to files in `folder`."""

    def __init__(self, env: dict[str, str], folder: Path, *, workers: int = 2) -> None:
        self.log_path, self.mail_path = folder / "site.log", folder / "mail.txt"
        self.server = Gunicorn(
            env=env, port=free_port(), log=self.log_path, stdout=self.mail_path, workers=workers
        )
        self.port, self.url, self.process = self.server.port, self.server.url, self.server.process
        try:
            self.server.wait_until_answering(timeout=30)
        except RuntimeError as error:
            raise AssertionError(str(error)) from None

    def browser(self) -> Browser:
        return Browser(self.url)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def mail(self) -> str:
        return self.mail_path.read_text(errors="replace")

    def stop(self) -> None:
        """End gunicorn and its workers at once: a test needs no graceful exit."""
        self.server.stop(graceful=False)
