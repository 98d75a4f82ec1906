"""
Condition articles: a fixed, predictable structure modelled on the NHS Health A-Z.

A Condition and its parts (Sections of fixed kinds in a fixed order, Treatments with a verdict,
UrgencyAdvice blocks, Figures, References, related conditions) are the **working copy**: what
staff edit in the admin. Saving it never changes what patients see.

Patients see a **PublishedVersion**: an immutable copy of the whole article (a JSON snapshot of
every part, its Markdown and the HTML it was rendered to), written when a clinical reviewer
publishes, with their sign-off. At most one version per article is live; `PublishedVersion.objects
.published()` is the one place that decides what the public sees (conditions/services.py writes
versions; conditions/snapshots.py builds and reads snapshots).
"""

from hashlib import sha256
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from conditions import images

FIGURE_DIR = "conditions/figures"


class ConditionQuerySet(models.QuerySet):
    def with_live_version(self) -> "ConditionQuerySet":
        """Annotate each article with what the admin list shows of its live version (one query).

        `live_number` is None when nothing is live; `version_count` tells "never published" from
        "taken off the site"; `live_source_changed_at` against `updated_at` tells whether the
        working copy changed after the live version was made from it.
        """
        live = PublishedVersion.objects.published().filter(condition=models.OuterRef("pk"))
        return self.annotate(
            live_number=models.Subquery(live.values("number")),
            live_source_changed_at=models.Subquery(live.values("source_changed_at")),
            live_next_review_due=models.Subquery(live.values("next_review_due")),
            has_versions=models.Exists(PublishedVersion.objects.filter(condition=models.OuterRef("pk"))),
        )


class Condition(models.Model):
    """The working copy of an article. Patients see its live PublishedVersion instead."""

    class Calculator(models.TextChoices):
        # The value is the calculator's URL name.
        HEMIFACIAL_SPASM = "grading:calculator", "Hemifacial spasm severity calculator"

    name = models.CharField(max_length=120, unique=True, help_text="The condition's usual name.")
    slug = models.SlugField(
        max_length=120,
        unique=True,
        help_text="The last part of the page address. A new address takes effect when the article "
        "is published; the old one keeps working and sends visitors to the new one.",
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
        help_text="Other conditions to suggest at the end of the article. Type to search; patients "
        "see only the ones that are published.",
    )
    # Moves with every change to the article or any of its parts (conditions/signals.py), so a
    # live version made from an older working copy means "unpublished changes".
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="Who last changed the working copy in the admin.",
    )

    # What the seed loaded (conditions/seed.py): never edited.
    seed_hash = models.CharField(max_length=64, blank=True, editable=False)
    seeded_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ConditionQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        permissions = [
            ("publish_condition", "Can sign off and publish, unpublish, republish and restore articles"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.summary = tidy_text(self.summary)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        """The article's public address (once it is published with this slug)."""
        return reverse("conditions:detail", kwargs={"slug": self.slug})

    @property
    def other_names(self) -> list[str]:
        return split_other_names(self.also_known_as)


def tidy_text(text: str) -> str:
    """Unix line ends and no surrounding blank space: what a text box gives back once saved, so an
    article saved unchanged from the admin is unchanged (browsers send line ends as \\r\\n)."""
    return text.replace("\r\n", "\n").strip()


def split_other_names(also_known_as: str) -> list[str]:
    return [name.strip() for name in also_known_as.split(",") if name.strip()]


class PublishedVersionQuerySet(models.QuerySet):
    def published(self) -> "PublishedVersionQuerySet":
        """What patients may see: the live version of each published article. Every public page,
        list, search, feed and form choice reads articles only through this."""
        return self.filter(is_live=True)

    def content_version(self) -> tuple[int, int]:
        """What the public lists of articles (the A-Z, the sitemap) show, named in one aggregate
        query: how many versions are live, and the id of the newest live one. Publishing adds a
        version with a higher id than any before; unpublishing lowers the count; so any change to
        the set of live versions changes the pair (a publish undone by unpublishing leaves the
        count lower than before)."""
        live = self.published().aggregate(count=models.Count("id"), newest=models.Max("id"))
        return live["count"], live["newest"] or 0


class PublishedVersion(models.Model):
    """One published state of an article, with its clinical sign-off. Never changed once written,
    except for being taken off the site (`is_live`, `unpublished_*`).

    The page reads this one row: the public columns (slug, name, summary, other names), the
    snapshot of every part, and what the page says about its review. A "no clinical change"
    version (a typo fix) keeps the last clinical review's date, reviewer and next review due, and
    the page then also shows "Last updated".
    """

    condition = models.ForeignKey(Condition, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(help_text="1 for the article's first version, then 2, 3, ...")
    is_live = models.BooleanField(default=False)

    # The public columns, also in the snapshot; the public side filters and orders by them.
    slug = models.SlugField(max_length=120, db_index=False)
    name = models.CharField(max_length=120)
    summary = models.TextField()
    also_known_as = models.CharField(max_length=250, blank=True)
    snapshot = models.JSONField(help_text="The whole article: conditions/snapshots.py describes it.")
    source_changed_at = models.DateTimeField(
        help_text="When the working copy this version was made from had last changed."
    )

    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    republished_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    unpublished_at = models.DateTimeField(null=True, blank=True)
    unpublished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    # This version's sign-off. Name and role are copied from the reviewer's staff profile, so the
    # record stays true if the profile changes later (no user: the seed or the data migration).
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewer_name = models.CharField(max_length=120)
    reviewer_role = models.CharField(max_length=120, blank=True)
    reviewed_on = models.DateField()
    clinical_change = models.BooleanField(
        default=True, help_text="False for a change that alters no medical fact (a typo fix)."
    )
    change_note = models.CharField(
        "what changed", max_length=200, blank=True, help_text="Public: shown on the page."
    )
    reviewer_note = models.TextField(blank=True, help_text="Private: for staff only.")

    # What the page shows about its review: from this sign-off when it is a clinical change,
    # carried forward from the latest clinical sign-off when not.
    last_reviewed_on = models.DateField()
    last_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_reviewer_name = models.CharField(max_length=120)
    last_reviewer_role = models.CharField(max_length=120, blank=True)
    next_review_due = models.DateField()
    text_changed_on = models.DateField(
        help_text='When the page\'s text last changed (its "Last updated" date after a '
        "no-clinical-change publish)."
    )

    objects = PublishedVersionQuerySet.as_manager()

    class Meta:
        ordering = ["condition", "-number"]
        get_latest_by = "number"
        constraints = [
            # Also the index behind the history page and "the latest version" (publish, republish).
            models.UniqueConstraint(fields=["condition", "number"], name="version_number_unique"),
            models.UniqueConstraint(
                fields=["condition"], condition=Q(is_live=True), name="one_live_version_per_article"
            ),
            # Also the index of the public lookup by address.
            models.UniqueConstraint(fields=["slug"], condition=Q(is_live=True), name="live_slug_unique"),
            models.CheckConstraint(
                condition=Q(next_review_due__gt=F("last_reviewed_on")),
                name="version_next_review_after_last_review",
                violation_error_message="The next review must be due after the last review.",
            ),
        ]
        indexes = [
            # The review reminders and the admin's "due" filters look at live versions only.
            models.Index(fields=["next_review_due"], condition=Q(is_live=True), name="live_review_due"),
            # The public pages' reads. SQLite uses a partial index (WHERE is_live) only for a query
            # that says `is_live = 1` literally, and Django passes True as a parameter, so these two
            # plain indexes are what it reads through: a page by its address, and the live
            # versions by name (the A-Z, and the count and newest id that name the lists'
            # version). PostgreSQL plans with the value and uses either kind.
            models.Index(fields=["slug", "is_live"], name="version_by_slug"),
            models.Index(fields=["is_live", "name"], name="version_live_by_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name}, version {self.number}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            # Written once (conditions/services.py); only taken off the site later, by an update.
            raise TypeError("A published version is never changed once written.")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("conditions:detail", kwargs={"slug": self.slug})

    @property
    def other_names(self) -> list[str]:
        return split_other_names(self.also_known_as)

    @property
    def related_ids(self) -> list[int]:
        return list(self.snapshot.get("related", []))


class PublishedFile(models.Model):
    """A figure file a published version shows. Such a file is never deleted, and the public gets
    it only while a live version uses it (conditions.views.figure_file)."""

    version = models.ForeignKey(PublishedVersion, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=255, db_index=True)

    class Meta:
        ordering = ["version", "name"]

    def __str__(self) -> str:
        return self.name


class ReviewReminder(models.Model):
    """A review reminder that was sent: one per article, stage and due date (manage.py
    review_reminders), so running the command again sends nothing new."""

    class Stage(models.TextChoices):
        DUE_SOON = "due-soon", "Due within 30 days"
        OVERDUE = "overdue", "Overdue"

    condition = models.ForeignKey(Condition, on_delete=models.CASCADE, related_name="review_reminders")
    stage = models.CharField(max_length=10, choices=Stage)
    due_date = models.DateField()
    recipients = models.TextField(help_text="The addresses it went to, one per line.")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["condition", "stage", "due_date"], name="one_reminder_per_stage_and_due_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.condition}: {self.get_stage_display()} ({self.due_date})"


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
        help_text="Markdown (see the guide at the top): a blank line between paragraphs, '- ' for a "
        "list, '### ' for a sub-heading, [text](https://address) for a link. Short sentences and "
        "everyday words.",
    )

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
        self.body = tidy_text(self.body)
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

    class Meta:
        ordering = ["condition", "position", "id"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.body = tidy_text(self.body)
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
        self.body = tidy_text(self.body)
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
        help_text="What the image shows, for people who cannot see it. Read aloud by screen "
        "readers. Up to 250 characters.",
    )
    caption = models.CharField(
        max_length=300, help_text="Shown under the image for everyone. Up to 300 characters."
    )
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    renditions = models.JSONField(default=list, editable=False, blank=True)

    class Meta:
        ordering = ["condition", "position", "id"]

    def __str__(self) -> str:
        return self.caption

    def save(self, *args, **kwargs) -> None:
        # A new upload is processed; the files of a replaced image stay: published versions may
        # show them (`manage.py prune_figure_files` removes files nothing refers to). A stored
        # file's name is in the figures folder; an upload's is a bare name until it is saved.
        if self.image and not self.image.name.startswith(f"{FIGURE_DIR}/"):
            self._store_processed_image()
        super().save(*args, **kwargs)

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
        """The master image and its renditions."""
        return [self.image.name, *(r["name"] for r in self.renditions)] if self.image else []

    def sources(self) -> dict:
        return figure_sources(self.renditions)


def figure_sources(renditions: list[dict]) -> dict:
    """What the <picture> element needs: srcset strings, default src and its size."""
    webp = [r for r in renditions if r["type"] == "image/webp"]
    fallback = [r for r in renditions if r["type"] != "image/webp"]
    if not fallback:
        return {}
    default = next((r for r in fallback if r["width"] >= 800), fallback[-1])
    return {
        "webp_srcset": ", ".join(f"{default_storage.url(r['name'])} {r['width']}w" for r in webp),
        "srcset": ", ".join(f"{default_storage.url(r['name'])} {r['width']}w" for r in fallback),
        "fallback_type": default["type"],
        "src": default_storage.url(default["name"]),
        "width": default["width"],
        "height": default["height"],
        "largest": default_storage.url(fallback[-1]["name"]),
    }


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


class Synonym(models.Model):
    """Words and phrases that mean the same thing to someone searching, e.g. "botox, botulinum
    toxin". A search for any of them also finds the others (conditions/search.py)."""

    terms = models.CharField(
        max_length=250,
        unique=True,
        help_text="Words or phrases that mean the same, separated by commas, e.g. 'HFS, hemifacial "
        "spasm'. Capitals and plurals do not matter. A search for any of them finds articles that "
        "use any of the others.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["terms"]

    def __str__(self) -> str:
        return self.terms

    def save(self, *args, **kwargs) -> None:
        self.terms = ", ".join(split_other_names(self.terms))
        super().save(*args, **kwargs)

    @property
    def term_list(self) -> list[str]:
        return split_other_names(self.terms)


class SearchEntry(models.Model):
    """The search index: the text of one live version, as search reads it (conditions/search.py
    writes it when an article is published or unpublished; `manage.py rebuild_search_index`
    rewrites it all). Never edited by hand.

    On SQLite, the FTS5 table `conditions_searchentry_fts` indexes `names`, `summary` and `body`,
    kept up to date by triggers on this table (migration 0010). On PostgreSQL, `vector` holds the
    weighted text search vector, under a GIN index (same migration); it stays empty on SQLite.
    """

    condition = models.OneToOneField(Condition, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(PublishedVersion, on_delete=models.CASCADE, related_name="+")
    slug = models.SlugField(max_length=120, db_index=False)
    name = models.CharField(max_length=120)
    also_known_as = models.CharField(max_length=250, blank=True)
    names = models.TextField(help_text="The name and the other names, searched first.")
    summary = models.TextField()
    body = models.TextField(help_text="The plain text of every section and treatment.")
    vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "search entries"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("conditions:detail", kwargs={"slug": self.slug})

    @property
    def other_names(self) -> list[str]:
        return split_other_names(self.also_known_as)


class ArticleFeedback(models.Model):
    """One answer to "Is this page useful?" at the end of an article, with the optional comment
    sent after it: for editors only, never shown on the site. It names the version the reader saw,
    and holds nothing about the reader (no address, no cookie, no account)."""

    COMMENT_MAX_LENGTH = 500

    condition = models.ForeignKey(Condition, on_delete=models.CASCADE, related_name="feedback")
    version = models.ForeignKey(PublishedVersion, on_delete=models.CASCADE, related_name="feedback")
    useful = models.BooleanField(help_text='The reader\'s answer to "Is this page useful?"')
    comment = models.TextField(
        blank=True,
        max_length=COMMENT_MAX_LENGTH,
        help_text='The reader\'s answer to "What was missing?", if they wrote one.',
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "reader feedback"
        verbose_name_plural = "reader feedback"
        indexes = [
            # The admin's feedback column counts yes and no per article.
            models.Index(fields=["condition", "useful"], name="feedback_by_article"),
        ]

    def __str__(self) -> str:
        return f"{self.version}: {'useful' if self.useful else 'not useful'}"
