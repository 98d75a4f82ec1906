"""
The two mails sent after an enquiry is saved: what they say and whom they go to.

- To the coordinators: "New enquiry NAC-..." with a link to the admin. No name, no message, no
  health details: mail is less safe than the admin, so it only says where to look. Sent twice
  (see contact.services, "at least once"), it does no harm: it points to the same enquiry.
- To the patient, when they gave an email address: the reference, the reply time and the
  emergency number. No name, no message, no health details either: the address was typed into a
  public form and may not be the patient's.

Because anyone can type any address, the acknowledgement goes to one address at most
ACKNOWLEDGEMENTS_PER_ADDRESS a day: beyond that the site would be a way to flood someone's inbox
(the per-client rate limit does not stop someone with many addresses). Later enquiries from that
address are stored and notified to the coordinators as usual; their acknowledgement is "not needed".

Who sends them, when, and what is recorded: contact.services.enquiry_mail_send, run by the task
worker (contact.tasks).
"""

import datetime
from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from clinic.models import ClinicProfile
from contact.models import Enquiry, Mail, MailStatus

# What a mail needs of its enquiry: the sender loads only these (no message, no calculator result).
ENQUIRY_FIELDS = ["pk", "reference", "created_at", "email"]
ACKNOWLEDGEMENTS_PER_ADDRESS = 3  # in any 24 hours: the form must not be a way to mail strangers


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


SENDERS: dict[Mail, Callable[..., None]] = {
    Mail.COORDINATOR: send_coordinator_notice,
    Mail.ACKNOWLEDGEMENT: send_acknowledgement,
}


def acknowledgements_exhausted(enquiry: Enquiry) -> bool:
    """Whether this enquiry's address has had ACKNOWLEDGEMENTS_PER_ADDRESS acknowledgements in the
    last 24 hours already (anyone can type any address into the form)."""
    since = timezone.now() - datetime.timedelta(hours=24)
    sent = Enquiry.objects.filter(
        email__iexact=enquiry.email, acknowledgement_mail=MailStatus.SENT, created_at__gte=since
    ).exclude(pk=enquiry.pk)
    return sent.count() >= ACKNOWLEDGEMENTS_PER_ADDRESS
