"""The site as it runs in production, for fault tests: gunicorn (gunicorn.conf.py, production
settings, DEBUG off) in its own processes on 127.0.0.1, against a database of its own.

Databases are copied from a template migrated and seeded once per test session (a file copy for
SQLite, CREATE DATABASE ... TEMPLATE for PostgreSQL), so each test starts from the same state in
a fraction of a second.
"""

import http.client
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
PORTS = range(8300, 8400)  # the ports this project's tests may use
POSTGRES_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def free_port() -> int:
    """A port in PORTS that nothing listens on right now."""
    candidates = list(PORTS)
    random.shuffle(candidates)
    for port in candidates:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 8300-8399")


def site_env(database_url: str, media_root: Path, **extra: str) -> dict[str, str]:
    """The environment of a production deployment, pointed at this database (and nothing else)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "CACHE_URL", "GUNICORN_"))
    }
    env |= {
        "DJANGO_SECRET_KEY": "live-test-" + "k" * 50,
        "DJANGO_HTTPS": "0",
        "DJANGO_DEBUG": "0",
        "DJANGO_LOG_LEVEL": "INFO",
        "DJANGO_MEDIA_ROOT": str(media_root),
        "DJANGO_COORDINATOR_EMAILS": "coordinators@clinic.example.sg",
        "DATABASE_URL": database_url,
        "PYTHONPATH": str(ROOT),
        "PYTHONUNBUFFERED": "1",
    }
    return env | extra


def manage(env: dict[str, str], *args: str, timeout: float = 120) -> str:
    """Run a manage.py command; its output, or an AssertionError with everything it printed."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def static_files_collected() -> None:
    """collectstatic once, unless the manifest is newer than every source file (production
    settings use the manifest storage, so a page without it would fail)."""
    manifest = ROOT / "staticfiles" / "staticfiles.json"
    # The project's static files and the apps' own (conditions/static/: the admin's script and styles).
    sources = [*(ROOT / "static").rglob("*"), *ROOT.glob("*/static/**/*")]
    newest = max(path.stat().st_mtime for path in sources if path.is_file())
    if manifest.exists() and manifest.stat().st_mtime >= newest:
        return
    manage(site_env("sqlite://:memory:", ROOT / "media"), "collectstatic", "--noinput", "-v0", timeout=300)


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
    """gunicorn serving the site; stdout (where the console mailer writes) and stderr (the logs)
    go to files in `folder`."""

    def __init__(self, env: dict[str, str], folder: Path, *, workers: int = 2) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path, self.mail_path = folder / "site.log", folder / "mail.txt"
        command = [
            sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
            "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers), "clinic.wsgi",
        ]  # fmt: skip
        with self.log_path.open("w") as log, self.mail_path.open("w") as mail:
            # A session of its own, so stop() can end gunicorn's workers with it.
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=mail, stderr=log, start_new_session=True
            )
        self._wait_until_answering()

    def _wait_until_answering(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited with {self.process.returncode}:\n{self.log()}")
            try:
                Browser(self.url).get("/healthz")
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise AssertionError(f"gunicorn did not answer within {timeout}s:\n{self.log()}")

    def browser(self) -> Browser:
        return Browser(self.url)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def mail(self) -> str:
        return self.mail_path.read_text(errors="replace")

    def stop(self) -> None:
        """End gunicorn and its workers at once (their session only): a test needs no graceful exit."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
