"""
Enquiries in the Django admin, for the Coordinators group (and superusers) only.

What the patient sent is read-only for everyone, so a coordinator can never change it, not even
with a hand-made POST (read-only fields are not in the admin's form at all). Coordinators change
the status and the assignee and add notes; notes are append-only. The admin's history
(LogEntry) records every change; objects appear there by reference only.
"""

import csv

from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.templatetags.static import static
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.timesince import timesince

from contact.calculator import answers_in_words, describe_result, result_page_path
from contact.models import COORDINATORS_GROUP, Enquiry, EnquiryNote
from contact.phone import SEPARATORS, looks_like_phone

PATIENT_FIELDS = [
    "reference",
    "created_at",
    "name",
    "email",
    "phone",
    "preferred_contact",
    "condition",
    "message",
    "calculator_summary",
    "consent_at",
]
NOTIFICATION_FIELDS = [
    "coordinator_mail",
    "acknowledgement_mail",
    "notification_error",
    "notification_attempts",
    "notification_attempted_at",
]
# Spreadsheet programs run cells that start with these as formulas (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class NotificationFilter(admin.SimpleListFilter):
    title = "notification"
    parameter_name = "mail"

    def lookups(self, request, model_admin):
        return [("failed", "Failed"), ("pending", "Pending"), ("sent", "All sent")]

    def queryset(self, request, queryset):
        failed = Enquiry.MailStatus.FAILED
        pending = Enquiry.MailStatus.PENDING
        if self.value() == "failed":
            return queryset.filter(Q(coordinator_mail=failed) | Q(acknowledgement_mail=failed))
        if self.value() == "pending":
            return queryset.filter(Q(coordinator_mail=pending) | Q(acknowledgement_mail=pending)).exclude(
                Q(coordinator_mail=failed) | Q(acknowledgement_mail=failed)
            )
        if self.value() == "sent":
            return queryset.exclude(coordinator_mail__in=[failed, pending]).exclude(
                acknowledgement_mail__in=[failed, pending]
            )
        return queryset


class EnquiryNoteInline(admin.StackedInline):
    """Internal notes: add-only. Existing notes show read-only, with their author and time."""

    model = EnquiryNote
    extra = 1
    fields = ["text", "written_by", "created_at"]
    readonly_fields = ["written_by", "created_at"]
    can_delete = False
    verbose_name = "internal note"
    verbose_name_plural = "internal notes (seen by staff only; a note cannot be changed once saved)"

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description="by")
    def written_by(self, note: EnquiryNote) -> str:
        if note.pk is None:
            return "you"
        if note.author is None:
            return "a former staff member"
        return note.author.get_full_name() or note.author.get_username()


@admin.register(Enquiry)
class EnquiryAdmin(admin.ModelAdmin):
    list_display = ["reference", "status_badge", "age", "assignee", "condition", "notification"]
    list_filter = [
        "status",
        ("assignee", admin.RelatedOnlyFieldListFilter),
        ("condition", admin.RelatedOnlyFieldListFilter),
        ("created_at", admin.DateFieldListFilter),
        NotificationFilter,
    ]
    search_fields = ["reference", "name", "email", "phone"]
    search_help_text = "Search by reference, name, email or phone number."
    list_select_related = ["assignee", "condition"]
    ordering = ["-created_at", "-id"]
    list_per_page = 50
    actions = ["export_csv"]
    view_on_site = False
    readonly_fields = [*PATIENT_FIELDS, "updated_at", *NOTIFICATION_FIELDS]
    fieldsets = [
        ("What the patient sent", {"fields": PATIENT_FIELDS}),
        ("Handling", {"fields": ["status", "assignee", "updated_at"]}),
        (
            "Notification emails",
            {
                "fields": NOTIFICATION_FIELDS,
                "description": "Failed emails are retried automatically (manage.py retry_notifications).",
            },
        ),
    ]
    inlines = [EnquiryNoteInline]

    # --- Permissions: enquiries only ever come from patients ---
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_export_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("contact.export_enquiry")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assignee":
            kwargs["queryset"] = (
                get_user_model()
                .objects.filter(groups__name=COORDINATORS_GROUP, is_active=True)
                .distinct()
                .order_by("first_name", "last_name", "username")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        notes = formset.save(commit=False)
        for note in notes:
            if note._state.adding:  # the inline cannot change saved notes anyway
                note.author = request.user
                note.save()
        formset.save_m2m()

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if looks_like_phone(search_term):
            # Numbers are stored as +6591234567: find "9123 4567" and "+65 9123-4567" too.
            digits = SEPARATORS.sub("", search_term).lstrip("+")
            results = results | queryset.filter(phone__contains=digits)
        return results, may_have_duplicates

    # --- Columns ---
    @admin.display(description="status", ordering="status")
    def status_badge(self, enquiry: Enquiry) -> str:
        if enquiry.status == Enquiry.Status.NEW:
            return format_html(
                '<strong><img src="{}" alt="" width="14" height="14"> New</strong>',
                static("admin/img/icon-alert.svg"),
            )
        return enquiry.get_status_display()

    @admin.display(description="age", ordering="created_at")
    def age(self, enquiry: Enquiry) -> str:
        return format_html(
            '<time datetime="{}" title="{}">{}</time>',
            enquiry.created_at.isoformat(),
            timezone.localtime(enquiry.created_at).strftime("%d %b %Y %H:%M"),
            timesince(enquiry.created_at, depth=1),
        )

    @admin.display(description="emails")
    def notification(self, enquiry: Enquiry) -> str:
        status = enquiry.notification_status
        if status == Enquiry.MailStatus.FAILED:
            return format_html("<strong>{}</strong>", Enquiry.MailStatus.FAILED.label)
        return Enquiry.MailStatus(status).label

    @admin.display(description="calculator result")
    def calculator_summary(self, enquiry: Enquiry) -> str:
        """The result as the patient saw it, with its date, the answers in words and a link to the
        same result page (contact/calculator.py)."""
        data = enquiry.calculator_result
        if not isinstance(data, dict) or not data:
            return "None attached"
        html = format_html(
            '<ul class="calculator-result">{}</ul>',
            format_html_join("", "<li>{}</li>", ((line,) for line in describe_result(data))),
        )
        answers = answers_in_words(data)
        if answers:
            html += format_html(
                '<table><caption>The patient\'s answers</caption><thead><tr><th scope="col">Question</th>'
                '<th scope="col">Answer</th></tr></thead><tbody>{}</tbody></table>',
                format_html_join(
                    "",
                    '<tr><th scope="row">{}. {}</th><td>{}</td></tr>',
                    (
                        (number, question, answer)
                        for number, (question, answer) in enumerate(answers, start=1)
                    ),
                ),
            )
        path = result_page_path(data)
        if path:
            html += format_html('<p><a href="{}">Open the result page the patient saw</a></p>', path)
        return html + format_html(
            "<p>{}</p>",
            "Grade: SMC grading (Lee et al. 2012). Eyelid score: Jankovic rating scale (Jankovic and "
            "Orman 1987). Asked in the clinic's own words; an estimate, not a clinician's rating.",
        )

    # --- Export ---
    @admin.action(description="Export selected enquiries as CSV", permissions=["export"])
    def export_csv(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
        """The selected (or, with "select all", the filtered) enquiries as a spreadsheet.

        Contact and handling details only: the message and the calculator result stay in the
        admin. Each export is written to the enquiries' history.
        """
        enquiries = list(queryset.select_related("assignee", "condition").order_by("-created_at"))
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        filename = f"enquiries-{timezone.localdate():%Y-%m-%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response.write("\ufeff")  # a byte-order mark, so spreadsheet programs read UTF-8
        writer = csv.writer(response)
        writer.writerow(
            [
                "reference",
                "received",
                "status",
                "assignee",
                "condition",
                "name",
                "email",
                "phone",
                "preferred contact",
                "calculator result attached",
                "emails",
            ]
        )
        for enquiry in enquiries:
            writer.writerow(
                csv_cell(value)
                for value in [
                    enquiry.reference,
                    timezone.localtime(enquiry.created_at).strftime("%Y-%m-%d %H:%M"),
                    enquiry.get_status_display(),
                    enquiry.assignee.get_username() if enquiry.assignee else "",
                    enquiry.condition.name if enquiry.condition else "",
                    enquiry.name,
                    enquiry.email,
                    enquiry.phone,
                    enquiry.get_preferred_contact_display(),
                    "yes" if enquiry.calculator_result else "no",
                    Enquiry.MailStatus(enquiry.notification_status).label,
                ]
            )
        LogEntry.objects.log_actions(
            user_id=request.user.pk, queryset=enquiries, action_flag=CHANGE, change_message="Exported as CSV."
        )
        return response
