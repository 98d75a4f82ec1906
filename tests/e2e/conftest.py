"""
Real-browser tests: Playwright driving Debian's Chromium (/usr/bin/chromium) against pytest-django's
live server with the seeded content. See ../shared/browser-testing.md for the recipe.
"""

import os
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.cache import caches
from django.core.management import call_command

# Playwright's sync API keeps an asyncio loop running in the main thread, so Django's ORM refuses
# to run there unless told it is safe. The tests drive the browser from one thread, so it is.
# This must be set before any database access, hence module level.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
# What a locked-down CI machine needs: no sandbox (we run as root), no GPU, no calls home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-default-apps",
    "--disable-extensions",
]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / ".e2e-artifacts"
# What the tests photograph on every run, for people to look at (not committed). The committed set,
# one of every page type, is made on demand by test_screenshots.py into screenshots/.
SCREENSHOTS = ARTIFACTS / "screens"
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


def pytest_sessionstart(session):
    # Failure artifacts describe this run only.
    shutil.rmtree(ARTIFACTS, ignore_errors=True)


def pytest_itemcollected(item):
    if "/e2e/" in str(item.path):
        item.add_marker(pytest.mark.browser)  # before `-m "not browser"` (make test-fast) selects


@pytest.hookimpl(trylast=True)  # after pytest-django has put the tests in its order
def pytest_collection_modifyitems(items):
    """Run the browser tests after every test that runs in a rolled-back transaction and before
    the ones that commit (pytest-django's order). Their live server commits to the database and
    empties it afterwards, migrations' rows (the staff groups, the seeded synonyms) included, and
    leaves the rate limit's cache table behind; pytest's grouping of tests by the browser's
    parameter would otherwise put them among the rolled-back ones."""
    browser = [item for item in items if "/e2e/" in str(item.path)]
    others = [item for item in items if "/e2e/" not in str(item.path)]
    first_committing = next((i for i, item in enumerate(others) if commits(item)), len(others))
    items[:] = others[:first_committing] + browser + others[first_committing:]


def commits(item) -> bool:
    """Whether a test's database work is committed (pytest-django's transactional tests)."""
    marker = item.get_closest_marker("django_db")
    transaction = bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
    return transaction or {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install Debian's 'chromium' package (make test does this as root)."
        )
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def site(live_server):
    """The live server's base URL, with the site's initial content loaded and every cache empty:
    the live server's tests share one database whose cache table (the enquiry rate limit's, without
    Redis) is not emptied between tests like the model tables."""
    for cache in caches.all():
        cache.clear()
    call_command("seed_content", stdout=StringIO())
    return live_server.url


@pytest.fixture(params=list(SIZES), ids=list(SIZES))
def size(request, page):
    """Run the test at phone size and at desktop size."""
    page.set_viewport_size(SIZES[request.param])
    return request.param


@pytest.fixture
def shoot(page, size):
    """Save a full-page screenshot for people to look at (not committed; written on every run)."""

    def take(name: str, on=None) -> None:
        """`on`: another page (another person's browser) instead of the test's own."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        (on or page).screenshot(path=str(SCREENSHOTS / f"{name}-{size}.png"), full_page=True)

    return take


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed and "page" in item.fixturenames:
        page = item.funcargs.get("page")
        if page is not None and not page.is_closed():
            ARTIFACTS.mkdir(exist_ok=True)
            name = "".join(c if c.isalnum() or c in "-_" else "_" for c in item.nodeid.split("::", 1)[-1])
            try:
                page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
                (ARTIFACTS / f"{name}.html").write_text(page.content(), encoding="utf-8")
            except Exception as error:  # the page may have crashed; the report still stands
                report.sections.append(("artifacts", f"could not save page artifacts: {error}"))
