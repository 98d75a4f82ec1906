"""
Enquiries in the Django admin, for the Coordinators group (and superusers) only.

What the patient sent is read-only for everyone, so a coordinator can never change it, not even
with a hand-made POST (read-only fields are not in the admin's form at all). Coordinators change
the status and the assignee and add notes; notes are append-only. The admin's history
(LogEntry) records every change, each "assign to me" and each export; objects appear there by
reference only. The access trail (contact.trail) records every reading: an enquiry opened, a list
searched or filtered, an export, a deletion, and each step of a patient's data request (the "Data
request" page, below).

The list is the coordinators' inbox, kept fast at 100,000 enquiries (contact/inbox.py: filters,
search and the columns it reads). Two views of our own sit beside Django's: "assign to me"
(one POST, CSRF-protected, from the list or the enquiry's page) and the CSV export of everything
the list's current filter matches (contact/export.py, streamed).

Layout of EnquiryAdmin: the list, the change page, permissions, our own URLs and views, actions,
then the columns and fields they show.
"""

from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG, ChangeList
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.timesince import timesince
from django.views.decorators.http import require_POST

from contact import data_requests, inbox
from contact.calculator import answers_in_words, describe_result, result_page_path
from contact.export import csv_response
from contact.forms import DataRequestCorrectionForm, DataRequestForm
from contact.models import Enquiry, EnquiryAccess, EnquiryNote, Mail, MailFields, MailStatus
from contact.services import enquiry_take, next_try_delay
from contact.trail import access_record, references_of

PATIENT_FIELDS = [
    "reference",
    "created_at",
    "name",
    "email_link",
    "phone_link",
    "preferred_contact",
    "condition",
    "condition_other",
    "message",
    "calculator_summary",
    "consent_at",
    "privacy_notice_version",
]
MESSAGE_START_WORDS = 12


class EnquiryChangeList(ChangeList):
    """The list reads only the columns it shows (see contact.inbox.list_queryset)."""

    def get_queryset(self, request, exclude_parameters=None):
        return inbox.list_queryset(super().get_queryset(request, exclude_parameters))


# Changelist parameters that only page, sort or show counts: a list with nothing else is not a search.
PAGING_PARAMETERS = {"p", "o", "_facets"}


def export_log(request: HttpRequest, *, count: int, what: str) -> None:
    """One history entry per export, naming what was exported and how many rows (not one per row)."""
    LogEntry.objects.create(
        user_id=request.user.pk,
        content_type=ContentType.objects.get_for_model(Enquiry),
        object_id=None,
        object_repr=f"CSV export of {count} enquiries",
        action_flag=CHANGE,
        change_message=f"Exported {count} enquiries as CSV: {what}.",
    )


def filter_description(changelist: ChangeList) -> str:
    """The list's current filter in words, e.g. "status: New; assigned to: Nobody". A search is
    only mentioned: its term may be a patient's name, which the history must not keep."""
    parts = []
    for spec in changelist.filter_specs:
        if not any(param in changelist.params for param in spec.expected_parameters()):
            continue
        chosen = [str(choice["display"]) for choice in spec.choices(changelist) if choice["selected"]]
        parts.append(f"{spec.title}: {', '.join(chosen) or 'chosen'}")
    if changelist.query:
        parts.append("with a search (the term is not recorded)")
    return "; ".join(parts) or "all enquiries"


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
        return inbox.display_name(note.author)


@admin.register(Enquiry)
class EnquiryAdmin(admin.ModelAdmin):
    # --- The list (the coordinators' inbox) ---
    list_display = [
        "reference",
        "status_badge",
        "age",
        "patient",
        "condition_name",
        "message_start",
        "assignee_name",
        "notification",
    ]
    list_filter = [
        "status",
        inbox.AssigneeFilter,
        inbox.ConditionFilter,
        ("created_at", admin.DateFieldListFilter),
        inbox.MailFilter,
    ]
    # Search is ours (get_search_results); a search field must be named for the box to show.
    search_fields = ["reference"]
    search_help_text = "Search by reference, name, email or phone number."
    list_select_related = ["assignee", "condition"]
    ordering = ["-created_at", "-id"]
    sortable_by = ["reference", "age"]  # orders an index can serve
    list_per_page = 50
    # No second count of every enquiry for a filtered list, and no per-choice counts in the
    # sidebar ("Show counts" runs a count for every filter choice over the whole table).
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    actions = ["export_csv", "assign_to_me"]

    # --- The change page ---
    view_on_site = False
    readonly_fields = [*PATIENT_FIELDS, "updated_at", "mail_summary"]
    fieldsets = [
        ("What the patient sent", {"fields": PATIENT_FIELDS}),
        ("Handling", {"fields": ["status", "assignee", "updated_at"]}),
        (
            "Notification emails",
            {
                "fields": ["mail_summary"],
                "description": "Sent by the task worker. A failed email is tried again by itself "
                "(after 1 minute, 5 minutes, and so on up to 12 hours).",
            },
        ),
    ]
    inlines = [EnquiryNoteInline]

    class Media:
        css = {"all": ["contact/admin.css"]}

    # --- Permissions: enquiries only ever come from patients ---
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_export_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("contact.export_enquiry")

    def has_take_permission(self, request: HttpRequest, obj=None) -> bool:
        """Only a coordinator may be an enquiry's assignee, so only a coordinator can take one."""
        return self.has_change_permission(request, obj) and inbox.is_coordinator(request)

    def has_data_request_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("contact.answer_data_request")

    # --- The access trail: every reading of enquiries is recorded (contact.trail) ---
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

    def delete_model(self, request: HttpRequest, obj: Enquiry) -> None:
        access_record(user=request.user, action=EnquiryAccess.Action.DELETE, references=[obj.reference])
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        references = list(queryset.values_list("reference", flat=True))
        access_record(user=request.user, action=EnquiryAccess.Action.DELETE, references=references)
        super().delete_queryset(request, queryset)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assignee":
            kwargs["queryset"] = inbox.coordinators()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        formset.save(commit=False)
        for note in formset.new_objects:  # the inline cannot change saved notes anyway
            note.author = request.user
            note.save()
        formset.save_m2m()

    def get_list_display(self, request: HttpRequest):
        if self.has_take_permission(request):
            return self.list_display
        # Without the "Take" button for those who cannot be assigned enquiries.
        return [name if name != "assignee_name" else "assignee_only" for name in self.list_display]

    def get_changelist(self, request: HttpRequest, **kwargs):
        return EnquiryChangeList

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str):
        return inbox.search(queryset, search_term), False

    def changelist_view(self, request: HttpRequest, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_export": self.has_export_permission(request),
            "can_take": self.has_take_permission(request),
        }
        response = super().changelist_view(request, extra_context)
        # A list with a search or a filter is a reading of those enquiries: into the trail.
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

    def change_view(self, request: HttpRequest, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "can_take": self.has_take_permission(request)}
        response = super().change_view(request, object_id, form_url, extra_context)
        self._record_view(request, response)
        return response

    # --- Our own URLs: assign to me, export what the list shows, a patient's data request ---
    def get_urls(self):
        own = [
            path(
                "export/",
                self.admin_site.admin_view(require_POST(self.export_view)),
                name="contact_enquiry_export",
            ),
            path(
                "data-request/",
                self.admin_site.admin_view(self.data_request_view),
                name="contact_enquiry_data_request",
            ),
            path(
                "<path:object_id>/take/",
                self.admin_site.admin_view(require_POST(self.take_view)),
                name="contact_enquiry_take",
            ),
        ]
        return own + super().get_urls()

    def take_view(self, request: HttpRequest, object_id: str) -> HttpResponseRedirect:
        """Assign one enquiry to the coordinator who clicked, unless someone else has it; then
        show the enquiry."""
        enquiry = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_take_permission(request, enquiry):
            raise PermissionDenied
        if enquiry.assignee_id not in (None, request.user.pk):
            self.message_user(
                request,
                f"{enquiry.reference} is already assigned to {inbox.display_name(enquiry.assignee)}. "
                "To take it over, change the assignee below.",
                messages.WARNING,
            )
        elif self._take(request, enquiry):
            self.message_user(request, f"{enquiry.reference} is now assigned to you.", messages.SUCCESS)
        else:
            self.message_user(
                request, f"{enquiry.reference} was just taken by someone else.", messages.WARNING
            )
        return HttpResponseRedirect(reverse("admin:contact_enquiry_change", args=[enquiry.pk]))

    def _take(self, request: HttpRequest, enquiry: Enquiry) -> bool:
        if not enquiry_take(enquiry_id=enquiry.pk, user=request.user):
            return False
        self.log_change(request, enquiry, [{"changed": {"fields": ["Assignee"]}}])
        return True

    def export_view(self, request: HttpRequest):
        """Everything the list's current filter and search match, as CSV (POST: it is logged)."""
        if not (self.has_view_permission(request) and self.has_export_permission(request)):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
            queryset = changelist.get_queryset(request)
        except IncorrectLookupParameters:  # a hand-made address: back to the list, as Django does
            return HttpResponseRedirect(f"{reverse('admin:contact_enquiry_changelist')}?{ERROR_FLAG}=1")
        count, what = queryset.count(), filter_description(changelist)
        export_log(request, count=count, what=what)
        access_record(user=request.user, action=EnquiryAccess.Action.EXPORT, count=count, query=what)
        return csv_response(queryset)

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

    # --- Actions (on the rows selected in the list) ---
    @admin.action(description="Export selected enquiries as CSV", permissions=["export"])
    def export_csv(self, request: HttpRequest, queryset: QuerySet) -> StreamingHttpResponse:
        """The selected enquiries as a spreadsheet (to export a whole filter, use the button)."""
        references = list(queryset.values_list("reference", flat=True))
        export_log(request, count=len(references), what="rows selected in the list")
        access_record(user=request.user, action=EnquiryAccess.Action.EXPORT, references=references)
        return csv_response(queryset.order_by("-created_at", "-id"))

    @admin.action(description="Assign selected enquiries to me", permissions=["take"])
    def assign_to_me(self, request: HttpRequest, queryset: QuerySet) -> None:
        taken, skipped = 0, 0
        for enquiry in queryset.select_related(None).only("pk", "reference", "assignee"):
            if enquiry.assignee_id == request.user.pk:
                continue
            if self._take(request, enquiry):
                taken += 1
            else:
                skipped += 1
        message = f"{taken} enquiries assigned to you."
        if skipped:
            message += f" {skipped} already had another coordinator and were left as they were."
        self.message_user(request, message, messages.WARNING if skipped else messages.SUCCESS)

    # --- Columns of the list ---
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

    @admin.display(description="patient")
    def patient(self, enquiry: Enquiry) -> str:
        return enquiry.name

    @admin.display(description="condition")
    def condition_name(self, enquiry: Enquiry) -> str:
        if enquiry.condition:
            return enquiry.condition.name
        return Truncator(enquiry.condition_other).words(6) if enquiry.condition_other else "-"

    @admin.display(description="message")
    def message_start(self, enquiry: Enquiry) -> str:
        return Truncator(enquiry.message_start).words(MESSAGE_START_WORDS)

    @admin.display(description="assigned to")
    def assignee_name(self, enquiry: Enquiry) -> str:
        if enquiry.assignee is not None:
            return inbox.display_name(enquiry.assignee)
        # One click: this button posts the list's own form (with its CSRF token) to take_view.
        return format_html(
            '<button type="submit" class="enquiry-take" formaction="{}" aria-label="Assign {} to me">'
            "Take</button>",
            reverse("admin:contact_enquiry_take", args=[enquiry.pk]),
            enquiry.reference,
        )

    @admin.display(description="assigned to")
    def assignee_only(self, enquiry: Enquiry) -> str:
        return inbox.display_name(enquiry.assignee) if enquiry.assignee is not None else "-"

    @admin.display(description="emails")
    def notification(self, enquiry: Enquiry) -> str:
        status = enquiry.notification_status
        if status == MailStatus.FAILED:
            return format_html("<strong>{}</strong>", MailStatus.FAILED.label)
        return MailStatus(status).label

    # --- Fields of the change page ---
    @admin.display(description="email")
    def email_link(self, enquiry: Enquiry) -> str:
        if not enquiry.email:
            return "-"
        return format_html('<a href="mailto:{}">{}</a>', enquiry.email, enquiry.email)

    @admin.display(description="phone")
    def phone_link(self, enquiry: Enquiry) -> str:
        if not enquiry.phone:
            return "-"
        return format_html('<a href="tel:{}">{}</a>', enquiry.phone, enquiry.phone)

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

    @admin.display(description="emails")
    def mail_summary(self, enquiry: Enquiry) -> str:
        """Each mail: its status, attempts, when it was last tried, the next try and the error."""
        rows = []
        for mail in Mail:
            fields = MailFields.of(mail)
            status = MailStatus(getattr(enquiry, fields.status))
            attempts = getattr(enquiry, fields.attempts)
            tried_at = getattr(enquiry, fields.tried_at)
            note = getattr(enquiry, fields.error)
            if status == MailStatus.FAILED:
                delay = next_try_delay(attempts)
                note += (
                    f" Next try about {timezone.localtime(tried_at + delay):%d %b %H:%M}."
                    if delay and tried_at
                    else " No more automatic tries: see docs/enquiries.md to send it again."
                )
            elif status == MailStatus.SENDING:
                note = "Being sent now."
            rows.append(
                (
                    mail.label,
                    status.label,
                    attempts,
                    timezone.localtime(tried_at).strftime("%d %b %Y %H:%M") if tried_at else "-",
                    note.strip() or "-",
                )
            )
        return format_html(
            '<table class="enquiry-mails"><thead><tr><th scope="col">email</th><th scope="col">status'
            '</th><th scope="col">attempts</th><th scope="col">last tried</th><th scope="col">'
            "details</th></tr></thead><tbody>{}</tbody></table>",
            format_html_join(
                "",
                '<tr><th scope="row">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
                rows,
            ),
        )


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
