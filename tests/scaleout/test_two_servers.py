"""
Two app servers, one PostgreSQL database, one Redis cache: the production shape, on one machine.

Starts two gunicorn instances on loopback ports against the same (throwaway) PostgreSQL database
and Redis database, with the production settings, and checks what must hold when a load balancer
spreads patients and staff over them: a staff login is valid on both, the enquiry rate limit
counts across both, enquiries sent to both are all stored with their own references, and an article
published (or clinic details saved) through one is served at once by the other.

The servers sit behind an imaginary proxy (DJANGO_TRUSTED_PROXY_COUNT=1), so each test can speak
for a client address of its own in X-Forwarded-For. Skipped, with the reason, when PostgreSQL
(postgres@127.0.0.1:5432) or Redis (127.0.0.1:6379) does not answer.
"""

import http.cookiejar
import os
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path

import pytest

from bench.server import Gunicorn, collect_static, free_port

ROOT = Path(__file__).resolve().parents[2]
POSTGRES = "postgresql://postgres@127.0.0.1:5432"
REDIS = "redis://127.0.0.1:6379"
REDIS_DATABASES = range(15, 7, -1)  # the test claims an empty one, and empties it again after
PORTS = range(8240, 8300)
RATE_LIMIT = 3
STAFF = ("scaleout-editor", "a-long-pass-phrase-for-tests")
RECOVERY_CODES = (
    "from django.contrib.auth.models import User; from staff.twofactor import recovery_codes_new; "
    f"print(','.join(recovery_codes_new(user=User.objects.get(username='{STAFF[0]}'))))"
)
RECOVERY: list[str] = []  # unused recovery codes of the STAFF superuser
CONDITION = "/conditions/hemifacial-spasm/"


def _postgres_and_redis_answer() -> str:
    """Empty when both answer; otherwise why not."""
    try:
        import psycopg

        psycopg.connect(f"{POSTGRES}/postgres", connect_timeout=3).close()
    except Exception as error:
        return f"PostgreSQL does not answer at 127.0.0.1:5432 ({type(error).__name__})"
    try:
        import redis

        redis.Redis.from_url(f"{REDIS}/0", socket_connect_timeout=3).ping()
    except Exception as error:
        return f"Redis does not answer at 127.0.0.1:6379 ({type(error).__name__})"
    return ""


def _claim_redis_database():
    """An empty Redis database of our own (another run of this test may be using one)."""
    import redis

    for number in REDIS_DATABASES:
        client = redis.Redis.from_url(f"{REDIS}/{number}")
        if client.dbsize() == 0 and client.set("scaleout-test", os.getpid(), nx=True, ex=3600):
            if client.dbsize() == 1:
                return number, client
            client.delete("scaleout-test")
    pytest.skip(f"no empty Redis database among {list(REDIS_DATABASES)}")


def _free_ports(count: int) -> list[int]:
    found: list[int] = []
    while len(found) < count:
        port = free_port(PORTS)
        if port not in found:
            found.append(port)
    return found


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """Two gunicorn instances sharing a fresh PostgreSQL database and a flushed Redis database."""
    if reason := _postgres_and_redis_answer():
        pytest.skip(f"scale-out test needs PostgreSQL and Redis: {reason}")
    import psycopg

    name = f"clinic_scaleout_{os.getpid()}"
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    redis_database, cache = _claim_redis_database()
    workdir = tmp_path_factory.mktemp("scaleout")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "clinic.settings",
        "DJANGO_SECRET_KEY": "scale-out-test-" + uuid.uuid4().hex * 2,  # one key for both servers
        "DJANGO_HTTPS": "0",
        "DJANGO_DEBUG": "0",
        "DATABASE_URL": f"{POSTGRES}/{name}",
        "REDIS_URL": f"{REDIS}/{redis_database}",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_TRUSTED_PROXY_COUNT": "1",
        "DJANGO_CONTACT_RATE_LIMIT": str(RATE_LIMIT),
        "DJANGO_COORDINATOR_EMAILS": "coordinator@example.sg",
        "DJANGO_MEDIA_ROOT": str(workdir / "media"),
        "DJANGO_LOG_LEVEL": "WARNING",
        "GUNICORN_ACCESSLOG": "",
        "WEB_CONCURRENCY": "2",
        "PYTHONPATH": str(ROOT),
    }
    servers = []
    try:
        manage = [sys.executable, str(ROOT / "manage.py")]
        for step in (["migrate", "--noinput", "-v0"], ["seed_content"]):
            subprocess.run([*manage, *step], env=env, cwd=ROOT, check=True, capture_output=True)
        collect_static(env)
        subprocess.run(
            [*manage, "createsuperuser", "--noinput", "--username", STAFF[0], "--email", "editor@example.sg"],
            env={**env, "DJANGO_SUPERUSER_PASSWORD": STAFF[1]},
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        # A superuser signs in with a second factor: recovery codes, one per sign-in below.
        made = subprocess.run(
            [*manage, "shell", "-c", RECOVERY_CODES],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        RECOVERY.extend(made.stdout.split()[-1].split(","))
        # The name and role a sign-off shows: without them the account may not publish.
        profile = (
            "from django.contrib.auth.models import User; from clinic.models import StaffProfile; "
            f"StaffProfile.objects.create(user=User.objects.get(username='{STAFF[0]}'), "
            "display_name='Dr Tan Wei Ming', role='Consultant neurosurgeon')"
        )
        subprocess.run([*manage, "shell", "-c", profile], env=env, cwd=ROOT, check=True, capture_output=True)
        servers = [
            Gunicorn(env=env, port=port, log=workdir / f"gunicorn-{port}.log") for port in _free_ports(2)
        ]
        for server in servers:
            server.wait_until_answering(timeout=30)
        yield servers, f"{POSTGRES}/{name}"
    finally:
        for server in servers:
            server.stop()
        cache.flushdb()
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Browser:
    """One visitor: a cookie jar (cookies ignore ports, as behind one load balancer) and a client
    address the proxy reports."""

    def __init__(self, address: str = "203.0.113.10") -> None:
        self.address = address
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )

    def request(self, url: str, data: dict | list | None = None) -> tuple[int, dict[str, str], str]:
        if isinstance(data, list):
            data = [tuple(pair) for pair in data]
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        # Only http://127.0.0.1 addresses of the servers started here.
        request = urllib.request.Request(url, data=body, headers={"X-Forwarded-For": self.address})  # noqa: S310
        try:
            with self.opener.open(request, timeout=20) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()

    def log_in(self, server: Gunicorn) -> None:
        _, _, page = self.request(server.url + "/admin/login/")
        status, headers, _ = self.request(
            server.url + "/admin/login/",
            {
                "csrfmiddlewaretoken": csrf_token(page),
                "username": STAFF[0],
                "password": STAFF[1],
                "code": RECOVERY.pop(),
                "next": "/admin/",
            },
        )
        assert status == 302 and headers["Location"] == "/admin/", "the staff login failed"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def csrf_token(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


class _FormFields(HTMLParser):
    """The fields a browser would send for one form: inputs (checked boxes only), selected options,
    textareas."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, []
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or ("name" not in attrs and tag != "option"):
            return
        if tag == "input" and attrs.get("type") not in ("submit", "button", "file", "image"):
            if attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs:
                self.fields.append(
                    [attrs["name"], attrs.get("value") or ("on" if attrs.get("type") == "checkbox" else "")]
                )
        elif tag == "select":
            self._select = attrs["name"]
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields.append([self._select, attrs.get("value", "")])
        elif tag == "textarea":
            self._textarea = [attrs["name"], ""]
            self.fields.append(self._textarea)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data


def form_fields(page: str, form_id: str) -> list[list[str]]:
    parser = _FormFields(form_id)
    parser.feed(page)
    for field in parser.fields:  # a textarea's content starts after one newline, which browsers drop
        if field[1].startswith("\n"):
            field[1] = field[1][1:]
    return parser.fields


def enquiry(page: str) -> dict[str, str]:
    return {
        "csrfmiddlewaretoken": csrf_token(page),
        "submission_id": re.search(r'name="submission_id" value="([^"]+)"', page).group(1),
        "name": "Scale Out",
        "email": "patient@example.sg",
        "phone": "",
        "preferred_contact": "email",
        "message": "Two servers, one enquiry.",
        "consent": "on",
        "website": "",
    }


def send_enquiry(browser: Browser, server: Gunicorn) -> int:
    _, _, page = browser.request(server.url + "/contact/")
    status, _, _ = browser.request(server.url + "/contact/", enquiry(page))
    return status


def test_a_staff_login_on_one_server_is_valid_on_the_other(cluster):
    (first, second), _ = cluster
    staff = Browser()
    staff.log_in(first)
    status, _, page = staff.request(second.url + "/admin/")
    assert status == 200
    assert "Site administration" in page or "Articles and enquiries" in page
    assert Browser().request(second.url + "/admin/")[0] == 302  # and nobody else is let in


def test_the_enquiry_rate_limit_counts_across_both_servers(cluster):
    (first, second), _ = cluster
    patient = Browser("203.0.113.20")
    statuses = [send_enquiry(patient, server) for server in [first, second, first]]
    assert statuses == [302] * RATE_LIMIT
    assert send_enquiry(patient, second) == 429  # the fourth, on the other server
    assert send_enquiry(Browser("203.0.113.21"), second) == 302  # another patient is not held up


def test_enquiries_sent_at_once_to_both_servers_are_all_stored_with_unique_references(cluster):
    import psycopg

    servers, database = cluster
    count = 16

    def send(number: int) -> tuple[int, str]:
        patient = Browser(f"198.51.100.{number + 1}")
        server = servers[number % 2]
        status = send_enquiry(patient, server)
        _, _, thanks = patient.request(servers[(number + 1) % 2].url + "/contact/thanks/")  # the other one
        found = re.search(r"NAC-[2-9A-Z]{4}-[2-9A-Z]{4}", thanks)
        return status, found.group(0) if found else ""

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(send, range(count)))
    assert [status for status, _ in results] == [302] * count
    references = [reference for _, reference in results]
    assert all(references) and len(set(references)) == count
    with psycopg.connect(database) as connection:
        stored = {row[0] for row in connection.execute("SELECT reference FROM contact_enquiry")}
    assert set(references) <= stored


def test_an_article_published_through_one_server_is_served_fresh_by_the_other(cluster):
    """An edit is a draft until it is published: then the other server serves it at once."""
    (first, second), _ = cluster
    visitor = Browser("203.0.113.30")
    before = visitor.request(second.url + CONDITION)
    assert before[0] == 200 and visitor.request(second.url + CONDITION)[2] == before[2]

    editor = Browser()
    editor.log_in(first)
    _, _, listing = editor.request(first.url + "/admin/conditions/condition/?q=hemifacial")
    change = re.search(r'href="(/admin/conditions/condition/\d+/change/)[^"]*"', listing).group(1)
    _, _, form_page = editor.request(first.url + change)
    fields = form_fields(form_page, "condition_form")
    new_summary = f"An edit made on one server, {uuid.uuid4().hex[:8]}."
    fields = [[name, new_summary if name == "summary" else value] for name, value in fields]
    status, _, page = editor.request(first.url + change, fields)
    assert status == 302, re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', page, re.S)
    assert new_summary not in visitor.request(second.url + CONDITION)[2]  # a draft, not yet live

    publish = change.replace("/change/", "/publish/")
    _, _, publish_page = editor.request(first.url + publish)
    status, _, page = editor.request(first.url + publish, form_fields(publish_page, "publish-form"))
    assert status == 302, re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', page, re.S)

    status, headers, after = visitor.request(second.url + CONDITION)
    assert status == 200
    assert new_summary in after
    assert headers["ETag"] != before[1]["ETag"]
    assert new_summary in visitor.request(second.url + "/conditions/")[2]  # the list too


def test_new_clinic_details_saved_through_one_server_show_on_the_other_at_once(cluster):
    (first, second), _ = cluster
    visitor = Browser("203.0.113.40")
    visitor.request(second.url + "/")  # cached on the other server's side
    editor = Browser()
    editor.log_in(first)
    _, _, form_page = editor.request(first.url + "/admin/clinic/clinicprofile/1/change/")
    fields = [
        [name, "+65 6111 2233" if name == "phone" else value]
        for name, value in form_fields(form_page, "clinicprofile_form")
    ]
    assert editor.request(first.url + "/admin/clinic/clinicprofile/1/change/", fields)[0] == 302
    for page in ["/", CONDITION]:
        assert 'href="tel:+6561112233"' in visitor.request(second.url + page)[2]
