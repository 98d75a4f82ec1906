"""Staff sessions end after 30 minutes without activity (DJANGO_STAFF_IDLE_MINUTES) and 12 hours
after signing in (DJANGO_STAFF_SESSION_HOURS), whatever happens; the admin's header says when."""

import datetime
import re
import time

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertRedirects

pytestmark = pytest.mark.django_db
ENQUIRIES = reverse("admin:contact_enquiry_changelist")
LOGIN_FOR_ENQUIRIES = f"{reverse('admin:login')}?next={ENQUIRIES}"


@pytest.fixture
def clock(monkeypatch):
    """Move the clock on: clock(minutes=31)."""
    offset = 0.0
    real = time.time

    def advance(*, minutes: float = 0, hours: float = 0) -> None:
        nonlocal offset
        offset += minutes * 60 + hours * 3600

    monkeypatch.setattr(time, "time", lambda: real() + offset)
    return advance


@pytest.fixture
def coordinator_client(client, coordinator, staff_login):
    staff_login(client, coordinator)
    return client


def test_a_session_idle_for_30_minutes_ends_and_says_why(coordinator_client, clock):
    assert coordinator_client.get(ENQUIRIES).status_code == 200
    clock(minutes=29)
    assert coordinator_client.get(ENQUIRIES).status_code == 200  # still within the limit
    clock(minutes=31)
    response = coordinator_client.get(ENQUIRIES)
    assertRedirects(response, LOGIN_FOR_ENQUIRIES, fetch_redirect_response=False)
    assert "_auth_user_id" not in coordinator_client.session
    assertContains(
        coordinator_client.get(LOGIN_FOR_ENQUIRIES), "signed out after 30 minutes without activity"
    )


def test_activity_keeps_a_session_going_but_never_past_12_hours(coordinator_client, clock):
    for _ in range(11 * 3 + 2):  # a request every 20 minutes for 11 hours 40 minutes
        clock(minutes=20)
        assert coordinator_client.get(ENQUIRIES).status_code == 200
    clock(minutes=20)  # 12 hours since signing in
    assertRedirects(coordinator_client.get(ENQUIRIES), LOGIN_FOR_ENQUIRIES, fetch_redirect_response=False)
    assertContains(coordinator_client.get(LOGIN_FOR_ENQUIRIES), "last at most 12 hours")


def test_the_idle_limit_is_a_setting(coordinator_client, clock, settings):
    settings.STAFF_SESSION_IDLE_MINUTES = 5
    clock(minutes=6)
    assertRedirects(coordinator_client.get(ENQUIRIES), LOGIN_FOR_ENQUIRIES)


def test_admin_pages_say_when_the_session_ends(coordinator_client):
    def hhmm(**delta) -> str:
        return (timezone.localtime() + datetime.timedelta(**delta)).strftime("%H:%M")

    before = (hhmm(minutes=30), hhmm(hours=12))
    page = coordinator_client.get(reverse("admin:index")).content.decode()
    after = (hhmm(minutes=30), hhmm(hours=12))
    match = re.search(
        r"Signed in until (\d\d:\d\d) if you do nothing \(30 minutes without activity\), and until "
        r"(\d\d:\d\d)(?: on \d+ \w+)? at the latest",
        page,
    )
    assert match, "the header says when the session ends"
    assert match.group(1) in {before[0], after[0]}
    assert match.group(2) in {before[1], after[1]}


def test_public_pages_do_not_read_the_session(client):
    # The limits only look at requests with a session cookie: pages stay the same for everyone.
    response = client.get(reverse("home"))
    assert "Cookie" not in response.headers.get("Vary", "")
