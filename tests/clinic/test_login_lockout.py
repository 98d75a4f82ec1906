"""Admin sign-in is protected against password guessing (django-axes)."""

import logging

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.urls import reverse

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-pass-phrase-1"


@pytest.fixture
def staff_user():
    return User.objects.create_user("editor1", "editor1@example.sg", PASSWORD, is_staff=True)


def sign_in(client, username, password, address="198.51.100.7"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def test_correct_password_signs_in(client, staff_user):
    response = sign_in(client, "editor1", PASSWORD)
    assert response.status_code == 302


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(client, staff_user, settings, caplog):
    with caplog.at_level(logging.WARNING):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            assert sign_in(client, "editor1", "wrong-guess").status_code == 200
        assert sign_in(client, "editor1", "wrong-guess").status_code == 429  # the limit-th failure locks
        locked = sign_in(client, "editor1", PASSWORD, address="192.0.2.55")
    assert locked.status_code == 429
    assert b"Sign-in paused" in locked.content
    assert "_auth_user_id" not in client.session
    assert "locking out" in caplog.text.lower()
    assert AccessAttempt.objects.filter(username="editor1").exists()


def test_guessing_many_user_names_from_one_address_locks_that_address(client, staff_user, settings):
    for number in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, f"guess{number}", "wrong-guess", address="203.0.113.20")
    assert sign_in(client, "editor1", PASSWORD, address="203.0.113.20").status_code == 429
    # The real user, from elsewhere, is not locked out by someone else's guessing.
    assert sign_in(client, "editor1", PASSWORD, address="198.51.100.99").status_code == 302


def test_a_successful_sign_in_resets_the_count(client, staff_user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "editor1", "wrong-guess")
    assert sign_in(client, "editor1", PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "editor1", "wrong-guess")
    assert sign_in(client, "editor1", PASSWORD).status_code == 302
