"""
The access trail: who read, searched, exported, corrected or deleted which enquiries, and when.

Django's admin history (LogEntry) records changes only, and django-auditlog records changes and
single-object reads, but not a list searched for a name, nor an export or a data request; one small
model of our own (contact.models.EnquiryAccess) records all of them the same way. Entries name
enquiries by reference and say what was searched for; never what a patient wrote.
"""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser

from contact.models import Enquiry, EnquiryAccess

QUERY_MAX_LENGTH = EnquiryAccess._meta.get_field("query").max_length


def access_record(
    *,
    user: AbstractBaseUser,
    action: EnquiryAccess.Action,
    references: Iterable[str] = (),
    count: int | None = None,
    query: str = "",
) -> EnquiryAccess:
    """Add one entry to the access trail. `count` defaults to the number of references (an export
    of a whole filter names the filter and the count instead of every reference)."""
    references = list(references)
    return EnquiryAccess.objects.create(
        user=user if user.is_authenticated else None,
        username=user.get_username(),
        action=action,
        references=", ".join(references),
        count=len(references) if count is None else count,
        query=query[:QUERY_MAX_LENGTH],
    )


def references_of(enquiries: Iterable[Enquiry]) -> list[str]:
    return [enquiry.reference for enquiry in enquiries]
