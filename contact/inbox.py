"""
The coordinators' list of enquiries (the admin's change list): its filters and its search, built
so that a page costs about the same with 100 enquiries or 100,000.

- Every filter is an index range in the list's order (contact.models.Enquiry.Meta.indexes), and
  no filter reads the enquiries to build its own sidebar: the assignees are the Coordinators
  group, the conditions are those of the (few) open enquiries, the rest are fixed choices.
- Search looks at what the term is. A reference ("NAC-7KQ4-M2XD", also typed without the prefix,
  in lower case or with spaces) is found through its unique index, a whole phone number or email
  address through theirs; anything else is a name, or part of one, and is matched against the
  names and email addresses (a scan, but of two short columns and only for such a search).
"""

import re

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.db.models.functions import Left, Lower
from django.http import HttpRequest

from conditions.models import Condition
from contact.models import COORDINATORS_GROUP, Enquiry, MailStatus, mails_owed_q
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


class ConditionFilter(admin.SimpleListFilter):
    """The conditions that open enquiries are about (a handful, found through the status index),
    not every condition ever chosen."""

    title = "condition (open enquiries)"
    parameter_name = "condition"

    def lookups(self, request, model_admin):
        with_open = Enquiry.objects.still_open().filter(condition__isnull=False).values("condition_id")
        wanted = Q(pk__in=with_open)
        if (value := self.value()) and value.isdigit():
            wanted |= Q(pk=int(value))  # keep the chosen one listed after its enquiries close
        return [
            (str(pk), name)
            for pk, name in Condition.objects.filter(wanted).order_by("name").values_list("pk", "name")
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(condition_id=int(value))
        return queryset


class MailFilter(admin.SimpleListFilter):
    """Enquiries whose mails went wrong or are not out yet. Each choice includes the condition of
    the partial index of mails still owed (`enquiry_mail_owed_idx`), so only those rows are read."""

    title = "emails"
    parameter_name = "mail"

    def lookups(self, request, model_admin):
        return [("failed", "Failed"), ("owed", "Not sent yet")]

    def queryset(self, request, queryset):
        failed = Q(coordinator_mail=MailStatus.FAILED) | Q(acknowledgement_mail=MailStatus.FAILED)
        if self.value() == "failed":
            return queryset.filter(mails_owed_q()).filter(failed)
        if self.value() == "owed":
            return queryset.filter(mails_owed_q()).exclude(failed)
        return queryset


def reference_in(term: str) -> str | None:
    """The reference a search term stands for ("nac 7kq4 m2xd", "7KQ4-M2XD", "7kq4m2xd" all mean
    NAC-7KQ4-M2XD), or None. Eight characters without a dash or the prefix count only if they
    hold a digit: "Jonathan" is a name."""
    compact = re.sub(r"[\s-]", "", term.upper())
    if compact.startswith(PREFIX) and len(compact) == len(PREFIX) + 8:
        body = compact[len(PREFIX) :]
    elif len(compact) == 8 and ("-" in term or any(char.isdigit() for char in compact)):
        body = compact
    else:
        return None
    return f"{PREFIX}-{body[:4]}-{body[4:]}" if REFERENCE_BODY.fullmatch(body) else None


def search(queryset: QuerySet, term: str) -> QuerySet:
    """The enquiries a coordinator's search term finds (see the module docstring)."""
    term = " ".join(term.split())
    if not term:
        return queryset
    if looks_like_phone(term):
        try:
            return queryset.filter(phone=normalise_phone(term))
        except PhoneNumberError:  # part of a number: match the digits anywhere in it
            return queryset.filter(phone__contains=SEPARATORS.sub("", term).lstrip("+"))
    if reference := reference_in(term):
        return queryset.filter(reference=reference)
    if "@" in term and " " not in term:
        whole = queryset.alias(email_lower=Lower("email")).filter(email_lower=term.lower())
        return whole if whole.exists() else queryset.filter(email__icontains=term)
    return queryset.filter(Q(name__icontains=term) | Q(email__icontains=term))


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
    )


def is_coordinator(request: HttpRequest) -> bool:
    """Whether the signed-in user may be assigned enquiries. Remembered on the request: the admin
    asks several times for one page."""
    if not hasattr(request, "contact_is_coordinator"):
        request.contact_is_coordinator = coordinators().filter(pk=request.user.pk).exists()
    return request.contact_is_coordinator
