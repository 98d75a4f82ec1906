"""Migration 0003 keeps what was recorded about each enquiry's mails, forwards and backwards."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("contact", "0002_coordinators_group")]
AFTER = [("contact", "0003_mail_per_notification_and_inbox_indexes")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_the_shared_mail_record_is_split_per_mail_and_joined_again():
    old_apps = migrate(BEFORE)
    Enquiry = old_apps.get_model("contact", "Enquiry")
    tried = timezone.now() - datetime.timedelta(hours=1)
    common = {"name": "Tan", "phone": "+6591234567", "message": "Hello", "consent_at": tried}
    half = Enquiry.objects.create(
        reference="NAC-AAAA-AAAA",
        email="a@example.com",
        coordinator_mail="sent",
        acknowledgement_mail="failed",
        notification_attempts=3,
        notification_attempted_at=tried,
        notification_error="Acknowledgement: SMTPRecipientsRefused: mailbox full",
        **common,
    )
    phone_only = Enquiry.objects.create(
        reference="NAC-BBBB-BBBB",
        coordinator_mail="failed",
        acknowledgement_mail="not_needed",
        notification_attempts=1,
        notification_attempted_at=tried,
        notification_error="Coordinator notice: TimeoutError: timed out",
        **common,
    )
    untouched = Enquiry.objects.create(reference="NAC-CCCC-CCCC", email="c@example.com", **common)

    new_apps = migrate(AFTER)
    Enquiry = new_apps.get_model("contact", "Enquiry")
    half = Enquiry.objects.get(pk=half.pk)
    assert (half.coordinator_mail_attempts, half.coordinator_mail_error) == (3, "")
    assert (half.acknowledgement_mail_attempts, half.acknowledgement_mail_tried_at) == (3, tried)
    assert half.acknowledgement_mail_error == "SMTPRecipientsRefused: mailbox full"
    assert half.mail_owed is True
    phone_only = Enquiry.objects.get(pk=phone_only.pk)
    assert phone_only.coordinator_mail_error == "TimeoutError: timed out"
    assert (phone_only.acknowledgement_mail_attempts, phone_only.acknowledgement_mail_tried_at) == (0, None)
    untouched = Enquiry.objects.get(pk=untouched.pk)
    assert (untouched.coordinator_mail_attempts, untouched.coordinator_mail_tried_at) == (0, None)
    assert untouched.mail_owed is True
    Enquiry.objects.filter(pk=untouched.pk).update(coordinator_mail="sent", acknowledgement_mail="sent")
    assert Enquiry.objects.get(pk=untouched.pk).mail_owed is False  # kept by the database

    old_apps = migrate(BEFORE)
    Enquiry = old_apps.get_model("contact", "Enquiry")
    half = Enquiry.objects.get(pk=half.pk)
    assert (half.notification_attempts, half.notification_attempted_at) == (3, tried)
    assert half.notification_error == "Acknowledgement: SMTPRecipientsRefused: mailbox full"
    assert (
        Enquiry.objects.get(pk=phone_only.pk).notification_error
        == "Coordinator notice: TimeoutError: timed out"
    )
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())  # as the other tests expect it
