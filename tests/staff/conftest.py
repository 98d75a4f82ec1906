import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from contact.models import COORDINATORS_GROUP

PASSWORD = "a-long-pass-phrase-1"


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    # Every sign-in hashes a password: keep that quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the person's authenticator app shows now (or that many 30-second steps later)."""
    return f"{totp(device.bin_key, step=device.step, digits=device.digits, drift=steps_ahead):06d}"


def with_app(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)


def sign_in(
    client, username: str, code: str = "", *, password: str = PASSWORD, address: str = "198.51.100.7"
):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "code": code, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


@pytest.fixture
def coordinator(db) -> User:
    user = User.objects.create_user("coord1", "coord1@clinic.example.sg", PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=COORDINATORS_GROUP))
    return user


@pytest.fixture
def editor(db) -> User:
    user = User.objects.create_user("editor1", "editor1@clinic.example.sg", PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user
