from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.core.validators import URLValidator
from django.db import DEFAULT_DB_ALIAS, models
from django.db.models import Q, Subquery

PROFILE_CACHE_KEY = "clinic:profile:v2"  # v2: the field values, not a pickled model
ANY = object()  # ClinicProfile.load(): whatever version is cached


class ClinicProfile(models.Model):
    """The clinic's own details, shown in every page's header and footer. There is one record."""

    name = models.CharField(max_length=120, help_text="The clinic's name as patients know it.")
    tagline = models.CharField(
        max_length=160,
        blank=True,
        help_text="A few words under the name, e.g. 'Neurosurgery specialist clinic, Singapore'.",
    )
    phone = models.CharField(
        max_length=40,
        help_text="The care coordinator's number, written the way patients should dial it, "
        "e.g. +65 6592 6871.",
    )
    email = models.EmailField(
        blank=True,
        help_text="Where patients may email. Leave empty to show only the phone and the form.",
    )
    address = models.TextField(blank=True, help_text="Postal address, one line per row.")
    opening_hours = models.TextField(
        blank=True, help_text="Opening hours, one line per row, e.g. 'Mon to Fri: 9am to 5pm'."
    )
    map_url = models.URLField(
        "map link",
        max_length=500,
        blank=True,
        # Its own code: the admin form would swap a plain "invalid" for its generic message.
        validators=[
            URLValidator(
                schemes=["https"], message="Enter a full link that starts with https://.", code="https"
            )
        ],
        help_text="A link to the clinic on a map (for example Google Maps or OneMap), starting with "
        "https://. Shown next to the address.",
    )
    reply_time = models.CharField(
        max_length=120,
        default="within two working days",
        help_text="How soon the care coordinator replies to a written enquiry, in plain words.",
    )
    # Moves on every save: cached pages read it from the database on every request (clinic/pagecache.py),
    # so they show new details at once on every worker and server, whatever each worker's cache holds.
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "clinic profile"
        verbose_name_plural = "clinic profile"
        constraints = [
            # A single record: the admin edits it, nobody adds a second one.
            models.CheckConstraint(condition=Q(id=1), name="clinic_profile_single_row"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.pk = 1
        super().save(*args, **kwargs)

    # Shown to patients (footer, home, write-in page, search engines) only when filled in.
    PUBLIC_DETAILS = ("tagline", "email", "address", "opening_hours", "map_url")

    def missing_public_details(self) -> list[str]:
        """The names, as staff see them, of the public details left empty."""
        return [
            str(self._meta.get_field(name).verbose_name)
            for name in self.PUBLIC_DETAILS
            if not getattr(self, name).strip()
        ]

    @property
    def phone_href(self) -> str:
        """The number as a tel: link target (digits and a leading +)."""
        digits = "".join(ch for ch in self.phone if ch.isdigit() or ch == "+")
        return f"tel:{digits}"

    @classmethod
    def changed_subquery(cls) -> Subquery:
        """When the profile was last saved, as a subquery to annotate another lookup with."""
        return Subquery(cls.objects.filter(pk=1).values("updated_at"))

    @classmethod
    def last_changed(cls) -> datetime | None:
        """When the profile was last saved (None before it ever was): one query."""
        return cls.objects.filter(pk=1).values_list("updated_at", flat=True).first()

    @classmethod
    def load(cls, *, as_of: object = ANY) -> "ClinicProfile":
        """The profile from the cache; one query on a miss (unsaved defaults if none yet).

        Saving clears the cache (clinic/signals.py). Without a shared cache other workers keep
        their copy for at most CLINIC_PROFILE_CACHE_SECONDS; `as_of` (an `updated_at` just read
        from the database) asks for that version exactly, so a cached copy of another is read
        again."""
        # The cache holds the field values: every page loads the profile, and unpickling a model
        # instance cost several times more than a tuple and `from_db`.
        fields = cls._meta.concrete_fields
        values = cache.get(PROFILE_CACHE_KEY)
        if values is not None and len(values) == len(fields):  # (a new field: re-read)
            profile = cls.from_db(DEFAULT_DB_ALIAS, None, values)
            if as_of is ANY or profile.updated_at == as_of:
                return profile
        profile = cls.objects.filter(pk=1).first() or cls.defaults()
        values = tuple(getattr(profile, field.attname) for field in fields)
        cache.set(PROFILE_CACHE_KEY, values, timeout=settings.CLINIC_PROFILE_CACHE_SECONDS)
        return profile

    @classmethod
    def defaults(cls) -> "ClinicProfile":
        """An unsaved profile with the clinic's published details (the seed source)."""
        return cls(
            pk=1,
            name="Neuro Asia Care",
            tagline="Neurosurgery specialist clinic, Singapore",
            phone="+65 6592 6871",
        )


class StaffProfile(models.Model):
    """How a member of staff is named to patients. A clinical reviewer needs one to publish: the
    article shows who signed it off, copied from here when they publish."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    display_name = models.CharField(
        "name shown to patients",
        max_length=120,
        help_text="As it should appear on an article this person signs off, e.g. 'Dr Tan Wei Ming'.",
    )
    role = models.CharField(
        max_length=120,
        help_text="Their clinical role, shown after the name, e.g. 'Consultant neurosurgeon'.",
    )

    class Meta:
        verbose_name = "staff profile"

    def __str__(self) -> str:
        return self.display_name

    @property
    def can_sign_off(self) -> bool:
        return bool(self.display_name.strip() and self.role.strip())
