"""
The coordinators' list of enquiries (the admin's change list): its filters and its search, built
so that a page costs about the same with 100 enquiries or 100,000.

- Every filter is an index range in the list's order (contact.models.Enquiry.Meta.indexes), and
  no filter reads the enquiries to build its own sidebar: the assignees are the Coordinators
  group, the conditions are those of the (few) open enquiries, the rest are fixed choices.
- Search looks at what the term is. A reference ("NAC-7KQ4-M2XD", also typed without the prefix,
  in lower case or with spaces) is found through its unique index, a whole phone number or email
  address through theirs. Anything else is a name, or part of a name, address or number: it is
  looked for in that column's index, not in the table, and only the matching rows are read.
"""

import re

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Left
from django.http import HttpRequest

from conditions.models import Condition
from contact.models import COORDINATORS_GROUP, Enquiry, MailStatus
from contact.phone import SEPARATORS, PhoneNumberError, looks_like_phone, normalise_phone
from contact.references import PREFIX

REFERENCE_BODY = re.compile(r"[A-Z0-9]{8}")


def coordinators() -> QuerySet:
    """The staff an enquiry can be assigned to: active members of the Coordinators group."""
    return (
        get_user_model()
        .objects.filter(groups__name=COORDINATORS_GROUP, is_active=True)
        .order_by("first_name", "last_name", "username")
    )


def display_name(user) -> str:
    return user.get_full_name() or user.get_username()


class AssigneeFilter(admin.SimpleListFilter):
    """Me, nobody, or one coordinator: choices from the Coordinators group, never a scan of the
    enquiries (Django's RelatedOnlyFieldListFilter reads every enquiry's assignee, DISTINCT)."""

    title = "assigned to"
    parameter_name = "assignee"

    def lookups(self, request, model_admin):
        people = [(str(user.pk), display_name(user)) for user in coordinators()]
        return [("me", "Me"), ("nobody", "Nobody"), *people]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "me":
            return queryset.filter(assignee=request.user)
        if value == "nobody":
            return queryset.filter(assignee__isnull=True)
        if value and value.isdigit():
            return queryset.filter(assignee_id=int(value))
        return queryset


def conditions_with_open_enquiries() -> QuerySet:
    """(pk, name) of the conditions that open enquiries are about, by name: one look per
    condition in the (condition, status) index, however many enquiries there are."""
    has_open = Exists(Enquiry.objects.still_open().filter(condition=OuterRef("pk")))
    return Condition.objects.filter(has_open).order_by("name").values_list("pk", "name")


class ConditionFilter(admin.SimpleListFilter):
    """The conditions that open enquiries are about, not every condition ever chosen. At most
    CHOICES of them, by name, so the sidebar stays short whatever the data (the one chosen is
    always listed)."""

    title = "condition (open enquiries)"
    parameter_name = "condition"
    CHOICES = 30

    def lookups(self, request, model_admin):
        choices = list(conditions_with_open_enquiries()[: self.CHOICES])
        value = self.value()
        if value and value.isdigit() and int(value) not in {pk for pk, _ in choices}:
            choices += Condition.objects.filter(pk=int(value)).values_list("pk", "name")
        return [(str(pk), name) for pk, name in choices]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(condition_id=int(value))
        return queryset


class MailFilter(admin.SimpleListFilter):
    """Enquiries whose mails went wrong or are not out yet: read through the partial index of
    enquiries with a mail owed (`enquiry_mail_owed_idx`), so only those (few) rows."""

    title = "emails"
    parameter_name = "mail"

    def lookups(self, request, model_admin):
        return [("failed", "Failed"), ("owed", "Not sent yet")]

    def queryset(self, request, queryset):
        failed = Q(coordinator_mail=MailStatus.FAILED) | Q(acknowledgement_mail=MailStatus.FAILED)
        if self.value() == "failed":
            return queryset.filter(mail_owed=True).filter(failed)
        if self.value() == "owed":
            return queryset.filter(mail_owed=True).exclude(failed)
        return queryset


REFERENCE_WITHOUT_PREFIX = re.compile(r"[A-Z0-9]{4}-?[A-Z0-9]{4}")


def reference_in(term: str) -> str | None:
    """The reference a search term stands for ("nac 7kq4 m2xd", "7KQ4-M2XD", "7kq4m2xd" all mean
    NAC-7KQ4-M2XD), or None. Without the prefix it must be one word of eight characters, with a
    dash or a digit: "Jonathan" and "number 12" are names."""
    compact = re.sub(r"[\s-]", "", term.upper())
    if compact.startswith(PREFIX) and len(compact) == len(PREFIX) + 8:
        body = compact[len(PREFIX) :]
    elif REFERENCE_WITHOUT_PREFIX.fullmatch(term.upper()) and ("-" in term or any(c.isdigit() for c in term)):
        body = compact
    else:
        return None
    return f"{PREFIX}-{body[:4]}-{body[4:]}" if REFERENCE_BODY.fullmatch(body) else None


def matching(**lookup) -> QuerySet:
    """The ids of the enquiries matching a lookup on one indexed column, e.g. name__icontains.
    As a subquery the database reads that column's index (a small part of the table) instead of
    every row, and then only the matching rows."""
    return Enquiry.objects.filter(**lookup).values("pk")


def search(queryset: QuerySet, term: str) -> QuerySet:
    """The enquiries a coordinator's search term finds (see the module docstring)."""
    term = " ".join(term.split())
    if not term:
        return queryset
    if looks_like_phone(term):
        try:
            return queryset.filter(phone=normalise_phone(term))
        except PhoneNumberError:  # part of a number: match the digits anywhere in it
            return queryset.filter(pk__in=matching(phone__contains=SEPARATORS.sub("", term).lstrip("+")))
    if reference := reference_in(term):
        return queryset.filter(reference=reference)
    if "@" in term and " " not in term:
        whole = queryset.filter(email=term)
        return whole if whole.exists() else queryset.filter(pk__in=matching(email__icontains=term))
    return queryset.filter(pk__in=matching(name__icontains=term))


MESSAGE_START_LENGTH = 80


def list_queryset(queryset: QuerySet) -> QuerySet:
    """Only what the list shows: no message beyond its first words, no calculator result, and of
    the condition only its name (a condition row also holds its whole article)."""
    return queryset.annotate(message_start=Left("message", MESSAGE_START_LENGTH)).only(
        "reference",
        "name",
        "status",
        "created_at",
        "coordinator_mail",
        "acknowledgement_mail",
        "assignee",
        "assignee__username",
        "assignee__first_name",
        "assignee__last_name",
        "condition",
        "condition__name",
        "condition_other",
    )


def is_coordinator(request: HttpRequest) -> bool:
    """Whether the signed-in user may be assigned enquiries. Remembered on the request: the admin
    asks several times for one page."""
    if not hasattr(request, "contact_is_coordinator"):
        request.contact_is_coordinator = coordinators().filter(pk=request.user.pk).exists()
    return request.contact_is_coordinator
