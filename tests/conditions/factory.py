"""Small builders for condition tests (no factory library: kwargs.setdefault, as in djangoproject.com)."""

from datetime import date
from io import BytesIO

from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from PIL import Image

from clinic.models import StaffProfile
from conditions.models import (
    Condition,
    Figure,
    PublishedVersion,
    Reference,
    Section,
    Treatment,
    UrgencyAdvice,
)
from conditions.services import condition_publish_seeded

# The sign-off of a version published by the builders (as the seed does it: no user).
REVIEW = {
    "reviewer_name": "Neuro Asia Care clinical team",
    "reviewer_role": "Neurosurgery",
    "reviewed_on": date(2026, 11, 1),
    "next_review_due": date(2027, 11, 1),
}
EDITORS = "Editors"  # made by conditions/migrations/0009_clinical_reviewers_group.py
REVIEWERS = "Clinical reviewers"


def publish_version(condition: Condition, **review) -> PublishedVersion:
    """Put the working copy live as a new version, signed off with REVIEW (or `review`)."""
    review = {**REVIEW, **review}
    return condition_publish_seeded(condition_id=condition.pk, **review)


def make_condition(*, publish: bool = True, **overrides) -> Condition:
    """An article's working copy; published as version 1 unless `publish=False` (a draft that
    was never published)."""
    overrides.setdefault("name", "Hemifacial spasm")
    overrides.setdefault("slug", "hemifacial-spasm")
    overrides.setdefault("summary", "Muscles on one side of the face twitch without warning.")
    condition = Condition(**overrides)
    condition.full_clean()
    condition.save()
    if publish:
        publish_version(condition)
    return condition


def make_staff(username: str, group: str, **fields) -> User:
    # No password (tests sign in with force_login): hashing one is slow on purpose.
    fields.setdefault("email", f"{username}@clinic.example.sg")
    user = User.objects.create_user(username, password=None, is_staff=True, **fields)
    user.groups.add(Group.objects.get(name=group))
    return user


def make_reviewer(username: str = "reviewer", *, profile: bool = True, **fields) -> User:
    """A clinical reviewer, with the staff profile a sign-off needs (unless `profile=False`)."""
    user = make_staff(username, REVIEWERS, **fields)
    if profile:
        StaffProfile.objects.create(user=user, display_name="Dr Tan Wei Ming", role="Consultant neurosurgeon")
    return user


def png_bytes(width: int = 1000, height: int = 600, *, mode: str = "RGB", color=(10, 74, 104)) -> bytes:
    buffer = BytesIO()
    Image.new(mode, (width, height), color).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_bytes(width: int = 1000, height: int = 600, *, exif: dict | None = None) -> bytes:
    buffer = BytesIO()
    image = Image.new("RGB", (width, height), (200, 30, 30))
    extra = {}
    if exif:
        tags = Image.Exif()
        for tag, value in exif.items():
            tags[tag] = value
        extra["exif"] = tags
    image.save(buffer, "JPEG", **extra)
    return buffer.getvalue()


def make_figure(condition: Condition, **overrides) -> Figure:
    data = overrides.pop("data", None) or png_bytes()
    overrides.setdefault("alt_text", "A nerve in the face with a blood vessel pressing on it.")
    overrides.setdefault("caption", "A blood vessel pressing on the facial nerve.")
    overrides.setdefault("section", Section.Kind.CAUSES)
    figure = Figure(condition=condition, image=ContentFile(data, name="nerve.png"), **overrides)
    figure.full_clean()
    figure.save()
    return figure


def make_article(*, publish: bool = True, **overrides) -> Condition:
    """An article with every kind of part (sections, treatments, urgency, figure, references, a
    related condition when `related` is given), published as version 1 unless `publish=False`."""
    related = overrides.pop("related", [])
    condition = make_condition(publish=False, calculator=Condition.Calculator.HEMIFACIAL_SPASM, **overrides)
    bodies = {
        Section.Kind.OVERVIEW: "Hemifacial spasm makes one side of the face twitch.",
        Section.Kind.SYMPTOMS: "It often starts around one eye.\n\n- twitching\n- a pulled mouth",
        Section.Kind.CAUSES: "Most often a blood vessel presses on the facial nerve.",
        Section.Kind.DIAGNOSIS: "A doctor examines you and may order an MRI scan.",
        Section.Kind.TREATMENTS: "There are three main treatments.",
        Section.Kind.OUTLOOK: "It rarely goes away by itself.",
        Section.Kind.LIVING_WITH: "Tiredness and stress can make it worse.",
        Section.Kind.WHEN_TO_GET_HELP: "Most people can book a normal appointment.",
    }
    for kind, body in reversed(bodies.items()):  # saved out of order on purpose
        Section.objects.create(condition=condition, kind=kind, body=body)
    for position, (name, verdict, kind) in enumerate(
        [
            ("Medicines taken by mouth", "Not considered effective", Treatment.Verdict.NOT_EFFECTIVE),
            ("Botulinum toxin injections", "Effective but must be repeated", Treatment.Verdict.REPEAT),
            ("Microvascular decompression", "Effective, performed once", Treatment.Verdict.ONCE),
        ]
    ):
        Treatment.objects.create(
            condition=condition,
            position=position,
            name=name,
            verdict=verdict,
            verdict_kind=kind,
            body=f"About {name}.",
        )
    UrgencyAdvice.objects.create(condition=condition, level="routine", body="If the twitching bothers you.")
    UrgencyAdvice.objects.create(
        condition=condition, level="urgent", body="If both sides of your face twitch."
    )
    UrgencyAdvice.objects.create(condition=condition, level="emergency", body="If your face suddenly droops.")
    Reference.objects.create(
        condition=condition, position=0, title="Hemifacial spasm: a review", source="A journal", year=2012,
        url="https://doi.org/10.0000/example",
    )  # fmt: skip
    make_figure(condition)
    condition.related.set(related)
    if publish:
        publish_version(condition)
    condition.refresh_from_db()
    return condition
