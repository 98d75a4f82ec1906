"""
A patient's data request under the PDPA, answered by a coordinator (Admin > Enquiries > Data
request): find every enquiry from one email address or phone number, give the patient a copy of
all of them, correct their contact details, or delete them. Each step is written to the access
trail (contact.trail).
"""

import csv
import io

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from contact.calculator import describe_result
from contact.models import Enquiry, EnquiryAccess
from contact.phone import normalise_phone
from contact.trail import access_record, references_of

# Spreadsheet programs run cells that start with these as formulas (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CORRECTABLE = ("name", "email", "phone")


def csv_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def patient_filter(*, email: str = "", phone: str = "") -> Q:
    """Enquiries with this email address (any capitals) or this phone number (any way of writing
    it). Raises PhoneNumberError for a phone number that is not one."""
    condition = Q(pk__in=[])
    if email:
        condition |= Q(email__iexact=email.strip())
    if phone:
        condition |= Q(phone=normalise_phone(phone))
    return condition


def data_request_find(*, user: AbstractBaseUser, email: str = "", phone: str = "") -> list[Enquiry]:
    """The patient's enquiries, newest first (recorded in the trail)."""
    enquiries = list(
        Enquiry.objects.filter(patient_filter(email=email, phone=phone)).select_related(
            "condition", "assignee"
        )
    )
    access_record(
        user=user,
        action=EnquiryAccess.Action.DATA_REQUEST_LIST,
        references=references_of(enquiries),
        query=describe_patient(email=email, phone=phone),
    )
    return enquiries


def describe_patient(*, email: str, phone: str) -> str:
    return "; ".join(
        part for part in [f"email {email}" if email else "", f"phone {phone}" if phone else ""] if part
    )


def data_request_export(*, user: AbstractBaseUser, enquiries: list[Enquiry]) -> str:
    """Everything the clinic holds from these enquiries, for the patient: a CSV with one row per
    enquiry, every field (the message and calculator result included, the handling notes not:
    those are the clinic's own)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")  # a byte-order mark, so spreadsheet programs read UTF-8
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "reference",
            "received",
            "name",
            "email",
            "phone",
            "preferred contact",
            "condition",
            "another condition",
            "message",
            "calculator result",
            "consent given",
            "privacy notice version",
            "status",
            "last updated",
        ]
    )
    for enquiry in enquiries:
        writer.writerow(
            csv_cell(value)
            for value in [
                enquiry.reference,
                timezone.localtime(enquiry.created_at).strftime("%Y-%m-%d %H:%M"),
                enquiry.name,
                enquiry.email,
                enquiry.phone,
                enquiry.get_preferred_contact_display(),
                enquiry.condition.name if enquiry.condition else "",
                enquiry.condition_other,
                enquiry.message,
                "; ".join(describe_result(enquiry.calculator_result)) if enquiry.calculator_result else "",
                timezone.localtime(enquiry.consent_at).strftime("%Y-%m-%d %H:%M"),
                enquiry.privacy_notice_version,
                enquiry.get_status_display(),
                timezone.localtime(enquiry.updated_at).strftime("%Y-%m-%d %H:%M"),
            ]
        )
    access_record(
        user=user, action=EnquiryAccess.Action.DATA_REQUEST_EXPORT, references=references_of(enquiries)
    )
    return buffer.getvalue()


def data_request_correct(
    *, user: AbstractBaseUser, enquiries: list[Enquiry], changes: dict[str, str]
) -> None:
    """Correct the patient's contact details on these enquiries, as the patient asked. Only the
    fields in CORRECTABLE; the trail records which fields changed, not their values."""
    changes = {field: value for field, value in changes.items() if field in CORRECTABLE}
    if not changes:
        return
    with transaction.atomic():
        for enquiry in enquiries:
            for field, value in changes.items():
                setattr(enquiry, field, value)
            enquiry.full_clean(validate_unique=False)
            enquiry.save(update_fields=[*changes, "updated_at"])
        access_record(
            user=user,
            action=EnquiryAccess.Action.DATA_REQUEST_CORRECT,
            references=references_of(enquiries),
            query="corrected: " + ", ".join(sorted(changes)),
        )


def data_request_delete(*, user: AbstractBaseUser, enquiries: list[Enquiry]) -> int:
    """Delete these enquiries (and their notes), as the patient asked. Returns how many."""
    with transaction.atomic():
        Enquiry.objects.filter(pk__in=[enquiry.pk for enquiry in enquiries]).delete()
        access_record(
            user=user, action=EnquiryAccess.Action.DATA_REQUEST_DELETE, references=references_of(enquiries)
        )
    return len(enquiries)
