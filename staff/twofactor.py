"""
Staff two-factor sign-in: who must use it, and the devices that provide it (django-otp).

Each person has at most one authenticator app (a TOTP device: the app shows a new 6-digit code
every 30 seconds) and one set of ten recovery codes (a static device: each code works once), for
the day the phone is lost. Staff who can read patients' enquiries, and anyone who can change staff
accounts, must sign in with a code; everyone else (editors) may choose to.
"""

from base64 import b32encode

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django_otp import devices_for_user, user_has_device
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

# Reading patient data, or being able to give oneself that right, needs a second factor.
PERMISSIONS_NEEDING_TWO_FACTOR = (
    "contact.view_enquiry",
    "auth.add_user",
    "auth.change_user",
    "auth.change_group",
)
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
RECOVERY_CODE_COUNT = 10
TOTP_DIGITS = 6


def two_factor_required(user: AbstractBaseUser) -> bool:
    """Whether `user` may use the admin only after signing in with a code."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or any(
        user.has_perm(permission) for permission in PERMISSIONS_NEEDING_TWO_FACTOR
    )


def has_two_factor(user: AbstractBaseUser) -> bool:
    """Whether `user` has a confirmed authenticator app or recovery codes."""
    return user.is_authenticated and user_has_device(user, confirmed=True)


def is_verified(user: AbstractBaseUser) -> bool:
    """Whether this session was signed in with a code (django_otp's OTPMiddleware tells)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def may_use_admin(user: AbstractBaseUser) -> bool:
    """Signed in with a code, or not someone who needs one."""
    return is_verified(user) or not two_factor_required(user)


def may_change_devices(user: AbstractBaseUser) -> bool:
    """Setting up a new app or new recovery codes takes a session signed in with a code, unless the
    person has none yet (first enrolment): a password alone must never add a second factor to an
    account that has one."""
    return is_verified(user) or not has_two_factor(user)


def normalise_code(code: str) -> str:
    """A code as typed, without spaces or dashes, lower case (recovery codes are shown grouped)."""
    return "".join(character for character in code if character.isalnum()).lower()


def code_verify(*, user: AbstractBaseUser, code: str) -> Device | None:
    """The device that accepts `code` for `user`, or None. Six digits are checked against the
    authenticator app, anything else against the recovery codes (a recovery code is used up).
    django-otp slows down repeated failures per device (its throttling) and refuses a code seen
    before, so a code overheard cannot be used twice."""
    code = normalise_code(code)
    if not code:
        return None
    wanted = TOTPDevice if code.isdigit() and len(code) == TOTP_DIGITS else StaticDevice
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if isinstance(device, wanted) and device.verify_is_allowed()[0] and device.verify_token(code):
                return device
    return None


def app_start(*, user: AbstractBaseUser) -> TOTPDevice:
    """A new authenticator app for `user`, not yet confirmed (a half-finished one is replaced)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False, digits=TOTP_DIGITS)


def app_confirm(*, device: TOTPDevice, code: str) -> bool:
    """Confirm a new app with the first code it shows. It then replaces any app set up before
    (one phone per person: a new phone replaces the old one)."""
    if not device.verify_token(normalise_code(code)):
        return False
    with transaction.atomic():
        TOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return True


def recovery_codes_new(*, user: AbstractBaseUser) -> list[str]:
    """Ten new recovery codes for `user`; any earlier ones stop working."""
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(
            user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user: AbstractBaseUser) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def two_factor_reset(*, user: AbstractBaseUser) -> int:
    """Remove every device of `user` (a lost phone and lost codes): they set up a new app at their
    next sign-in. Returns how many devices were removed."""
    removed = 0
    for model in (TOTPDevice, StaticDevice):
        removed += model.objects.filter(user=user).delete()[1].get(model._meta.label, 0)
    return removed


def secret_for_typing(device: TOTPDevice) -> str:
    """The app's secret in base32, in groups of four, for people who type it instead of scanning."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
