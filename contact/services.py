"""Writes with side effects for write-in enquiries: saving one, and notifying about it."""

import datetime
import logging
import uuid
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from conditions.models import Condition
from contact.models import Enquiry, EnquiryQuerySet
from contact.notifications import notify
from contact.references import new_reference
from contact.tasks import send_enquiry_notifications

logger = logging.getLogger(__name__)

REFERENCE_ATTEMPTS = 5


def _enqueue_notifications(enquiry_id: int) -> None:
    send_enquiry_notifications.enqueue(enquiry_id=enquiry_id, attempts=0)


def enquiry_submit(
    *,
    submission_id: uuid.UUID,
    name: str,
    email: str,
    phone: str,
    preferred_contact: str,
    condition: Condition | None,
    message: str,
    calculator_result: dict | None,
    consent: bool,
) -> Enquiry:
    """Save a patient's enquiry, then (after commit) have the notification mails sent.

    Idempotent per `submission_id`: the same form sent twice (a double click, a refresh that
    re-posts) returns the enquiry saved the first time instead of creating another. Without
    the patient's consent nothing is stored (PDPA); with it, its time is recorded. Mail is only
    sent once the enquiry is committed, and a failure to send never reaches the caller (see
    contact.notifications). With CONTACT_NOTIFICATIONS = "worker" nothing is sent from here:
    the saved enquiry, its mail "pending", is the notification worker's queue.
    """
    if consent is not True:
        raise ValidationError("The patient's consent is required to store an enquiry.", code="consent")
    enquiry = Enquiry(
        submission_id=submission_id,
        name=name,
        email=email,
        phone=phone,
        preferred_contact=preferred_contact,
        condition=condition,
        message=message,
        calculator_result=calculator_result,
        consent_at=timezone.now(),
        privacy_notice_version=settings.PRIVACY_NOTICE_VERSION,
        acknowledgement_mail=Enquiry.MailStatus.PENDING if email else Enquiry.MailStatus.NOT_NEEDED,
    )
    for _ in range(REFERENCE_ATTEMPTS):
        enquiry.reference = new_reference()
        # Uniqueness and the check constraints are left to the database, which enforces them on
        # the insert anyway: checking first would race with other requests (uniqueness) and cost
        # a query per constraint (Django checks each one with a SELECT) on every enquiry. A
        # violated constraint still becomes a ValidationError, below.
        enquiry.full_clean(validate_unique=False, validate_constraints=False)
        try:
            with transaction.atomic():
                enquiry.save(force_insert=True)
                logger.info("enquiry %s saved", enquiry.reference)
                # robust: should enqueueing itself fail (a queue that is down), the enquiry stays
                # saved with its mail "pending", and retry_notifications picks it up.
                if settings.CONTACT_NOTIFICATIONS == "request":
                    transaction.on_commit(partial(_enqueue_notifications, enquiry.pk), robust=True)
        except IntegrityError:
            enquiry.pk = None
            existing = Enquiry.objects.filter(submission_id=submission_id).first()
            if existing is not None:
                return existing
            if Enquiry.objects.filter(reference=enquiry.reference).exists():
                logger.info("enquiry reference collision; drawing another")
                continue
            enquiry.validate_constraints()  # raises the ValidationError for a violated check
            raise
        return enquiry
    raise RuntimeError("Could not find a free enquiry reference.")  # ~impossible: 6.6e11 choices


def notifications_retry(*, older_than: datetime.timedelta, max_attempts: int) -> list[Enquiry]:
    """Re-enqueue the notifications of enquiries whose mail is still pending or failed.

    Only enquiries whose last attempt (or arrival, if none) is older than `older_than`, so a
    first attempt still under way is left alone, and with fewer than `max_attempts` attempts,
    so an address that always bounces is not tried for ever (coordinators see it as failed).
    """
    cutoff = timezone.now() - older_than
    due = list(
        Enquiry.objects.notifications_owed()
        .filter(notification_attempts__lt=max_attempts, created_at__lt=cutoff)
        .filter(Q(notification_attempted_at__isnull=True) | Q(notification_attempted_at__lt=cutoff))
        .order_by("created_at")
    )
    for enquiry in due:
        send_enquiry_notifications.enqueue(enquiry_id=enquiry.pk, attempts=enquiry.notification_attempts)
    return due


def notifications_due(*, retry_after: datetime.timedelta, max_attempts: int) -> EnquiryQuerySet:
    """Enquiries whose mail the notification worker should send now, oldest first: never tried,
    or tried and failed at least `retry_after` ago, with fewer than `max_attempts` attempts."""
    cutoff = timezone.now() - retry_after
    return (
        Enquiry.objects.notifications_owed()
        .filter(notification_attempts__lt=max_attempts)
        .filter(Q(notification_attempts=0) | Q(notification_attempted_at__lt=cutoff))
        .order_by("created_at")
    )


def notifications_send_due(*, retry_after: datetime.timedelta, max_attempts: int, batch: int = 100) -> int:
    """Send what is due (at most `batch` enquiries) and return how many enquiries were handled.

    Each enquiry is claimed as it was read (see contact.notifications.notify), so two workers, or
    a worker and `retry_notifications`, never send the same mail twice.
    """
    due = list(notifications_due(retry_after=retry_after, max_attempts=max_attempts)[:batch])
    for enquiry in due:
        notify(enquiry)
    return len(due)
