"""
Condition articles: a fixed, predictable structure modelled on the NHS Health A-Z.

A Condition is the article. Its body is a set of Sections of fixed kinds in a fixed order, plus
Treatments (each with a verdict), UrgencyAdvice blocks ("when to get help"), Figures and
References. Markdown is rendered and sanitised in `save()`, once per edit. Every change to a part
touches the article's `updated_at` (conditions/signals.py), which versions the page: its ETag, its
cached fragments and the stored `body_html` (see conditions/services.py).
"""

from hashlib import sha256
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Count, F, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.text import slugify

from conditions import images
from conditions.rendering import render_markdown

FIGURE_DIR = "conditions/figures"


class ConditionQuerySet(models.QuerySet):
    def published(self) -> "ConditionQuerySet":
        """What patients may see. Public views read conditions only through this."""
        return self.filter(status=Condition.Status.PUBLISHED)

    def search(self, query: str) -> "ConditionQuerySet":
        """Conditions matching every word of `query` in the name, other names or summary."""
        for term in query.split()[:8]:
            self = self.filter(
                Q(name__icontains=term) | Q(also_known_as__icontains=term) | Q(summary__icontains=term)
            )
        return self

    def with_related_version(self) -> "ConditionQuerySet":
        """Annotate how many related conditions there are and when the latest of them changed.

        Related conditions are shown on the page, so these two numbers are part of the page's
        version (ETag and cache key), and cost no extra query: they are subqueries of the lookup.
        """
        links = Condition.related.through.objects.filter(from_condition=OuterRef("pk")).values(
            "from_condition"
        )
        return self.annotate(
            related_count=Coalesce(Subquery(links.annotate(n=Count("pk")).values("n")), 0),
            related_changed=Subquery(links.annotate(m=Max("to_condition__updated_at")).values("m")),
        )


class Condition(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    class Calculator(models.TextChoices):
        # The value is the calculator's URL name.
        HEMIFACIAL_SPASM = "grading:calculator", "Hemifacial spasm severity calculator"

    name = models.CharField(max_length=120, unique=True, help_text="The condition's usual name.")
    slug = models.SlugField(
        max_length=120,
        unique=True,
        help_text="The last part of the page address. If you change it, the old address keeps "
        "working and sends visitors to the new one.",
    )
    summary = models.TextField(
        help_text="One plain-language paragraph: what it is and who gets it. Also used by search engines."
    )
    also_known_as = models.CharField(
        "also known as",
        max_length=250,
        blank=True,
        help_text="Other names patients may know or search for, separated by commas, e.g. 'tic convulsif'.",
    )
    status = models.CharField(
        max_length=10,
        choices=Status,
        default=Status.DRAFT,
        help_text="Drafts are visible only to staff (as a preview). Publishing needs the review details below.",
    )
    reviewed_by = models.CharField(
        max_length=120,
        blank=True,
        help_text="The clinician or clinical team who checked this article, e.g. 'Neuro Asia Care clinical team'.",
    )
    reviewed_by_role = models.CharField(
        "reviewer's role",
        max_length=120,
        blank=True,
        help_text="Their role or specialty, e.g. 'Neurosurgery'.",
    )
    last_reviewed = models.DateField(
        null=True, blank=True, help_text="When a clinician last checked the whole article."
    )
    next_review_due = models.DateField(
        null=True,
        blank=True,
        help_text="When it must be checked again (usually a year after the last review).",
    )
    calculator = models.CharField(
        max_length=60,
        choices=Calculator,
        blank=True,
        help_text="A calculator to link to from the article, if there is one for this condition.",
    )
    related = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="+",
        help_text="Other conditions to suggest at the end of the article (only published ones are shown).",
    )
    updated_at = models.DateTimeField(auto_now=True)

    # Derived, never edited: the rendered article body, the version it was rendered for and the
    # image for link previews (conditions/services.py); what the seed loaded (conditions/seed.py).
    body_html = models.TextField(blank=True, editable=False)
    body_version = models.CharField(max_length=80, blank=True, editable=False)
    share_image = models.CharField(max_length=255, blank=True, editable=False)
    seed_hash = models.CharField(max_length=64, blank=True, editable=False)
    seeded_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ConditionQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published"]), name="condition_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(last_reviewed__isnull=True)
                | Q(next_review_due__isnull=True)
                | Q(next_review_due__gt=F("last_reviewed")),
                name="condition_next_review_after_last_review",
                violation_error_message="The next review must be due after the last review.",
            ),
            models.CheckConstraint(
                condition=Q(status="draft")
                | (Q(last_reviewed__isnull=False) & Q(next_review_due__isnull=False) & ~Q(reviewed_by="")),
                name="condition_published_needs_review_details",
                violation_error_message="A published article needs a reviewer and both review dates.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        old_slug = getattr(self, "_saved_slug", None)
        super().save(*args, **kwargs)
        if old_slug and old_slug != self.slug:
            # Keep the old address working (conditions.views redirects it permanently).
            SlugRedirect.objects.filter(old_slug=self.slug).delete()
            SlugRedirect.objects.update_or_create(old_slug=old_slug, defaults={"condition": self})
        self._saved_slug = self.slug

    def get_absolute_url(self) -> str:
        return reverse("conditions:detail", kwargs={"slug": self.slug})

    @classmethod
    def from_db(cls, db, field_names, values, *, fetch_mode=None):
        # Remember the stored slug, so save() can tell that it changed (without a query).
        instance = super().from_db(db, field_names, values, fetch_mode=fetch_mode)
        instance._saved_slug = instance.__dict__.get("slug")
        return instance

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.status == self.Status.PUBLISHED:
            needed = "Needed before the article can be published."
            if not self.reviewed_by.strip():
                errors["reviewed_by"] = needed
            if not self.last_reviewed:
                errors["last_reviewed"] = needed
            if not self.next_review_due:
                errors["next_review_due"] = needed
        if self.last_reviewed and self.next_review_due and self.next_review_due <= self.last_reviewed:
            errors["next_review_due"] = "The next review must be due after the last review."
        if errors:
            raise ValidationError(errors)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def other_names(self) -> list[str]:
        return [name.strip() for name in self.also_known_as.split(",") if name.strip()]


class SlugRedirect(models.Model):
    """An address a condition used to have; visiting it redirects permanently to the current one."""

    old_slug = models.SlugField(max_length=120, unique=True)
    condition = models.ForeignKey(Condition, on_delete=models.CASCADE, related_name="old_slugs")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["old_slug"]
        verbose_name = "old address"

    def __str__(self) -> str:
        return self.old_slug


class Section(models.Model):
    class Kind(models.TextChoices):
        # Display order, and the in-page anchor ids (the values) other pages link to.
        OVERVIEW = "overview", "Overview"
        SYMPTOMS = "symptoms", "Symptoms"
        CAUSES = "causes", "Causes"
        DIAGNOSIS = "diagnosis", "Diagnosis"
        TREATMENTS = "treatments", "Treatments"
        OUTLOOK = "outlook", "Outlook (prognosis)"
        LIVING_WITH = "living-with", "Living with it"
        WHEN_TO_GET_HELP = "when-to-get-help", "When to get help"

    HEADINGS = {
        Kind.OVERVIEW: "Overview",
        Kind.SYMPTOMS: "Symptoms",
        Kind.CAUSES: "Causes",
        Kind.DIAGNOSIS: "How it is diagnosed",
        Kind.TREATMENTS: "Treatments",
        Kind.OUTLOOK: "Outlook",
        Kind.LIVING_WITH: "Living with it",
        Kind.WHEN_TO_GET_HELP: "When to get help",
    }

    condition = models.ForeignKey(Condition, on_delete=models.CASCADE, related_name="sections")
    kind = models.CharField(
        max_length=20,
        choices=Kind,
        help_text="Each kind appears once, always in the same place on the page.",
    )
    position = models.PositiveSmallIntegerField(default=0, editable=False)
    body = models.TextField(
        help_text="Markdown: a blank line between paragraphs, '- ' for a list, '### ' for a "
        "sub-heading, [text](address) for a link. HTML is removed. Short sentences and everyday words.",
    )
    body_html = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["condition", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["condition", "kind"],
                name="section_one_of_each_kind",
                violation_error_message="The article already has a section of this kind.",
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    def save(self, *args, **kwargs) -> None:
        self.position = list(self.Kind).index(self.kind)
        self.body_html = render_markdown(self.body, top_heading=3)
        super().save(*args, **kwargs)

    @property
    def heading(self) -> str:
        return self.HEADINGS[self.Kind(self.kind)]


class Treatment(models.Model):
    class Verdict(models.TextChoices):
        NOT_EFFECTIVE = "not-effective", "Not considered effective"
        REPEAT = "repeat", "Effective but must be repeated"
        ONCE = "once", "Effective, performed once"

    condition = models.ForeignKey(Condition, on_delete=models.CASCADE, related_name="treatments")
    position = models.PositiveSmallIntegerField(default=0, help_text="Order on the page: lowest first.")
    name = models.CharField(max_length=120, help_text="e.g. 'Botulinum toxin injections'.")
    verdict = models.CharField(
        max_length=120,
        help_text="One short line shown with the treatment, e.g. 'Effective, but must be repeated'.",
    )
    verdict_kind = models.CharField(
        "kind of verdict",
        max_length=20,
        choices=Verdict,
        help_text="Picks the label and colour of the verdict.",
    )
    body = models.TextField(
        help_text="Markdown, as in the sections: what it is, how well it works, side effects."
    )
    body_html = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["condition", "position", "id"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.body_html = render_markdown(self.body, top_heading=4)
        super().save(*args, **kwargs)


class UrgencyAdvice(models.Model):
    """One "when to get help" block: routine, urgent or emergency."""

    class Level(models.TextChoices):
        ROUTINE = "routine", "Routine: book an appointment or write in"
        URGENT = "urgent", "Urgent: see a doctor soon"
        EMERGENCY = "emergency", "Emergency: call 995"

    HEADINGS = {
        Level.ROUTINE: "Book an appointment or write in",
        Level.URGENT: "See a doctor soon",
        Level.EMERGENCY: "Call 995 now",
    }
    TAGS = {Level.ROUTINE: "Not urgent", Level.URGENT: "Urgent", Level.EMERGENCY: "Emergency"}

    condition = models.ForeignKey(Condition, on_delete=models.CASCADE, related_name="urgency_advice")
    level = models.CharField(max_length=10, choices=Level)
    position = models.PositiveSmallIntegerField(default=0, editable=False)
    body = models.TextField(
        help_text="Markdown: usually a short list of signs that call for this level of help."
    )
    body_html = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["condition", "position"]
        verbose_name = "when-to-get-help block"
        verbose_name_plural = "when to get help (urgency blocks)"
        constraints = [
            models.UniqueConstraint(
                fields=["condition", "level"],
                name="urgency_one_of_each_level",
                violation_error_message="The article already has a block for this level.",
            ),
        ]

    def __str__(self) -> str:
        return self.get_level_display()

    def save(self, *args, **kwargs) -> None:
        self.position = list(self.Level).index(self.level)
        self.body_html = render_markdown(self.body, top_heading=4)
        super().save(*args, **kwargs)

    @property
    def heading(self) -> str:
        return self.HEADINGS[self.Level(self.level)]

    @property
    def tag(self) -> str:
        return self.TAGS[self.Level(self.level)]


def validate_figure_image(value) -> None:
    """The same Pillow checks for every way a figure arrives (admin upload, seed, shell)."""
    if getattr(value, "_committed", True):
        return  # already stored, so already checked
    if value.size is not None and value.size > images.MAX_BYTES:
        raise ValidationError(
            f"This file is too big. Please upload an image under {images.MAX_BYTES // 2**20} MB."
        )
    try:
        images.inspect(_read_all(value))
    except images.ImageRejected as error:
        raise ValidationError(str(error)) from None


def _read_all(file) -> bytes:
    file.open("rb")
    file.seek(0)
    data = file.read()
    file.seek(0)
    return data


def figure_upload_to(instance: "Figure", filename: str) -> str:
    return f"{FIGURE_DIR}/{PurePosixPath(filename).name}"


class Figure(models.Model):
    """An image in the article, with alt text and a caption, served as resized WebP + fallback."""

    condition = models.ForeignKey(Condition, on_delete=models.CASCADE, related_name="figures")
    section = models.CharField(
        max_length=20,
        choices=Section.Kind,
        default=Section.Kind.OVERVIEW,
        help_text="The section the figure appears in (after its text).",
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Order within the section: lowest first."
    )
    image = models.ImageField(
        upload_to=figure_upload_to,
        validators=[validate_figure_image],
        help_text="A JPEG, PNG or WebP up to 10 MB and 24 million pixels. Location and camera details "
        "are removed, and smaller copies are made for phones.",
    )
    alt_text = models.CharField(
        "alternative text",
        max_length=250,
        help_text="What the image shows, for people who cannot see it. Read aloud by screen readers.",
    )
    caption = models.CharField(max_length=300, help_text="Shown under the image for everyone.")
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    renditions = models.JSONField(default=list, editable=False, blank=True)

    class Meta:
        ordering = ["condition", "position", "id"]

    def __str__(self) -> str:
        return self.caption

    def save(self, *args, **kwargs) -> None:
        replaced: list[str] = []
        if self.image and not self.image._committed:
            replaced = self.stored_names()
            self._store_processed_image()
        super().save(*args, **kwargs)
        if replaced:
            transaction.on_commit(lambda: delete_stored_files(replaced))

    def _store_processed_image(self) -> None:
        """Replace the upload with its cleaned master and store the renditions beside it."""
        processed = images.process(_read_all(self.image))
        master = processed.master
        stem = slugify(PurePosixPath(self.image.name).stem)[:40] or "figure"
        base = f"{sha256(master.data).hexdigest()[:12]}-{stem}"
        self.image.save(f"{base}.{master.extension}", ContentFile(master.data), save=False)
        storage = self.image.storage
        self.renditions = [
            {
                "name": storage.save(f"{FIGURE_DIR}/{base}-{r.width}.{r.extension}", ContentFile(r.data)),
                "width": r.width,
                "height": r.height,
                "type": r.mime_type,
            }
            for r in processed.renditions
        ]
        self.width, self.height = master.width, master.height

    def stored_names(self) -> list[str]:
        names = [r["name"] for r in self.renditions]
        if self.pk:
            old = type(self).objects.filter(pk=self.pk).values_list("image", flat=True).first()
            if old:
                names.append(old)
        return names

    def sources(self) -> dict:
        """What the <picture> element needs: srcset strings, default src and its size."""
        storage = self.image.storage
        webp = [r for r in self.renditions if r["type"] == "image/webp"]
        fallback = [r for r in self.renditions if r["type"] != "image/webp"]
        if not fallback:
            return {}
        default = next((r for r in fallback if r["width"] >= 800), fallback[-1])
        return {
            "webp_srcset": ", ".join(f"{storage.url(r['name'])} {r['width']}w" for r in webp),
            "srcset": ", ".join(f"{storage.url(r['name'])} {r['width']}w" for r in fallback),
            "fallback_type": default["type"],
            "src": storage.url(default["name"]),
            "width": default["width"],
            "height": default["height"],
            "largest": storage.url(fallback[-1]["name"]),
        }


def delete_stored_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


class Reference(models.Model):
    condition = models.ForeignKey(Condition, on_delete=models.CASCADE, related_name="references")
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in the list: lowest first.")
    title = models.CharField(max_length=300)
    source = models.CharField(max_length=200, help_text="The journal, book or organisation.")
    year = models.PositiveSmallIntegerField(validators=[MinValueValidator(1900), MaxValueValidator(2100)])
    url = models.URLField(
        "link", max_length=500, blank=True, help_text="A web address (https://...), if there is one."
    )

    class Meta:
        ordering = ["condition", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=1900, year__lte=2100), name="reference_year_plausible"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.source}, {self.year})"

    @property
    def safe_url(self) -> str:
        """The link only if it is a web address (the form allows no other, but rows may be older)."""
        return self.url if self.url.lower().startswith(("https://", "http://")) else ""
