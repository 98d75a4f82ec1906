"""
Enquiries in the Django admin, for the Coordinators group (and superusers) only.

What the patient sent is read-only for everyone, so a coordinator can never change it, not even
with a hand-made POST (read-only fields are not in the admin's form at all). Coordinators change
the status and the assignee and add notes; notes are append-only. The admin's history
(LogEntry) records every change; objects appear there by reference only. The access trail
(contact.trail) records every reading: an enquiry opened, a list searched or filtered, an export,
a deletion, and each step of a patient's data request (the "Data request" page, below).
"""

import csv
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.timesince import timesince

from contact import data_requests
from contact.calculator import describe_result
from contact.forms import DataRequestCorrectionForm, DataRequestForm
from contact.models import COORDINATORS_GROUP, Enquiry, EnquiryAccess, EnquiryNote
from contact.phone import SEPARATORS, looks_like_phone
from contact.trail import access_record, references_of

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
    "privacy_notice_version",
]
NOTIFICATION_FIELDS = [
    "coordinator_mail",
    "acknowledgement_mail",
    "notification_error",
    "notification_attempts",
    "notification_attempted_at",
]
# Changelist parameters that only page or sort: a list with nothing else is not a search.
PAGING_PARAMETERS = {"p", "o"}
csv_cell = data_requests.csv_cell


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

    def has_data_request_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("contact.answer_data_request")

    # --- The access trail: every reading of enquiries is recorded (contact.trail) ---
    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        self._record_view(request, response)
        return response

    def history_view(self, request: HttpRequest, object_id: str, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        self._record_view(request, response)
        return response

    def _record_view(self, request: HttpRequest, response) -> None:
        """An enquiry's page was shown (not a redirect after saving: the page before was recorded)."""
        context = getattr(response, "context_data", None) or {}
        enquiry = context.get("original") or context.get("object")  # the change page, the history
        if response.status_code == 200 and isinstance(enquiry, Enquiry):
            access_record(user=request.user, action=EnquiryAccess.Action.VIEW, references=[enquiry.reference])

    def changelist_view(self, request: HttpRequest, extra_context=None):
        response = super().changelist_view(request, extra_context)
        searched = {key: values for key, values in request.GET.lists() if key not in PAGING_PARAMETERS}
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if searched and changelist is not None:
            access_record(
                user=request.user,
                action=EnquiryAccess.Action.LIST,
                references=references_of(changelist.result_list),
                query=urlencode(searched, doseq=True),
            )
        return response

    def delete_model(self, request: HttpRequest, obj: Enquiry) -> None:
        access_record(user=request.user, action=EnquiryAccess.Action.DELETE, references=[obj.reference])
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        references = list(queryset.values_list("reference", flat=True))
        access_record(user=request.user, action=EnquiryAccess.Action.DELETE, references=references)
        super().delete_queryset(request, queryset)

    # --- A patient's data request (PDPA) ---
    def get_urls(self):
        own = [
            path(
                "data-request/",
                self.admin_site.admin_view(self.data_request_view),
                name="contact_enquiry_data_request",
            )
        ]
        return own + super().get_urls()

    def data_request_view(self, request: HttpRequest) -> HttpResponse:
        """Find a patient's enquiries by email or phone; then export, correct or delete them all.

        The patient is named in the address (GET) for finding, and in the form (POST) for acting,
        so every step is a plain link or form and each is written to the access trail."""
        if not self.has_data_request_permission(request):
            raise PermissionDenied
        source = request.POST if request.method == "POST" else request.GET
        form = DataRequestForm(source if source.get("email") or source.get("phone") else None)
        correction = DataRequestCorrectionForm(prefix="new")
        enquiries: list[Enquiry] = []
        if form.is_valid():
            who = {"email": form.cleaned_data["email"], "phone": form.cleaned_data["phone"]}
            step = request.POST.get("step") if request.method == "POST" else ""
            if step == "export":
                enquiries = list(
                    Enquiry.objects.filter(data_requests.patient_filter(**who)).select_related("condition")
                )
                content = data_requests.data_request_export(user=request.user, enquiries=enquiries)
                response = HttpResponse(content, content_type="text/csv; charset=utf-8")
                filename = f"your-enquiries-{timezone.localdate():%Y-%m-%d}.csv"
                response["Content-Disposition"] = f'attachment; filename="{filename}"'
                return response
            if step == "correct":
                correction = DataRequestCorrectionForm(request.POST, prefix="new")
                if correction.is_valid():
                    enquiries = list(Enquiry.objects.filter(data_requests.patient_filter(**who)))
                    try:
                        data_requests.data_request_correct(
                            user=request.user, enquiries=enquiries, changes=correction.changes()
                        )
                    except ValidationError as error:
                        correction.add_error(None, error)
                    else:
                        messages.success(request, f"Corrected {len(enquiries)} enquiries.")
                        return HttpResponseRedirect(self._data_request_url(correction.new_identity(who)))
            if step == "delete" and request.POST.get("confirm") != "yes":
                messages.error(request, "Tick the box to confirm the deletion; nothing was deleted.")
            elif step == "delete":
                enquiries = list(Enquiry.objects.filter(data_requests.patient_filter(**who)))
                count = data_requests.data_request_delete(user=request.user, enquiries=enquiries)
                messages.success(request, f"Deleted {count} enquiries and their notes, as the patient asked.")
                return HttpResponseRedirect(self._data_request_url({}))
            enquiries = data_requests.data_request_find(user=request.user, **who)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Data request (PDPA)",
            "form": form,
            "correction": correction,
            "enquiries": enquiries,
            "searched": form.is_valid(),
        }
        return TemplateResponse(request, "admin/contact/enquiry/data_request.html", context)

    def _data_request_url(self, who: dict) -> str:
        url = reverse("admin:contact_enquiry_data_request")
        query = {key: value for key, value in who.items() if value}
        return f"{url}?{urlencode(query)}" if query else url

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
        if not enquiry.calculator_result:
            return "None attached"
        lines = describe_result(enquiry.calculator_result)
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((line,) for line in lines)))

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
        access_record(
            user=request.user, action=EnquiryAccess.Action.EXPORT, references=references_of(enquiries)
        )
        return response


@admin.register(EnquiryAccess)
class EnquiryAccessAdmin(admin.ModelAdmin):
    """The access trail, for superusers: read-only for everyone, so it stays append-only."""

    list_display = ["at", "username", "action", "count", "references_short", "query"]
    list_filter = ["action", ("at", admin.DateFieldListFilter)]
    search_fields = ["username", "references", "query"]
    search_help_text = "Search by user name, enquiry reference or what was searched for."
    date_hierarchy = "at"
    list_per_page = 100
    fields = ["at", "username", "action", "count", "references", "query"]
    readonly_fields = fields

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description="enquiries")
    def references_short(self, entry: EnquiryAccess) -> str:
        return entry.references if len(entry.references) <= 60 else entry.references[:57] + "..."
