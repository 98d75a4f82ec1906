"""
Editing condition articles: one screen per article, with its sections, treatments, "when to get
help" blocks, figures and references as inlines. Each text shows its reading level (after saving)
and the editor is warned about any text above the target (conditions/readability.py).
"""

from datetime import date, timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminFileWidget
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html

from conditions import images, readability
from conditions.models import Condition, Figure, Reference, Section, SlugRedirect, Treatment, UrgencyAdvice
from conditions.services import article_body_refresh

REVIEW_SOON_DAYS = 60


def reading_level(markdown: str) -> str:
    """The reading level of a text, as shown next to it in the admin."""
    result = readability.assess(markdown)
    if result is None:
        return "No text yet."
    if result.above_target:
        return format_html(
            '<strong class="reading-level reading-level--high">Grade {} (reading age about {}): above '
            "the target of grade {} (about age 12). Try shorter sentences and everyday words.</strong>",
            result.grade,
            result.reading_age,
            f"{readability.TARGET_GRADE:g}",
        )
    if not result.long_enough:
        return format_html(
            '<span class="reading-level">Grade {}: too short to judge (under {} words).</span>',
            result.grade,
            readability.MIN_WORDS,
        )
    return format_html(
        '<span class="reading-level">Grade {} (reading age about {}): within the target.</span>',
        result.grade,
        result.reading_age,
    )


class ReadingLevelInline:
    readonly_fields = ("reading_level",)

    @admin.display(description="Reading level")
    def reading_level(self, obj) -> str:
        if obj is None or not obj.pk:
            return "Shown after saving."
        return reading_level(obj.body)


class SectionInline(ReadingLevelInline, admin.StackedInline):
    model = Section
    fields = ("kind", "body", "reading_level")
    extra = 0
    verbose_name_plural = "sections (shown in a fixed order: overview, symptoms, causes, diagnosis, treatments, outlook, living with it, when to get help)"


class TreatmentInline(ReadingLevelInline, admin.StackedInline):
    model = Treatment
    fields = ("position", "name", ("verdict", "verdict_kind"), "body", "reading_level")
    extra = 0
    verbose_name_plural = "treatments (shown in the Treatments section, after its text)"


class UrgencyAdviceInline(ReadingLevelInline, admin.StackedInline):
    model = UrgencyAdvice
    fields = ("level", "body", "reading_level")
    extra = 0
    max_num = len(UrgencyAdvice.Level)
    verbose_name_plural = "when to get help: urgency blocks (shown in the When to get help section)"


class FigureInline(admin.StackedInline):
    model = Figure
    fields = ("image", "thumbnail", "alt_text", "caption", ("section", "position"))
    readonly_fields = ("thumbnail",)
    extra = 0
    # A plain file field: the figure's own checks (validate_figure_image) then say exactly what is
    # wrong with a file ("too large", "not JPEG, PNG or WebP"). Django's image form field would
    # answer every refusal with one vague message first, and left the upload open (a leaked file).
    formfield_overrides = {
        models.ImageField: {
            "form_class": forms.FileField,
            "widget": AdminFileWidget(attrs={"accept": ",".join(images.MIME_TYPES.values())}),
        }
    }

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


class ReferenceInline(admin.TabularInline):
    model = Reference
    fields = ("position", "title", "source", "year", "url")
    extra = 0


class SlugRedirectInline(admin.TabularInline):
    model = SlugRedirect
    fields = ("old_slug", "created_at")
    readonly_fields = ("old_slug", "created_at")
    extra = 0
    verbose_name_plural = "old addresses (made automatically when the slug changes; they redirect here)"

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class ReviewDueFilter(admin.SimpleListFilter):
    title = "review due"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("overdue", "Overdue"), ("soon", f"Due within {REVIEW_SOON_DAYS} days")]

    def queryset(self, request, queryset: QuerySet) -> QuerySet:
        today = timezone.localdate()
        if self.value() == "overdue":
            return queryset.filter(next_review_due__lt=today)
        if self.value() == "soon":
            return queryset.filter(
                next_review_due__gte=today, next_review_due__lte=today + timedelta(days=REVIEW_SOON_DAYS)
            )
        return queryset


@admin.register(Condition)
class ConditionAdmin(admin.ModelAdmin):
    list_display = ("name", "status", "last_reviewed", "review_due", "updated_at")
    list_filter = ("status", ReviewDueFilter)
    search_fields = ("name", "also_known_as", "summary")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("related",)
    readonly_fields = ("summary_reading_level", "page_link")
    fieldsets = [
        (None, {"fields": ("name", "slug", "also_known_as", "summary", "summary_reading_level")}),
        (
            "Review and publishing",
            {
                "description": "To publish, fill in who reviewed the article and both review dates "
                "(the next review must be after the last). Drafts can be previewed on the site by staff.",
                "fields": (
                    "status",
                    ("reviewed_by", "reviewed_by_role"),
                    ("last_reviewed", "next_review_due"),
                    "page_link",
                ),
            },
        ),
        ("Links", {"fields": ("calculator", "related")}),
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

    def get_form(self, request: HttpRequest, obj: Condition | None = None, change: bool = False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and "related" in form.base_fields:
            # An article is not related to itself (the form class is built afresh per request).
            form.base_fields["related"].queryset = Condition.objects.exclude(pk=obj.pk)
        return form

    @admin.display(description="Next review due", ordering="next_review_due")
    def review_due(self, condition: Condition) -> str:
        due: date | None = condition.next_review_due
        if due is None:
            return "Not set"
        if due < timezone.localdate():
            return format_html(
                '<strong class="review-overdue">{} (overdue)</strong>', due.strftime("%d %b %Y")
            )
        return due.strftime("%d %b %Y")

    @admin.display(description="Reading level")
    def summary_reading_level(self, condition: Condition) -> str:
        if condition is None or not condition.pk:
            return "Shown after saving."
        return reading_level(condition.summary)

    @admin.display(description="Page on the site")
    def page_link(self, condition: Condition) -> str:
        if condition is None or not condition.pk:
            return "Save first."
        label = "Open the page" if condition.is_published else "Preview the draft (only staff can see it)"
        return format_html('<a href="{}">{}</a>', condition.get_absolute_url(), label)

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        condition = form.instance
        article_body_refresh(condition_id=condition.pk)
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
