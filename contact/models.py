import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Case, Q, Value, When
from django.urls import reverse

from contact.references import LENGTH as REFERENCE_LENGTH

COORDINATORS_GROUP = "Coordinators"
MESSAGE_MAX_LENGTH = 3000
NOTE_MAX_LENGTH = 4000


class MailStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    NOT_NEEDED = "not_needed", "Not needed"


# A mail in one of these states is still owed: queued, being sent, or failed (and retried).
MAIL_OWED = [MailStatus.PENDING, MailStatus.SENDING, MailStatus.FAILED]


class Mail(models.TextChoices):
    """The two mails sent about each enquiry. Each has its own four fields on Enquiry, named after
    it (see `MailFields`): status, attempts, last error and when it was last tried."""

    COORDINATOR = "coordinator", "Coordinator notice"
    ACKNOWLEDGEMENT = "acknowledgement", "Acknowledgement to patient"


@dataclass(frozen=True)
class MailFields:
    """The names of one mail's fields on Enquiry, e.g. coordinator_mail, coordinator_mail_attempts."""

    status: str
    attempts: str
    error: str
    tried_at: str

    @classmethod
    def of(cls, mail: Mail) -> "MailFields":
        prefix = f"{mail.value}_mail"
        return cls(prefix, f"{prefix}_attempts", f"{prefix}_error", f"{prefix}_tried_at")


def mails_owed_q() -> Q:
    """A coordinator notice or an acknowledgement not sent yet (see Enquiry.mail_owed)."""
    return Q(coordinator_mail__in=MAIL_OWED) | Q(acknowledgement_mail__in=MAIL_OWED)


class EnquiryQuerySet(models.QuerySet):
    def notifications_owed(self) -> "EnquiryQuerySet":
        """Enquiries with a coordinator notice or an acknowledgement not yet sent, read through
        the partial index of those (`enquiry_mail_owed_idx`): a few rows, however many are sent."""
        return self.filter(mail_owed=True)

    def closed(self) -> "EnquiryQuerySet":
        return self.filter(status=Enquiry.Status.CLOSED)

    def still_open(self) -> "EnquiryQuerySet":
        return self.filter(status__in=Enquiry.OPEN_STATUSES)

    def new_unassigned(self) -> "EnquiryQuerySet":
        return self.filter(status=Enquiry.Status.NEW, assignee__isnull=True)


class Enquiry(models.Model):
    """A patient's written enquiry to the care coordinator. What the patient sent never changes."""

    class ContactMethod(models.TextChoices):
        PHONE = "phone", "Phone call"
        EMAIL = "email", "Email"
        EITHER = "either", "Either is fine"

    class Status(models.TextChoices):
        NEW = "new", "New"
        IN_PROGRESS = "in_progress", "In progress"
        WAITING = "waiting", "Waiting for patient"
        CLOSED = "closed", "Closed"

    OPEN_STATUSES = [Status.NEW, Status.IN_PROGRESS, Status.WAITING]
    MailStatus = MailStatus  # Enquiry.MailStatus.SENT reads well at call sites

    # --- What the patient sent (read-only in the admin) ---
    reference = models.CharField(
        max_length=REFERENCE_LENGTH,
        unique=True,
        editable=False,
        help_text="The number the patient was given, e.g. NAC-7KQ4-M2XD.",
    )
    submission_id = models.UUIDField(
        unique=True,
        default=uuid.uuid4,
        editable=False,
        help_text="One-time token of the form the patient filled in: a second submission of the "
        "same form (double click, refresh) finds this enquiry instead of creating another.",
    )
    name = models.CharField(max_length=100)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=16, blank=True, help_text="In international form, e.g. +6591234567.")
    preferred_contact = models.CharField(
        "preferred contact method", max_length=10, choices=ContactMethod, default=ContactMethod.EITHER
    )
    condition = models.ForeignKey(
        "conditions.Condition",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enquiries",
        db_index=False,  # (condition, created_at, id) below serves the filter and its order
        help_text="The condition the patient chose, if any.",
    )
    condition_other = models.CharField(
        "another condition",
        max_length=200,
        blank=True,
        help_text="What the patient wrote when their condition was not among the choices, or "
        "they were not sure.",
    )
    message = models.TextField(max_length=MESSAGE_MAX_LENGTH)
    calculator_result = models.JSONField(
        null=True,
        blank=True,
        help_text="The severity calculator result the patient chose to include (verified signature).",
    )
    consent_at = models.DateTimeField(
        "consent given at", help_text="When the patient ticked the consent box (PDPA)."
    )
    privacy_notice_version = models.CharField(
        "privacy notice agreed to",
        max_length=20,
        blank=True,
        editable=False,
        help_text="The version of the privacy notice on the site when the patient agreed "
        "(settings.PRIVACY_NOTICE_VERSION); empty for enquiries from before versions were recorded.",
    )
    created_at = models.DateTimeField("received", auto_now_add=True)

    # --- Handling, by coordinators ---
    status = models.CharField(max_length=12, choices=Status, default=Status.NEW)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_enquiries",
        db_index=False,  # (assignee, created_at, id) below serves the filter and its order
        help_text="The coordinator looking after this enquiry.",
    )
    updated_at = models.DateTimeField(
        "last updated", auto_now=True, help_text="Last change by a coordinator (or when received)."
    )

    # --- Notification mails (set by contact.notifications, never by hand): see `Mail` ---
    coordinator_mail = models.CharField(
        "coordinator notice", max_length=10, choices=MailStatus, default=MailStatus.PENDING
    )
    coordinator_mail_attempts = models.PositiveSmallIntegerField("coordinator notice: attempts", default=0)
    coordinator_mail_error = models.TextField(
        "coordinator notice: last error", blank=True, help_text="Why the last attempt failed."
    )
    coordinator_mail_tried_at = models.DateTimeField("coordinator notice: last tried", null=True, blank=True)
    acknowledgement_mail = models.CharField(
        "acknowledgement to patient", max_length=10, choices=MailStatus, default=MailStatus.PENDING
    )
    acknowledgement_mail_attempts = models.PositiveSmallIntegerField("acknowledgement: attempts", default=0)
    acknowledgement_mail_error = models.TextField(
        "acknowledgement: last error", blank=True, help_text="Why the last attempt failed."
    )
    acknowledgement_mail_tried_at = models.DateTimeField("acknowledgement: last tried", null=True, blank=True)
    # Kept by the database from the two statuses, so that a partial index can hold exactly the
    # enquiries with a mail owed: SQLite uses a partial index only when a query repeats its simple
    # condition (mail_owed = true), not one with IN lists and OR.
    mail_owed = models.GeneratedField(
        expression=Case(When(mails_owed_q(), then=Value(True)), default=Value(False)),
        output_field=models.BooleanField(),
        db_persist=True,
    )

    objects = EnquiryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "enquiries"
        ordering = ["-created_at", "-id"]
        permissions = [
            ("export_enquiry", "Can export enquiries as CSV"),
            ("answer_data_request", "Can answer a patient's data request (PDPA): export, correct, delete"),
        ]
        # The coordinators' list at 100,000 enquiries: each filter it offers, in its order
        # (newest first), is an index range read backwards, so a page costs the same however many
        # enquiries there are. `id` breaks ties in created_at, as the ordering does.
        indexes = [
            models.Index(fields=["created_at", "id"], name="enquiry_created_idx"),
            models.Index(fields=["status", "created_at", "id"], name="enquiry_status_created_idx"),
            models.Index(fields=["assignee", "created_at", "id"], name="enquiry_assignee_created_idx"),
            models.Index(fields=["condition", "created_at", "id"], name="enquiry_condition_created_idx"),
            # The condition filter's choices: is there an open enquiry about this condition?
            models.Index(fields=["condition", "status"], name="enquiry_condition_status_idx"),
            # Search (contact.inbox.search): a whole phone number or email address is looked up in
            # its index; part of a name, email or number is looked for in the index alone (a small
            # fraction of the table), and only the matching rows are read.
            models.Index(fields=["name"], name="enquiry_name_idx"),
            models.Index(fields=["email"], name="enquiry_email_idx"),
            models.Index(fields=["phone"], name="enquiry_phone_idx"),
            # The few enquiries with a mail still owed (the "emails" filter, retry_notifications).
            models.Index(
                fields=["created_at", "id"], condition=Q(mail_owed=True), name="enquiry_mail_owed_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(email="") | ~Q(phone=""), name="enquiry_has_email_or_phone"),
            models.CheckConstraint(
                condition=~Q(preferred_contact="email") | ~Q(email=""),
                name="enquiry_email_preference_has_email",
            ),
            models.CheckConstraint(
                condition=~Q(preferred_contact="phone") | ~Q(phone=""),
                name="enquiry_phone_preference_has_phone",
            ),
        ]

    def __str__(self) -> str:
        # The reference only: __str__ ends up in admin history and logs, which must hold no
        # personal data.
        return self.reference

    def get_absolute_url(self) -> str:
        # Staff-only: enquiries have no public page.
        return reverse("admin:contact_enquiry_change", kwargs={"object_id": self.pk})

    def mail_status(self, mail: Mail) -> str:
        return getattr(self, MailFields.of(mail).status)

    @property
    def notification_status(self) -> str:
        """One word for the list: failed if any mail failed, pending if any is still owed, else sent."""
        statuses = {self.coordinator_mail, self.acknowledgement_mail}
        if MailStatus.FAILED in statuses:
            return MailStatus.FAILED
        if statuses & {MailStatus.PENDING, MailStatus.SENDING}:
            return MailStatus.PENDING
        return MailStatus.SENT


class EnquiryNote(models.Model):
    """An internal note by a coordinator. Append-only: notes are never edited or deleted."""

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    text = models.TextField("note", max_length=NOTE_MAX_LENGTH)
    created_at = models.DateTimeField("written", auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        # No note text here: __str__ is written to the admin's history.
        return f"note {self.pk}" if self.pk else "new note"


class EnquiryAccess(models.Model):
    """One entry of the access trail: a staff member read, searched, exported, corrected or deleted
    enquiries. Written by contact.services.access_record, never changed or deleted in the admin
    (only superusers see it there). It names enquiries by reference and says what was searched
    for; it never holds what a patient wrote."""

    class Action(models.TextChoices):
        VIEW = "view", "Viewed an enquiry"
        LIST = "list", "Listed enquiries with a search or filter"
        EXPORT = "export", "Exported enquiries"
        DELETE = "delete", "Deleted enquiries"
        DATA_REQUEST_LIST = "request_list", "Data request: listed a patient's enquiries"
        DATA_REQUEST_EXPORT = "request_export", "Data request: exported a patient's enquiries"
        DATA_REQUEST_CORRECT = "request_correct", "Data request: corrected contact details"
        DATA_REQUEST_DELETE = "request_delete", "Data request: deleted a patient's enquiries"

    at = models.DateTimeField("when", auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    username = models.CharField(
        "who", max_length=150, help_text="The staff member's user name (kept if the account is removed)."
    )
    action = models.CharField(max_length=16, choices=Action)
    references = models.TextField(
        blank=True, help_text="The references of the enquiries concerned, comma-separated."
    )
    count = models.PositiveIntegerField(default=0, help_text="How many enquiries it concerned.")
    query = models.CharField(
        "search or filter",
        max_length=500,
        blank=True,
        help_text="What was searched for or filtered on, or which details were corrected.",
    )

    class Meta:
        verbose_name = "access trail entry"
        verbose_name_plural = "access trail"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["username", "-at"])]

    def __str__(self) -> str:
        return f"{self.username} {self.get_action_display().lower()} ({self.count})"
