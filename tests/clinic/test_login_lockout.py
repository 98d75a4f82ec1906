"""Admin sign-in is protected against guessing (django-axes): failures lock one user name at one
address, so nobody can lock a staff member out from elsewhere and no address can lock out all staff.
A wrong two-factor code counts like a wrong password."""

import logging

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.staff.conftest import code, sign_in

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-pass-phrase-1"
HOME, ELSEWHERE = "198.51.100.7", "192.0.2.55"


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff_user():
    return User.objects.create_user("editor1", "editor1@example.sg", PASSWORD, is_staff=True)


def fail_until_locked(client, settings, username: str, address: str = HOME) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, username, password="wrong-guess", address=address).status_code == 200
    assert sign_in(client, username, password="wrong-guess", address=address).status_code == 429


def test_correct_password_signs_in(client, staff_user):
    assert sign_in(client, "editor1").status_code == 302


def test_five_wrong_passwords_lock_that_name_from_that_address_even_for_the_right_one(
    client, staff_user, settings, caplog
):
    with caplog.at_level(logging.WARNING):
        fail_until_locked(client, settings, "editor1")
        locked = sign_in(client, "editor1")
    assert locked.status_code == 429
    assert b"Sign-in paused" in locked.content
    assert locked.headers["Retry-After"] == str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    assert "_auth_user_id" not in client.session
    assert "locking out" in caplog.text.lower()
    assert AccessAttempt.objects.filter(username="editor1").exists()


def test_guessing_a_name_from_elsewhere_does_not_lock_its_owner_out(client, staff_user, settings):
    fail_until_locked(client, settings, "editor1", address="203.0.113.20")
    assert sign_in(client, "editor1", address=HOME).status_code == 302


def test_one_address_cannot_lock_out_every_staff_member(client, staff_user, settings):
    User.objects.create_user("editor2", "editor2@example.sg", PASSWORD, is_staff=True)
    fail_until_locked(client, settings, "editor2", address=HOME)  # e.g. the clinic's own connection
    assert sign_in(client, "editor1", address=HOME).status_code == 302


def test_a_successful_sign_in_resets_the_count(client, staff_user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "editor1", password="wrong-guess")
    assert sign_in(client, "editor1").status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "editor1", password="wrong-guess")
    assert sign_in(client, "editor1").status_code == 302


def test_wrong_two_factor_codes_count_as_failures_and_lock_out(client, staff_user, settings):
    device = TOTPDevice.objects.create(user=staff_user, name="Phone", confirmed=True)
    right = code(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "editor1", wrong).status_code == 200
    assert sign_in(client, "editor1", wrong).status_code == 429
    assert sign_in(client, "editor1", right).status_code == 429  # the right code is refused now
    assert "_auth_user_id" not in client.session
