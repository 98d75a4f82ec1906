"""
The two mails sent after an enquiry is saved, and the record of whether they went out.

- To the coordinators: "New enquiry NAC-..." with a link to the admin. No name, no message, no
  health details: mail is less safe than the admin, so it only says where to look.
- To the patient, when they gave an email address: the reference, the reply time and the
  emergency number. No name, no message, no health details either: the address was typed into a
  public form and may not be the patient's.

Because anyone can type any address, the acknowledgement goes to one address at most
ACKNOWLEDGEMENTS_PER_ADDRESS a day: beyond that the site would be a way to flood someone's inbox
(the per-client rate limit does not stop someone with many addresses). Later enquiries from that
address are stored and notified to the coordinators as usual; their acknowledgement is "not needed".

A failure to send is recorded on the enquiry (status and error) and never raised: the enquiry is
already saved, and `manage.py retry_notifications` sends what is still owed later.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from clinic.models import ClinicProfile
from contact.models import Enquiry

logger = logging.getLogger(__name__)

OWED = (Enquiry.MailStatus.PENDING, Enquiry.MailStatus.FAILED)
ERROR_MAX_LENGTH = 1000
ACKNOWLEDGEMENTS_PER_ADDRESS = 3  # in any 24 hours


class NoCoordinatorAddressError(RuntimeError):
    """Nowhere to send the coordinators' notice."""


def coordinator_addresses() -> list[str]:
    """DJANGO_COORDINATOR_EMAILS, else the clinic profile's email address."""
    if settings.CONTACT_COORDINATOR_EMAILS:
        return list(settings.CONTACT_COORDINATOR_EMAILS)
    profile_email = ClinicProfile.load().email
    return [profile_email] if profile_email else []


def admin_link(enquiry: Enquiry) -> str:
    return settings.CONTACT_SITE_URL + reverse("admin:contact_enquiry_change", args=[enquiry.pk])


def send_coordinator_notice(*, enquiry: Enquiry) -> None:
    recipients = coordinator_addresses()
    if not recipients:
        raise NoCoordinatorAddressError(
            "No coordinator email address is configured (set DJANGO_COORDINATOR_EMAILS)."
        )
    context = {"enquiry": enquiry, "admin_link": admin_link(enquiry)}
    EmailMessage(
        subject=f"New enquiry {enquiry.reference}",
        body=render_to_string("contact/emails/coordinator_notice.txt", context),
        to=recipients,
    ).send()


def send_acknowledgement(*, enquiry: Enquiry) -> None:
    context = {"enquiry": enquiry, "clinic": ClinicProfile.load()}
    EmailMessage(
        subject=f"We have received your message (reference {enquiry.reference})",
        body=render_to_string("contact/emails/acknowledgement.txt", context),
        to=[enquiry.email],
    ).send()


def acknowledgements_exhausted(enquiry: Enquiry) -> bool:
    """Whether this enquiry's address has had ACKNOWLEDGEMENTS_PER_ADDRESS acknowledgements in
    the last 24 hours already."""
    since = timezone.now() - datetime.timedelta(hours=24)
    sent = Enquiry.objects.filter(
        email__iexact=enquiry.email, acknowledgement_mail=Enquiry.MailStatus.SENT, created_at__gte=since
    ).exclude(pk=enquiry.pk)
    return sent.count() >= ACKNOWLEDGEMENTS_PER_ADDRESS


def _describe(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:ERROR_MAX_LENGTH]


def claim(enquiry: Enquiry) -> bool:
    """Count an attempt, unless another run counted one since `enquiry` was read (then False)."""
    return bool(
        Enquiry.objects.filter(pk=enquiry.pk, notification_attempts=enquiry.notification_attempts).update(
            notification_attempts=F("notification_attempts") + 1, notification_attempted_at=timezone.now()
        )
    )


def enquiry_notify(*, enquiry_id: int, attempts: int | None = None) -> dict[str, str]:
    """Send whichever of the two mails is still owed for an enquiry and record the outcome.
    Returns the mail statuses, or {} when there was nothing to do (see `notify`).

    `attempts`: how many attempts the enquiry had when this run was asked for. If another run
    has counted one since, this run is late and sends nothing.
    """
    enquiry = Enquiry.objects.filter(pk=enquiry_id).first()
    if enquiry is None:  # deleted meanwhile (retention, or by a superuser)
        return {}
    if attempts is not None:
        enquiry.notification_attempts = attempts  # claim against what the caller saw
    return notify(enquiry)


def notify(enquiry: Enquiry) -> dict[str, str]:
    """Send whichever of the two mails is still owed for `enquiry`, as read, and record the outcome.

    Safe to run twice at once (a retry and a slow first attempt, two workers): each run first
    claims the enquiry by bumping its attempt counter from the value it read, and a run that
    loses the race, or read the enquiry before another run claimed it, sends nothing.
    """
    owed_coordinator = enquiry.coordinator_mail in OWED
    owed_acknowledgement = enquiry.acknowledgement_mail in OWED
    if not (owed_coordinator or owed_acknowledgement):
        return {}
    if not claim(enquiry):
        return {}

    updates: dict[str, str] = {}
    errors: list[str] = []
    if owed_coordinator:
        try:
            send_coordinator_notice(enquiry=enquiry)
        except Exception as error:  # any mail failure: record it, the enquiry is safe
            updates["coordinator_mail"] = Enquiry.MailStatus.FAILED
            errors.append(f"Coordinator notice: {_describe(error)}")
            logger.warning(
                "enquiry %s: coordinator notice failed (%s)", enquiry.reference, type(error).__name__
            )
        else:
            updates["coordinator_mail"] = Enquiry.MailStatus.SENT
    if owed_acknowledgement:
        if not enquiry.email:
            updates["acknowledgement_mail"] = Enquiry.MailStatus.NOT_NEEDED
        elif acknowledgements_exhausted(enquiry):
            updates["acknowledgement_mail"] = Enquiry.MailStatus.NOT_NEEDED
            logger.info(
                "enquiry %s: no acknowledgement, its address had %d today",
                enquiry.reference,
                ACKNOWLEDGEMENTS_PER_ADDRESS,
            )
        else:
            try:
                send_acknowledgement(enquiry=enquiry)
            except Exception as error:
                updates["acknowledgement_mail"] = Enquiry.MailStatus.FAILED
                errors.append(f"Acknowledgement: {_describe(error)}")
                logger.warning(
                    "enquiry %s: acknowledgement failed (%s)", enquiry.reference, type(error).__name__
                )
            else:
                updates["acknowledgement_mail"] = Enquiry.MailStatus.SENT
    # update(), not save(): the mail status is not a coordinator's change, so `updated_at`
    # (which the retention period counts from) stays as it is.
    Enquiry.objects.filter(pk=enquiry.pk).update(notification_error="\n".join(errors), **updates)
    return {name: str(value) for name, value in updates.items()}
