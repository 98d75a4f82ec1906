"""
The article editing screen and the publishing workflow in the admin.

Editors change the working copy (the article and its parts, as inlines); saving never changes
what patients see. Clinical reviewers (the `publish_condition` permission) sign it off and
publish it, take it off the site, put it back, and restore an old version as a draft, through the
views under "<article>/publish/", ".../versions/" and so on (`get_urls`). Anyone on staff who may
view articles sees an article's versions and compares them. The services in conditions/services.py
do the writing and check the permission again.
"""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminFileWidget, AutocompleteSelectMultiple
from django.core.exceptions import BadRequest, PermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.views.decorators.http import require_POST

from conditions import images, readability
from conditions.compare import compare_snapshots
from conditions.editing import reading_level, text_preview
from conditions.forms import (
    CountedTextarea,
    MarkdownTextarea,
    PublishForm,
    TextBoxField,
    a_year_after,
    one_line,
)
from conditions.models import (
    ArticleFeedback,
    Condition,
    Figure,
    PublishedVersion,
    Reference,
    Section,
    SlugRedirect,
    Synonym,
    Treatment,
    UrgencyAdvice,
)
from conditions.services import (
    PublishRefused,
    can_publish,
    condition_publish,
    condition_republish,
    condition_unpublish,
    version_restore,
)
from conditions.snapshots import snapshot_build
from conditions.views import render_article

REVIEW_SOON_DAYS = 30
VERSIONS_PER_PAGE = 25
# The Markdown texts of the form, by their field names, and the heading level their body starts at.
MARKDOWN_FIELDS = {"sections": 3, "treatments": 4, "urgency_advice": 4}


# --- State of an article --------------------------------------------------------------------------


class State(models.TextChoices):
    LIVE = "live", "Live"
    CHANGED = "changed", "Live, with unpublished changes"
    NEVER = "never", "Never published"
    OFF = "off", "Unpublished (taken off the site)"


def article_state(condition: Condition) -> State:
    """From the annotations of `Condition.objects.with_live_version()`."""
    if condition.live_number is None:
        return State.OFF if condition.has_versions else State.NEVER
    if condition.updated_at > condition.live_source_changed_at:
        return State.CHANGED
    return State.LIVE


def review_due_label(due, today=None) -> str:
    """A next-review date as the list shows it: flagged when overdue or due within 30 days."""
    if due is None:
        return "Not on the site"
    today = today or timezone.localdate()
    if due < today:
        return format_html('<strong class="review-overdue">{} (overdue)</strong>', date_format(due))
    if due <= today + timedelta(days=REVIEW_SOON_DAYS):
        return format_html(
            '<strong class="review-soon">{} (due within {} days)</strong>', date_format(due), REVIEW_SOON_DAYS
        )
    return date_format(due)


class StateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return State.choices

    def queryset(self, request, queryset: QuerySet) -> QuerySet:
        live = models.Q(live_number__isnull=False)
        changed = live & models.Q(updated_at__gt=models.F("live_source_changed_at"))
        filters = {
            State.LIVE: live & ~changed,
            State.CHANGED: changed,
            State.NEVER: models.Q(live_number__isnull=True, has_versions=False),
            State.OFF: models.Q(live_number__isnull=True, has_versions=True),
        }
        if self.value() in filters:
            return queryset.filter(filters[State(self.value())])
        return queryset


class ReviewDueFilter(admin.SimpleListFilter):
    title = "review due"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("overdue", "Overdue"), ("soon", f"Due within {REVIEW_SOON_DAYS} days")]

    def queryset(self, request, queryset: QuerySet) -> QuerySet:
        today = timezone.localdate()
        if self.value() == "overdue":
            return queryset.filter(live_next_review_due__lt=today)
        if self.value() == "soon":
            return queryset.filter(
                live_next_review_due__gte=today,
                live_next_review_due__lte=today + timedelta(days=REVIEW_SOON_DAYS),
            )
        return queryset


# --- The parts (inlines) ----------------------------------------------------------------------------


class ReadingLevelInline:
    readonly_fields = ("reading_level",)

    @admin.display(description="Reading level (when last saved)")
    def reading_level(self, obj) -> str:
        if obj is None or not obj.pk:
            return "Shown after saving (the preview shows it as you type)."
        return reading_level(obj.body)


class PartInline(admin.StackedInline):
    """A kind of part, in its own collapsible group. Deleting a part changes only the draft."""

    extra = 0
    classes = ["collapse"]
    formfield_overrides = {models.TextField: {"widget": MarkdownTextarea, "form_class": TextBoxField}}


class SectionInline(ReadingLevelInline, PartInline):
    model = Section
    fields = ("kind", "body", "reading_level")
    verbose_name_plural = "sections (in a fixed order: overview, symptoms, causes, diagnosis, treatments, outlook, living with it, when to get help)"


class TreatmentInline(ReadingLevelInline, PartInline):
    model = Treatment
    fields = (("name", "position"), ("verdict", "verdict_kind"), "body", "reading_level")
    verbose_name_plural = "treatments (shown in the Treatments section, after its text)"


class UrgencyAdviceInline(ReadingLevelInline, PartInline):
    model = UrgencyAdvice
    fields = ("level", "body", "reading_level")
    max_num = len(UrgencyAdvice.Level)
    verbose_name_plural = "when to get help: urgency blocks (shown in the When to get help section)"


class FigureForm(forms.ModelForm):
    class Meta:
        model = Figure
        fields = ("image", "alt_text", "caption", "section", "position")
        # A plain file field: the figure's own checks (validate_figure_image) then say exactly what
        # is wrong with a file ("too large", "not JPEG, PNG or WebP"). Django's image form field
        # would answer every refusal with one vague message first, and left the upload open.
        field_classes = {"image": forms.FileField}
        widgets = {
            "image": AdminFileWidget(attrs={"accept": ",".join(images.MIME_TYPES.values())}),
            "alt_text": CountedTextarea,
            "caption": CountedTextarea,
        }

    def clean_alt_text(self) -> str:
        return one_line(self.cleaned_data["alt_text"])

    def clean_caption(self) -> str:
        return one_line(self.cleaned_data["caption"])


class FigureInline(PartInline):
    model = Figure
    form = FigureForm
    fields = ("image", "thumbnail", "alt_text", "caption", ("section", "position"))
    readonly_fields = ("thumbnail",)

    @admin.display(description="As shown")
    def thumbnail(self, figure: Figure) -> str:
        sources = figure.sources() if figure and figure.pk else {}
        if not sources:
            return "Shown after saving."
        return format_html(
            '<img class="figure-thumbnail" src="{}" alt="{}" width="{}" height="{}">',
            sources["src"],
            figure.alt_text,
            sources["width"],
            sources["height"],
        )


class ReferenceInline(PartInline):
    # Stacked, so a long title or link never pushes the form off the right of the screen.
    model = Reference
    fields = ("title", ("source", "year"), ("url", "position"))


class SlugRedirectInline(admin.TabularInline):
    model = SlugRedirect
    fields = ("old_slug", "created_at")
    readonly_fields = ("old_slug", "created_at")
    extra = 0
    classes = ["collapse"]
    verbose_name_plural = (
        "old addresses (made when an article is published with a new address; they redirect here)"
    )

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


# --- The article ------------------------------------------------------------------------------------


class RelatedConditionsWidget(AutocompleteSelectMultiple):
    """The admin's autocomplete, shown again after an error with only the ids it can look up: the
    admin's own widget passes whatever was posted to the database (an id like "abc" was a 500)."""

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [v for v in value if str(v).isdigit()], attr)


RESERVED_SLUGS = {"search"}


class ConditionForm(forms.ModelForm):
    class Meta:
        model = Condition
        fields = ("name", "slug", "also_known_as", "summary", "related", "calculator")
        widgets = {"summary": forms.Textarea(attrs={"rows": 3, "class": "sized-text"})}
        field_classes = {"summary": TextBoxField}

    def clean_slug(self) -> str:
        # /conditions/search/ is the search page: an article there could never be reached.
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(
                f'The address "{slug}" is taken by a page of the site. Choose another.'
            )
        return slug

    def clean_related(self):
        related = self.cleaned_data["related"]
        if self.instance.pk and any(other.pk == self.instance.pk for other in related):
            raise forms.ValidationError("An article cannot be related to itself.")
        return related


def _feedback_count(*, useful: bool) -> Coalesce:
    """How many readers answered `useful` on the article (one indexed count per row)."""
    answers = (
        ArticleFeedback.objects.filter(condition=OuterRef("pk"), useful=useful)
        .order_by()
        .values("condition")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(answers), 0)


@admin.register(Condition)
class ConditionAdmin(admin.ModelAdmin):
    form = ConditionForm
    change_form_template = "admin/conditions/condition/change_form.html"
    list_display = ("name", "state", "review_due", "last_change", "feedback")
    list_filter = (StateFilter, ReviewDueFilter)
    search_fields = ("name", "also_known_as", "summary")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("related",)
    view_on_site = False  # the page tools offer the draft's preview; "On the site" links the live page
    readonly_fields = ("summary_reading_level", "publishing")
    fieldsets = [
        (
            "Summary and review",
            {"fields": ("name", "slug", "also_known_as", "summary", "summary_reading_level", "publishing")},
        ),
        # Shown after the parts (change_form.html), as the page shows related conditions last.
        ("Related conditions and calculator", {"fields": ("related", "calculator"), "classes": ["collapse"]}),
    ]
    inlines = [
        SectionInline,
        TreatmentInline,
        UrgencyAdviceInline,
        FigureInline,
        ReferenceInline,
        SlugRedirectInline,
    ]

    class Media:
        css = {"all": ["conditions/admin.css"]}
        js = ["conditions/admin.js"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "related":
            kwargs["widget"] = RelatedConditionsWidget(db_field, self.admin_site)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .with_live_version()
            .select_related("updated_by__staff_profile")
            .annotate(feedback_yes=_feedback_count(useful=True), feedback_no=_feedback_count(useful=False))
        )

    # --- The list

    @admin.display(description="State")
    def state(self, condition: Condition) -> str:
        state = article_state(condition)
        if state in (State.LIVE, State.CHANGED):
            return f"{state.label} (version {condition.live_number})"
        return state.label

    @admin.display(description="Next review due", ordering="live_next_review_due")
    def review_due(self, condition: Condition) -> str:
        return review_due_label(condition.live_next_review_due)

    @admin.display(description="Last changed", ordering="updated_at")
    def last_change(self, condition: Condition) -> str:
        who = _name(condition.updated_by) if condition.updated_by else "not through the admin"
        return f"{date_format(timezone.localtime(condition.updated_at), 'DATETIME_FORMAT')} by {who}"

    @admin.display(description="Is this page useful?", ordering="feedback_no")
    def feedback(self, condition: Condition) -> str:
        if not (condition.feedback_yes or condition.feedback_no):
            return "No answers yet"
        url = reverse("admin:conditions_articlefeedback_changelist")
        return format_html(
            '<a href="{}?condition__id__exact={}">{} yes, {} no</a>',
            url,
            condition.pk,
            condition.feedback_yes,
            condition.feedback_no,
        )

    # --- The change form

    @admin.display(description="Reading level (when last saved)")
    def summary_reading_level(self, condition: Condition) -> str:
        if condition is None or not condition.pk:
            return "Shown after saving."
        return reading_level(condition.summary)

    @admin.display(description="On the site")
    def publishing(self, condition: Condition) -> str:
        if condition is None or not condition.pk:
            return "Save the draft first. A clinical reviewer then publishes it."
        live = PublishedVersion.objects.published().filter(condition=condition).defer("snapshot").first()
        state = article_state(condition)
        lines = [format_html("<strong>{}</strong>", state.label)]
        if live:
            lines.append(
                format_html(
                    'Patients see <a href="{}">version {}</a>, published {}. Last reviewed {} by {}. '
                    "Next review due {}.",
                    live.get_absolute_url(),
                    live.number,
                    date_format(live.published_at),
                    date_format(live.last_reviewed_on),
                    live.last_reviewer_name,
                    review_due_label(live.next_review_due),
                )
            )
        if condition.updated_by:
            lines.append(
                format_html(
                    "Draft last changed {} by {}.",
                    date_format(timezone.localtime(condition.updated_at), "DATETIME_FORMAT"),
                    _name(condition.updated_by),
                )
            )
        return format_html_join("", "<p>{}</p>", ((line,) for line in lines))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if request.method == "POST" and request.FILES and context.get("errors"):
            names = ", ".join(sorted(upload.name for upload in request.FILES.values()))
            messages.warning(
                request,
                f"Nothing was saved because of the errors below, so the image you chose ({names}) was "
                "not uploaded. Please choose the file again before you save.",
            )
        if obj is not None:
            context.update(self._workflow_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _workflow_context(self, request: HttpRequest, condition: Condition) -> dict:
        return {
            "preview_url": reverse("conditions:preview", args=[condition.pk]),
            "versions_url": reverse("admin:conditions_condition_versions", args=[condition.pk]),
            "publish_url": reverse("admin:conditions_condition_publish", args=[condition.pk])
            if can_publish(request.user)
            else "",
        }

    def save_model(self, request: HttpRequest, obj: Condition, form, change: bool) -> None:
        if change and not form.has_changed():
            return  # only parts changed (or nothing): the article's own row stays as it is
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        condition = form.instance
        if form.has_changed() or any(formset.has_changed() for formset in formsets):
            Condition.objects.filter(pk=condition.pk).update(updated_by=request.user)
            live = PublishedVersion.objects.published().filter(condition=condition).values("number").first()
            messages.info(
                request,
                f"Saved as a draft. Patients still see version {live['number']} until a clinical "
                "reviewer publishes the draft."
                if live
                else "Saved as a draft. Patients see it once a clinical reviewer publishes it.",
            )
        for text, label in self._texts(condition):
            result = readability.assess(text)
            if result and result.above_target:
                messages.warning(
                    request,
                    f"{label} reads at grade {result.grade} (reading age about {result.reading_age}). "
                    f"The target is grade {readability.TARGET_GRADE:g} or below (about age 12).",
                )

    @staticmethod
    def _texts(condition: Condition) -> list[tuple[str, str]]:
        texts = [(condition.summary, "The summary")]
        texts += [(s.body, f"The {s.get_kind_display()} section") for s in condition.sections.all()]
        texts += [(t.body, f"The treatment '{t.name}'") for t in condition.treatments.all()]
        texts += [(u.body, f"The '{u.get_level_display()}' block") for u in condition.urgency_advice.all()]
        return texts

    # --- The workflow's own pages

    def get_urls(self):
        def view(function, name: str, route: str):
            return path(route, self.admin_site.admin_view(function), name=f"conditions_condition_{name}")

        return [
            view(self.markdown_preview_view, "markdown_preview", "markdown-preview/"),
            view(self.publish_view, "publish", "<path:object_id>/publish/"),
            view(self.unpublish_view, "unpublish", "<path:object_id>/unpublish/"),
            view(self.republish_view, "republish", "<path:object_id>/republish/"),
            view(self.versions_view, "versions", "<path:object_id>/versions/"),
            view(self.compare_view, "compare", "<path:object_id>/versions/compare/"),
            view(self.version_view, "version", "<path:object_id>/versions/<int:number>/"),
            view(self.restore_view, "restore", "<path:object_id>/versions/<int:number>/restore/"),
            *super().get_urls(),
        ]

    def _article(self, request: HttpRequest, object_id: str, *, publishing: bool = False) -> Condition:
        """The article, if this member of staff may see it (and publish it, for `publishing`)."""
        condition = self.get_object(request, object_id)
        if condition is None:
            raise Http404("No such article.")
        if not self.has_view_or_change_permission(request, condition):
            raise PermissionDenied
        if publishing and not can_publish(request.user):
            raise PermissionDenied
        return condition

    def _page(self, request: HttpRequest, template: str, condition: Condition, title: str, **context):
        return TemplateResponse(
            request,
            f"admin/conditions/condition/{template}",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "original": condition,
                "condition": condition,
                "title": title,
                "change_url": reverse("admin:conditions_condition_change", args=[condition.pk]),
                **self._workflow_context(request, condition),
                **context,
            },
        )

    def publish_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        condition = self._article(request, object_id, publishing=True)
        latest = condition.versions.order_by("-number").defer("snapshot").first()
        today = timezone.localdate()
        form = PublishForm(
            request.POST or None,
            latest=latest,
            initial={
                "reviewed_on": today,
                "next_review_due": a_year_after(today),
                "draft_changed_at": condition.updated_at.isoformat(),
            },
        )
        refused = ""
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                version = condition_publish(
                    condition_id=condition.pk,
                    user=request.user,
                    reviewed_on=data["reviewed_on"],
                    next_review_due=data["next_review_due"],
                    clinical_change=not data["no_clinical_change"],
                    change_note=data["change_note"],
                    reviewer_note=data["reviewer_note"],
                    draft_changed_at=data["draft_changed_at"],
                )
            except PublishRefused as error:
                refused = str(error)
            else:
                messages.success(request, f"Published version {version.number}: patients see it now.")
                return HttpResponseRedirect(
                    reverse("admin:conditions_condition_versions", args=[condition.pk])
                )
        profile = getattr(request.user, "staff_profile", None)
        return self._page(
            request,
            "publish.html",
            condition,
            f"Sign off and publish {condition.name}",
            form=form,
            refused=refused,
            profile=profile if profile and profile.can_sign_off else None,
            latest=latest,
            compare_url=_compare_url(condition, latest.number, "draft") if latest else "",
        )

    def unpublish_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        condition = self._article(request, object_id, publishing=True)
        live = PublishedVersion.objects.published().filter(condition=condition).defer("snapshot").first()
        if request.method == "POST":
            try:
                condition_unpublish(condition_id=condition.pk, user=request.user)
            except PublishRefused as error:
                messages.error(request, str(error))
            else:
                messages.success(request, f'{condition.name} is off the site: patients get "page not found".')
            return HttpResponseRedirect(reverse("admin:conditions_condition_versions", args=[condition.pk]))
        return self._page(
            request, "unpublish.html", condition, f"Take {condition.name} off the site", live=live
        )

    def republish_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        condition = self._article(request, object_id, publishing=True)
        latest = condition.versions.order_by("-number").defer("snapshot").first()
        if request.method == "POST":
            try:
                version = condition_republish(condition_id=condition.pk, user=request.user)
            except PublishRefused as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request,
                    f"Version {latest.number} is back on the site (recorded as version {version.number}).",
                )
            return HttpResponseRedirect(reverse("admin:conditions_condition_versions", args=[condition.pk]))
        return self._page(
            request, "republish.html", condition, f"Put {condition.name} back on the site", latest=latest
        )

    def versions_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        condition = self._article(request, object_id)
        versions = (
            condition.versions.defer("snapshot", "summary")
            .select_related("published_by", "unpublished_by", "republished_from")
            .defer("republished_from__snapshot", "republished_from__summary")
            .order_by("-number")
        )
        page = Paginator(versions, VERSIONS_PER_PAGE).get_page(request.GET.get("page"))
        latest = page.object_list[0].number if page.number == 1 and page.object_list else None
        if latest is None:
            latest = condition.versions.order_by("-number").values_list("number", flat=True).first()
        live = next((v for v in page.object_list if v.is_live), None) or (
            PublishedVersion.objects.published().filter(condition=condition).only("number").first()
        )
        return self._page(
            request,
            "versions.html",
            condition,
            f"Versions of {condition.name}",
            page=page,
            latest=latest,
            live=live,
            state=article_state(condition),
            can_publish=can_publish(request.user),
        )

    def version_view(self, request: HttpRequest, object_id: str, number: int) -> HttpResponse:
        condition = self._article(request, object_id)
        version = get_object_or_404(condition.versions, number=number)
        return render_article(
            request,
            version,
            mode="archive",
            extra={"admin_url": reverse("admin:conditions_condition_versions", args=[condition.pk])},
        )

    def compare_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        condition = self._article(request, object_id)
        sides = []
        for key in ("a", "b"):
            value = request.GET.get(key, "")
            if value == "draft":
                sides.append(("the draft (not published)", snapshot_build(condition)))
                continue
            if not value.isdigit() or len(value) > 9:
                raise BadRequest("Choose two versions to compare.")
            version = get_object_or_404(condition.versions.only("number", "snapshot"), number=int(value))
            sides.append((f"version {version.number}", version.snapshot))
        (old_label, old), (new_label, new) = sides
        numbers = list(condition.versions.order_by("-number").values_list("number", flat=True)[:200])
        related = {*old["related"], *new["related"]}
        parts = compare_snapshots(
            old, new, names=dict(Condition.objects.filter(pk__in=related).values_list("pk", "name"))
        )
        return self._page(
            request,
            "compare.html",
            condition,
            f"Compare {old_label} with {new_label}: {condition.name}",
            old_label=old_label,
            new_label=new_label,
            changed=[part for part in parts if part.status != "unchanged"],
            unchanged=[part.label for part in parts if part.status == "unchanged"],
            numbers=numbers,
            chosen={"a": request.GET.get("a"), "b": request.GET.get("b")},
        )

    def restore_view(self, request: HttpRequest, object_id: str, number: int) -> HttpResponse:
        condition = self._article(request, object_id, publishing=True)
        version = get_object_or_404(condition.versions.defer("snapshot"), number=number)
        if request.method == "POST":
            try:
                version_restore(version_id=version.pk, user=request.user)
            except PublishRefused as error:
                messages.error(request, str(error))
                return HttpResponseRedirect(
                    reverse("admin:conditions_condition_versions", args=[condition.pk])
                )
            messages.success(
                request,
                f"Version {number} is now the draft. Preview it, then publish it to put it on the site.",
            )
            return HttpResponseRedirect(reverse("admin:conditions_condition_change", args=[condition.pk]))
        return self._page(
            request,
            "restore.html",
            condition,
            f"Restore version {number} of {condition.name} as the draft",
            version=version,
            compare_url=_compare_url(condition, number, "draft"),
        )

    @staticmethod
    def _markdown_fields(data) -> list[tuple[str, str, int]]:
        """The Markdown texts in a posted article form: (field name, label, top heading level)."""
        found = []
        for name in data:
            prefix, _, rest = name.partition("-")
            index, _, field = rest.partition("-")
            if prefix in MARKDOWN_FIELDS and index.isdigit() and field == "body":
                label_field = {"sections": "kind", "treatments": "name", "urgency_advice": "level"}[prefix]
                label = data.get(f"{prefix}-{index}-{label_field}", "") or f"{prefix} {int(index) + 1}"
                found.append((name, label, MARKDOWN_FIELDS[prefix]))
        return found

    def markdown_preview_view(self, request: HttpRequest) -> HttpResponse:
        """Every Markdown text of the posted form rendered (the no-JavaScript "Preview" button), or
        with htmx the one text being typed, as a fragment."""
        if not (self.has_change_permission(request) or self.has_add_permission(request)):
            raise PermissionDenied
        return _markdown_preview(request, self._markdown_fields(request.POST))


@require_POST
def _markdown_preview(request: HttpRequest, fields: list[tuple[str, str, int]]) -> HttpResponse:
    if request.htmx:
        name = request.htmx.trigger_name or ""
        top = next((top for field, _, top in fields if field == name), None)
        if top is None:
            raise BadRequest("Not a Markdown text of this form.")
        return TemplateResponse(
            request,
            "admin/conditions/widgets/markdown.html#preview",
            {"preview": text_preview(request.POST[name], top_heading=top)},
        )
    chosen = request.POST.get("_preview", "")
    texts = [
        {"name": name, "label": label, "preview": text_preview(request.POST[name], top_heading=top)}
        for name, label, top in sorted(fields, key=lambda field: field[0] != chosen)
    ]
    return TemplateResponse(
        request,
        "admin/conditions/condition/markdown_preview.html",
        {
            **admin.site.each_context(request),
            "title": "Preview of the texts (not saved)",
            "summary": request.POST.get("summary", ""),
            "texts": texts,
        },
    )


def _compare_url(condition: Condition, a, b) -> str:
    return f"{reverse('admin:conditions_condition_compare', args=[condition.pk])}?a={a}&b={b}"


def _name(user) -> str:
    profile = getattr(user, "staff_profile", None)
    return (profile.display_name if profile else "") or user.get_full_name() or user.get_username()


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    """Words patients search with that mean the same thing (conditions/search.py uses them at once)."""

    list_display = ("terms", "updated_at")
    search_fields = ("terms",)
    fields = ("terms",)


# --- Reader feedback ("Is this page useful?") ------------------------------------------------------


class FeedbackVersionFilter(admin.SimpleListFilter):
    """By version number (with the article filter: one exact version), from the numbers that have
    answers, without reading every version's snapshot."""

    title = "version"
    parameter_name = "version"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        numbers = ArticleFeedback.objects.order_by("version__number").values_list(
            "version__number", flat=True
        )
        return [(str(number), f"Version {number}") for number in dict.fromkeys(numbers)]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() and self.value().isdigit():
            return queryset.filter(version__number=int(self.value()))
        return queryset


@admin.register(ArticleFeedback)
class ArticleFeedbackAdmin(admin.ModelAdmin):
    """What readers answered at the end of each article, for editors and reviewers to read. Nobody
    adds or changes answers here; only superusers may delete one (say, a comment with personal
    details a reader typed despite the note). Never shown on the site."""

    list_display = ("created_at", "article", "version_number", "answer", "comment_start")
    list_filter = ("condition", FeedbackVersionFilter, "useful", "created_at")
    date_hierarchy = "created_at"
    search_fields = ("comment",)
    fields = ("condition", "version_number", "answer", "comment", "created_at")
    readonly_fields = fields
    list_per_page = 50

    class Media:
        css = {"all": ["conditions/admin.css"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .select_related("condition", "version")
            .only("useful", "comment", "created_at", "condition__name", "version__number")
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser

    @admin.display(description="Article", ordering="condition__name")
    def article(self, feedback: ArticleFeedback) -> str:
        return feedback.condition.name

    @admin.display(description="Version", ordering="version__number")
    def version_number(self, feedback: ArticleFeedback) -> int:
        return feedback.version.number

    @admin.display(description="Useful?", ordering="useful")
    def answer(self, feedback: ArticleFeedback) -> str:
        return "Yes" if feedback.useful else "No"

    @admin.display(description="What was missing?")
    def comment_start(self, feedback: ArticleFeedback) -> str:
        return Truncator(feedback.comment).chars(120) or "-"
