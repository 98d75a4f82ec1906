import datetime
import uuid
from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from conditions.models import Condition
from contact.models import COORDINATORS_GROUP, Enquiry
from grading.handoff import result_from_answers, sign_result
from tests.conditions import factory as conditions_factory

ANSWERS = {
    "periocular": True,
    "other_regions": True,
    "vision_interference": False,
    "disfiguring_asymmetry": False,
    "severity": 2,
    "frequency": 3,
}


class FailingEmailBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("mail server unreachable")


class NoMailHereBackend(BaseEmailBackend):
    """A mailer that must never be used: the test fails if anything tries to send mail."""

    def send_messages(self, email_messages):
        raise AssertionError("a mail was sent where none may be")


@pytest.fixture
def failing_mail(settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.contact.conftest.FailingEmailBackend"}}


@pytest.fixture
def no_mail_here(settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.contact.conftest.NoMailHereBackend"}}


def working_mail(settings) -> None:
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


def run_worker() -> str:
    """Run every task that is due, in this process, with the task worker's own code (`manage.py
    db_worker --batch`, as `make run` and production run it without --batch). Returns its log."""
    output = StringIO()
    call_command("db_worker", batch=True, startup_delay=False, reload=False, stdout=output)
    return output.getvalue()


def queued_mails() -> list[tuple[int, str]]:
    """(enquiry id, mail) of every mail waiting in the task queue, due or not, oldest first."""
    ready = DBTaskResult.objects.filter(status="READY").order_by("enqueued_at")
    return [
        (kwargs["enquiry_id"], mail)
        for kwargs in ready.values_list("args_kwargs__kwargs", flat=True)
        for mail in kwargs["mails"]
    ]


@pytest.fixture
def coordinator_emails(settings):
    settings.CONTACT_COORDINATOR_EMAILS = ["coordinators@clinic.example.sg"]
    return settings.CONTACT_COORDINATOR_EMAILS


def make_condition(**overrides) -> Condition:
    # One builder for a valid article: the conditions tests' own.
    return conditions_factory.make_condition(**overrides)


def make_enquiry(**overrides) -> Enquiry:
    from contact.references import new_reference

    overrides.setdefault("reference", new_reference())
    overrides.setdefault("submission_id", uuid.uuid4())
    overrides.setdefault("name", "Tan Mei Ling")
    overrides.setdefault("email", "mei.ling@example.com")
    overrides.setdefault("phone", "+6591234567")
    overrides.setdefault("preferred_contact", Enquiry.ContactMethod.EMAIL)
    overrides.setdefault("message", "My left eye has been twitching for months.")
    overrides.setdefault("consent_at", timezone.now())
    return Enquiry.objects.create(**overrides)


def submit(**overrides) -> Enquiry:
    """An enquiry saved through contact.services.enquiry_submit, as the form would send it."""
    from contact.services import enquiry_submit

    overrides.setdefault("submission_id", uuid.uuid4())
    overrides.setdefault("name", "Tan Mei Ling")
    overrides.setdefault("email", "mei.ling@example.com")
    overrides.setdefault("phone", "+6591234567")
    overrides.setdefault("preferred_contact", Enquiry.ContactMethod.EMAIL)
    overrides.setdefault("condition", None)
    overrides.setdefault("message", "My left eye twitches when I am tired.")
    overrides.setdefault("calculator_result", None)
    overrides.setdefault("consent", True)
    return enquiry_submit(**overrides)


def valid_post(**overrides) -> dict:
    data = {
        "name": "Tan Mei Ling",
        "email": "mei.ling@example.com",
        "phone": "9123 4567",
        "preferred_contact": "email",
        "condition": "",
        "message": "My left eye has been twitching for months. What should I do?",
        "consent": "on",
        "submission_id": str(uuid.uuid4()),
        "result": "",
        "website": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def signed_result(**answers) -> str:
    return sign_result(result_from_answers({**ANSWERS, **answers}, date=datetime.date(2026, 11, 21)))


def make_staff(username: str, *, groups=(), permissions=None) -> User:
    # No password (tests sign in with staff_login): hashing one is slow on purpose.
    user = User.objects.create_user(username=username, password=None, is_staff=True)
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    if permissions is not None:
        user.user_permissions.set(permissions)
    return user


@pytest.fixture
def coordinator(db) -> User:
    return make_staff("coordinator", groups=[COORDINATORS_GROUP])


@pytest.fixture
def editor(db) -> User:
    # The Editors group comes from the conditions app; an editor is anyone with its permissions.
    return make_staff("editor", permissions=Permission.objects.filter(content_type__app_label="conditions"))
