import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from contact.references import LENGTH as REFERENCE_LENGTH

COORDINATORS_GROUP = "Coordinators"
MESSAGE_MAX_LENGTH = 3000
NOTE_MAX_LENGTH = 4000


class EnquiryQuerySet(models.QuerySet):
    def notifications_owed(self) -> "EnquiryQuerySet":
        """Enquiries with a coordinator notice or an acknowledgement still pending or failed."""
        owed = [Enquiry.MailStatus.PENDING, Enquiry.MailStatus.FAILED]
        return self.filter(Q(coordinator_mail__in=owed) | Q(acknowledgement_mail__in=owed))

    def closed(self) -> "EnquiryQuerySet":
        return self.filter(status=Enquiry.Status.CLOSED)


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

    class MailStatus(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        NOT_NEEDED = "not_needed", "Not needed"

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
        help_text="The condition the patient chose, if any.",
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
    created_at = models.DateTimeField("received", auto_now_add=True, db_index=True)

    # --- Handling, by coordinators ---
    status = models.CharField(max_length=12, choices=Status, default=Status.NEW, db_index=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_enquiries",
        help_text="The coordinator looking after this enquiry.",
    )
    updated_at = models.DateTimeField(
        "last updated", auto_now=True, help_text="Last change by a coordinator (or when received)."
    )

    # --- Notifications (set by contact.notifications, never by hand) ---
    coordinator_mail = models.CharField(
        "coordinator notice", max_length=10, choices=MailStatus, default=MailStatus.PENDING
    )
    acknowledgement_mail = models.CharField(
        "acknowledgement to patient", max_length=10, choices=MailStatus, default=MailStatus.PENDING
    )
    notification_error = models.TextField(blank=True, help_text="Why the last attempt to send failed.")
    notification_attempts = models.PositiveSmallIntegerField(default=0)
    notification_attempted_at = models.DateTimeField(null=True, blank=True)

    objects = EnquiryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "enquiries"
        ordering = ["-created_at", "-id"]
        permissions = [("export_enquiry", "Can export enquiries as CSV")]
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

    @property
    def notification_status(self) -> str:
        """One word for the list: failed if any mail failed, pending if any is owed, else sent."""
        statuses = {self.coordinator_mail, self.acknowledgement_mail}
        if self.MailStatus.FAILED in statuses:
            return self.MailStatus.FAILED
        if self.MailStatus.PENDING in statuses:
            return self.MailStatus.PENDING
        return self.MailStatus.SENT


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
