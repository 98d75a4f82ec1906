"""
Enquiries as a CSV file for a spreadsheet, streamed: rows are read from the database a thousand at
a time and sent as they are written, so exporting 100,000 enquiries takes the memory of 1,000.
Only the columns below are read (values, not model instances; never a condition's article): the
message and the calculator result stay in the admin.

Cells are made safe for spreadsheet programs. A cell that would start with =, +, -, @ or a control
character is a formula to them (CSV injection), so it gets a leading apostrophe. Phone numbers,
stored as "+6591234567", are written as ="+6591234567": a spreadsheet shows that as the text
+6591234567, where it would turn a bare +6591234567 into a number or a formula. Only a number in
exactly that stored form is written so; nothing a patient typed can ride in with it.
"""

import csv
import io
import re
from collections.abc import Iterator

from django.db.models import Case, QuerySet, Value, When
from django.http import StreamingHttpResponse
from django.utils import timezone

from contact.models import Enquiry, MailStatus

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
STORED_PHONE = re.compile(r"\+[1-9][0-9]{6,14}")
ROWS_PER_CHUNK = 1000

HEADER = [
    "reference",
    "received",
    "status",
    "assignee",
    "condition",
    "another condition",
    "name",
    "email",
    "phone",
    "preferred contact",
    "calculator result attached",
    "emails",
]
COLUMNS = [
    "reference",
    "created_at",
    "status",
    "assignee__username",
    "condition__name",
    "condition_other",
    "name",
    "email",
    "phone",
    "preferred_contact",
    "has_calculator_result",
    "coordinator_mail",
    "acknowledgement_mail",
]
STATUS_LABELS = dict(Enquiry.Status.choices)
CONTACT_LABELS = dict(Enquiry.ContactMethod.choices)


def csv_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def phone_cell(phone: str) -> str:
    return f'="{phone}"' if STORED_PHONE.fullmatch(phone) else csv_cell(phone)


def emails_label(coordinator_mail: str, acknowledgement_mail: str) -> str:
    statuses = {coordinator_mail, acknowledgement_mail}
    if MailStatus.FAILED in statuses:
        return MailStatus.FAILED.label
    if statuses & {MailStatus.PENDING, MailStatus.SENDING}:
        return MailStatus.PENDING.label
    return MailStatus.SENT.label


def row_cells(row: tuple) -> list[str]:
    (reference, received, status, assignee, condition, other, name, email, phone, contact, result, *mails) = (
        row
    )
    return [
        csv_cell(reference),
        timezone.localtime(received).strftime("%Y-%m-%d %H:%M"),
        STATUS_LABELS.get(status, status),
        csv_cell(assignee),
        csv_cell(condition),
        csv_cell(other),
        csv_cell(name),
        csv_cell(email),
        phone_cell(phone),
        CONTACT_LABELS.get(contact, contact),
        "yes" if result else "no",
        emails_label(*mails),
    ]


def csv_chunks(queryset: QuerySet) -> Iterator[str]:
    """The CSV text of `queryset`'s enquiries, in its order, about a thousand rows per chunk."""
    rows = queryset.annotate(
        has_calculator_result=Case(
            When(calculator_result__isnull=True, then=Value(False)), default=Value(True)
        )
    ).values_list(*COLUMNS)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")  # a byte-order mark, so spreadsheet programs read UTF-8
    writer.writerow(HEADER)
    for number, row in enumerate(rows.iterator(chunk_size=ROWS_PER_CHUNK), start=1):
        writer.writerow(row_cells(row))
        if number % ROWS_PER_CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_response(queryset: QuerySet) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_chunks(queryset), content_type="text/csv; charset=utf-8")
    filename = f"enquiries-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
