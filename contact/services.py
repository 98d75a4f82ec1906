"""
Writes with side effects for write-in enquiries: saving one, sending its two mails, taking one.

The mails have one pipeline, Django's task framework (django.tasks) with the tasks stored in the
site's own database (django-tasks-db) and run by its worker, `manage.py db_worker`:

1. `enquiry_submit` saves the enquiry and enqueues a `send_enquiry_mails` task for its mails in
   the same transaction: both are stored, or neither. Nothing is sent inside the patient's request.
2. The worker runs the task: `enquiry_mail_send` claims the mail, sends it and records "sent", or
   records "failed" with the error and enqueues the next try of that mail alone after the next
   delay in CONTACT_MAIL_RETRY_DELAYS (in the same transaction). After the last delay it stays
   "failed".
3. `notifications_retry` (`manage.py retry_notifications`, by hand) enqueues one more try now.

At most once, with one exception. The claim is a single UPDATE that moves the mail from "pending"
or "failed" to "sending" and counts the attempt; of any number of runs for one mail (several
workers, a scheduled retry and one asked for by hand) exactly one wins, and the others send
nothing. The exception: a worker that dies after the mail server accepted a mail but before "sent"
was saved leaves the mail "sending". After STUCK_AFTER a retry may claim and send it again, so in
that case a mail is sent at least once rather than exactly once (both mails say nothing new when
read twice).
"""

import datetime
import logging
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from conditions.models import Condition
from contact.models import MAIL_OWED, Enquiry, Mail, MailFields, MailStatus
from contact.notifications import (
    ACKNOWLEDGEMENTS_PER_ADDRESS,
    ENQUIRY_FIELDS,
    SENDERS,
    acknowledgements_exhausted,
)
from contact.references import new_reference
from contact.tasks import send_enquiry_mails

logger = logging.getLogger(__name__)

REFERENCE_ATTEMPTS = 5
# A mail "sending" for this long was being sent by a worker that died (a send takes at most a few
# SMTP timeouts, DJANGO_EMAIL_TIMEOUT, 10 s each): a retry may claim it again.
STUCK_AFTER = datetime.timedelta(minutes=15)
ERROR_MAX_LENGTH = 1000


def enquiry_submit(
    *,
    submission_id: uuid.UUID,
    name: str,
    email: str,
    phone: str,
    preferred_contact: str,
    condition: Condition | None,
    condition_other: str = "",
    message: str,
    calculator_result: dict | None,
    consent: bool,
) -> Enquiry:
    """Save a patient's enquiry and, in the same transaction, enqueue its mails.

    Idempotent per `submission_id`: the same form sent twice (a double click, a refresh that
    re-posts) returns the enquiry saved the first time instead of creating another. Without
    the patient's consent nothing is stored (PDPA); with it, its time is recorded. The mails are
    tasks for the worker, stored with the enquiry: no mail server is ever contacted from here.
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
        condition_other=condition_other,
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
                owed = [mail.value for mail in Mail if enquiry.mail_status(mail) == MailStatus.PENDING]
                send_enquiry_mails.enqueue(enquiry_id=enquiry.pk, mails=owed)
            logger.info("enquiry %s saved", enquiry.reference)
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


def enquiry_mail_claim(*, enquiry_id: int, mail: Mail) -> bool:
    """Take one mail of an enquiry for sending: True for exactly one of any number of callers at
    once, while the mail is owed ("pending", "failed", or "sending" for longer than STUCK_AFTER).
    Counts the attempt and its time."""
    fields = MailFields.of(mail)
    now = timezone.now()
    claimable = Q(**{f"{fields.status}__in": [MailStatus.PENDING, MailStatus.FAILED]}) | Q(
        **{fields.status: MailStatus.SENDING, f"{fields.tried_at}__lt": now - STUCK_AFTER}
    )
    # update(), not save(): the mail is not a coordinator's change, so `updated_at` (which the
    # retention period counts from) stays as it is.
    claimed = Enquiry.objects.filter(claimable, pk=enquiry_id).update(
        **{fields.status: MailStatus.SENDING, fields.attempts: F(fields.attempts) + 1, fields.tried_at: now}
    )
    return claimed == 1


def next_try_delay(attempts: int) -> datetime.timedelta | None:
    """How long after the `attempts`-th failed attempt to try again; None after the last one."""
    delays = settings.CONTACT_MAIL_RETRY_DELAYS
    if attempts > len(delays):
        return None
    return datetime.timedelta(seconds=delays[attempts - 1])


def enquiry_mail_send(*, enquiry_id: int, mail: Mail) -> str:
    """Send one mail of an enquiry if it is still owed, and record the outcome on the enquiry.

    Returns "sent", "failed" (recorded, with the next try enqueued unless it was the last), or
    "not owed" (sent already, not needed, being sent by another run, or the enquiry is gone).
    A failure of the mail server never raises: the enquiry is safe, and the error is shown to
    the coordinators in the admin.
    """
    fields = MailFields.of(mail)
    if not enquiry_mail_claim(enquiry_id=enquiry_id, mail=mail):
        return "not owed"
    enquiry = Enquiry.objects.only(*ENQUIRY_FIELDS, fields.attempts).filter(pk=enquiry_id).first()
    if enquiry is None:  # deleted (retention, or by a superuser) just after the claim
        return "not owed"
    if mail == Mail.ACKNOWLEDGEMENT and acknowledgements_exhausted(enquiry):
        Enquiry.objects.filter(pk=enquiry_id).update(**{fields.status: MailStatus.NOT_NEEDED})
        logger.info(
            "enquiry %s: no acknowledgement, its address had %d today",
            enquiry.reference,
            ACKNOWLEDGEMENTS_PER_ADDRESS,
        )
        return "not owed"
    try:
        SENDERS[mail](enquiry=enquiry)
    except Exception as error:  # any mail failure: record it; the enquiry is safe
        attempts = getattr(enquiry, fields.attempts)
        delay = next_try_delay(attempts)
        with transaction.atomic():
            Enquiry.objects.filter(pk=enquiry_id).update(
                **{
                    fields.status: MailStatus.FAILED,
                    fields.error: f"{type(error).__name__}: {error}"[:ERROR_MAX_LENGTH],
                }
            )
            if delay is not None:
                retry = send_enquiry_mails.using(run_after=timezone.now() + delay)
                retry.enqueue(enquiry_id=enquiry_id, mails=[mail.value])
        # The reference and the kind of error only: no address, no content.
        logger.warning(
            "enquiry %s: %s failed (attempt %d, %s; %s)",
            enquiry.reference,
            mail.label.lower(),
            attempts,
            type(error).__name__,
            f"next try in {delay}" if delay else "no more tries",
        )
        return "failed"
    Enquiry.objects.filter(pk=enquiry_id).update(**{fields.status: MailStatus.SENT, fields.error: ""})
    logger.info("enquiry %s: %s sent", enquiry.reference, mail.label.lower())
    return "sent"


def notifications_retry(*, older_than: datetime.timedelta) -> list[tuple[str, Mail]]:
    """Enqueue one more try, now, of every mail still owed and untouched for `older_than`: failed
    (even after the last automatic try), still pending (the worker was down, or the enquiry came
    from before this pipeline), or left "sending" by a worker that died (see STUCK_AFTER).

    For an operator, by hand, e.g. once a mail server is fixed. A mail that is meanwhile sent by a
    try already queued is not sent again (see the claim). Returns (reference, mail) pairs.
    """
    cutoff = timezone.now() - older_than
    queued = []
    for enquiry in Enquiry.objects.notifications_owed().order_by("created_at", "id"):
        due = [
            mail
            for mail in Mail
            if enquiry.mail_status(mail) in MAIL_OWED
            and (getattr(enquiry, MailFields.of(mail).tried_at) or enquiry.created_at) < cutoff
        ]
        if due:
            send_enquiry_mails.enqueue(enquiry_id=enquiry.pk, mails=[mail.value for mail in due])
            queued += [(enquiry.reference, mail) for mail in due]
    return queued


def enquiry_take(*, enquiry_id: int, user) -> bool:
    """Assign an unassigned enquiry to `user` in one step. False when someone else has it already
    (two coordinators taking the same enquiry at once: the first one gets it)."""
    taken = Enquiry.objects.filter(Q(assignee__isnull=True) | Q(assignee=user), pk=enquiry_id).update(
        assignee=user, updated_at=timezone.now()
    )
    return taken == 1
