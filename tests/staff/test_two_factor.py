"""Two-factor sign-in for the admin (django-otp): required for coordinators and superusers, who can
read patients' enquiries; offered to editors. Codes are made here as the person's app would make
them, from the device's key."""

import re
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from staff.forms import WRONG_SIGN_IN
from tests.staff.conftest import code, sign_in, with_app

pytestmark = pytest.mark.django_db
ENQUIRIES = reverse("admin:contact_enquiry_changelist")
SETUP = reverse("admin:two-factor-app")


def setup_secret(page) -> bytes:
    """The key the set-up page shows for typing into an app, as bytes."""
    from base64 import b32decode

    secret = re.search(r"<code>([A-Z2-7 ]+)</code>", page.content.decode()).group(1)
    return b32decode(secret.replace(" ", ""))


def test_a_coordinator_signs_in_with_password_and_the_code_from_their_app(client, coordinator):
    device = with_app(coordinator)
    assertRedirects(sign_in(client, "coord1", code(device)), "/admin/", fetch_redirect_response=False)
    assert client.get(ENQUIRIES).status_code == 200
    device.refresh_from_db()
    assert device.last_used_at is not None


@pytest.mark.parametrize("typed", ["", "000000x", "12345"])
def test_without_the_right_code_a_coordinator_is_not_signed_in(client, coordinator, typed):
    with_app(coordinator)
    response = sign_in(client, "coord1", typed)
    assertContains(response, WRONG_SIGN_IN)
    assert "_auth_user_id" not in client.session
    assertRedirects(client.get(ENQUIRIES), f"{reverse('admin:login')}?next={ENQUIRIES}")


def test_the_same_message_for_a_wrong_password_and_a_wrong_code(client, coordinator):
    device = with_app(coordinator)
    wrong_password = sign_in(client, "coord1", code(device), password="not-the-password")
    wrong_code = sign_in(client, "coord1", f"{(int(code(device)) + 1) % 10**6:06d}")
    assert WRONG_SIGN_IN in wrong_password.content.decode()
    assert WRONG_SIGN_IN in wrong_code.content.decode()


def test_a_code_works_once(client, coordinator):
    device = with_app(coordinator)
    used = code(device)
    assert sign_in(client, "coord1", used).status_code == 302
    client.logout()
    assertContains(sign_in(client, "coord1", used), WRONG_SIGN_IN)  # overheard: no use


def test_a_recovery_code_signs_in_once(client, coordinator):
    with_app(coordinator)
    from staff.twofactor import recovery_codes_new

    first, *_ = recovery_codes_new(user=coordinator)
    typed = f"{first[:4]} {first[4:].upper()}"  # as printed, in capitals: still accepted
    assert sign_in(client, "coord1", typed).status_code == 302
    assert client.get(ENQUIRIES).status_code == 200
    client.logout()
    assertContains(sign_in(client, "coord1", first), WRONG_SIGN_IN)
    assert StaticToken.objects.filter(device__user=coordinator).count() == 9


def test_a_superuser_without_two_factor_is_sent_to_set_it_up_and_sees_nothing_else(client, db):
    User.objects.create_superuser("boss", "boss@clinic.example.sg", "a-long-pass-phrase-1")
    response = sign_in(client, "boss")
    assert response.status_code == 302  # the password alone starts a session...
    assertRedirects(
        client.get(ENQUIRIES), f"{reverse('admin:login')}?next={ENQUIRIES}", target_status_code=302
    )
    assertRedirects(client.get(reverse("admin:login")), SETUP)  # ...that only leads to setting it up
    assert client.get(reverse("admin:index")).status_code == 302
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 302


def test_setting_up_an_app_then_shows_recovery_codes_once_and_opens_the_admin(client, coordinator, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no pause after the wrong code below
    sign_in(client, "coord1")
    page = client.get(SETUP)
    assertContains(page, "Set up an authenticator app")
    assertContains(page, 'src="data:image/svg+xml')  # the QR code
    key = setup_secret(page)

    wrong = client.post(SETUP, {"code": "000000" if code_for(key) != "000000" else "111111"})
    assertContains(wrong, "That code is not right")
    assert not TOTPDevice.objects.filter(user=coordinator, confirmed=True).exists()

    done = client.post(SETUP, {"code": code_for(key, steps_ahead=1)})
    assertContains(done, "Your recovery codes")
    codes = re.findall(r"<li><code>([a-z2-7]{4} [a-z2-7]{4})</code></li>", done.content.decode())
    assert len(codes) == 10
    assert TOTPDevice.objects.get(user=coordinator).confirmed
    assert client.get(ENQUIRIES).status_code == 200  # this session was signed in with the code

    client.logout()
    device = TOTPDevice.objects.get(user=coordinator)
    assert sign_in(client, "coord1", code(device, steps_ahead=2)).status_code == 302


def test_after_a_wrong_code_the_setup_page_asks_to_wait_a_moment(client, coordinator):
    sign_in(client, "coord1")
    key = setup_secret(client.get(SETUP))
    client.post(SETUP, {"code": "000000" if code_for(key) != "000000" else "111111"})
    assertContains(client.post(SETUP, {"code": code_for(key)}), "wait a few seconds")


def code_for(key: bytes, steps_ahead: int = 0) -> str:
    from django_otp.oath import totp

    return f"{totp(key, drift=steps_ahead):06d}"


def test_a_password_alone_cannot_add_an_app_to_an_account_that_has_one(client, coordinator, staff_login):
    with_app(coordinator)
    client.force_login(coordinator)  # e.g. a stolen session from before, not signed in with a code
    assert client.get(SETUP).status_code == 403
    assert client.post(reverse("admin:two-factor-recovery-codes")).status_code == 403
    assert TOTPDevice.objects.filter(user=coordinator).count() == 1


def test_new_recovery_codes_replace_the_old_ones(client, coordinator, staff_login):
    from staff.twofactor import recovery_codes_new

    old = recovery_codes_new(user=coordinator)
    staff_login(client, coordinator)
    page = client.post(reverse("admin:two-factor-recovery-codes"))
    new = [c.replace(" ", "") for c in re.findall(r"<code>([a-z2-7 ]{9})</code>", page.content.decode())]
    assert len(new) == 10
    assert set(StaticToken.objects.filter(device__user=coordinator).values_list("token", flat=True)) == set(
        new
    )
    assert not set(old) & set(new)


def test_editors_may_use_the_admin_without_two_factor_and_are_offered_it(client, editor):
    assert sign_in(client, "editor1").status_code == 302
    page = client.get(reverse("admin:index"))
    assert page.status_code == 200
    assertContains(page, "Two-factor sign-in (not set up)")
    assertContains(client.get(reverse("admin:two-factor")), "You may choose to use it")


def test_an_editor_who_set_it_up_needs_the_code_too(client, editor):
    device = with_app(editor)
    assertContains(sign_in(client, "editor1"), WRONG_SIGN_IN)
    assert sign_in(client, "editor1", code(device)).status_code == 302
    assertNotContains(client.get(reverse("admin:index")), "(not set up)")


def test_reset_two_factor_removes_the_devices_and_their_sessions_lose_access(
    client, coordinator, staff_login
):
    staff_login(client, coordinator)
    assert client.get(ENQUIRIES).status_code == 200
    call_command("reset_two_factor", "coord1", stdout=StringIO())
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    assert client.get(ENQUIRIES).status_code == 302


def test_only_superusers_see_the_devices_and_nobody_sees_a_key(
    client, coordinator, staff_login, admin_client
):
    device = with_app(coordinator)
    page = admin_client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert page.status_code == 200
    assertNotContains(page, device.key)
    assert admin_client.get(reverse("admin:otp_totp_totpdevice_add")).status_code == 403
    staff_login(client, coordinator)
    assert client.get(reverse("admin:otp_totp_totpdevice_changelist")).status_code == 403
