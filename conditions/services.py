"""
The publishing workflow: the only code that writes published versions.

- `version_build`: an unsaved version of the working copy as it is now. The staff preview renders
  it; publishing saves it.
- `condition_publish`: a clinical reviewer signs off the working copy and it goes live (the
  previous live version stays in the history). `condition_publish_seeded` is the same for the
  seed, signed off in the content module's own words, with no user.
- `condition_unpublish`: take the article off the site (404 for patients); it stays in the admin.
- `condition_republish`: put the most recent version back live, as a new version that records who
  did it.
- `version_restore`: copy an old version into the working copy as a draft, which then needs
  sign-off like any other.

The search index (conditions/search.py) follows the live versions in the same transaction: a
version that goes live replaces the article's entry, unpublishing removes it. Restoring changes
only the working copy, so the index is left alone until the restored draft is published.

Each runs in one transaction with the article's row locked, so two reviewers publishing at once
get consecutive version numbers, and "the latest version" is one indexed read, never a scan.
Who may call them is checked here too (the `conditions.publish_condition` permission), whatever
the view did.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from conditions import search
from conditions.models import (
    Condition,
    Figure,
    PublishedFile,
    PublishedVersion,
    Reference,
    Section,
    SlugRedirect,
    Treatment,
    UrgencyAdvice,
)
from conditions.snapshots import snapshot_build, snapshot_files

PUBLISH_PERMISSION = "conditions.publish_condition"

# Fields a republished version takes from the one it puts back (all but its own record).
_OWN_FIELDS = {
    "id",
    "number",
    "is_live",
    "published_at",
    "published_by",
    "republished_from",
    "unpublished_at",
    "unpublished_by",
}


class PublishRefused(Exception):
    """A workflow step cannot go ahead; the message says why, in words for staff."""


@dataclass(frozen=True)
class SignOff:
    reviewer: AbstractBaseUser | None
    reviewer_name: str
    reviewer_role: str
    reviewed_on: date
    next_review_due: date | None  # not used for a "no clinical change" version
    clinical_change: bool = True
    change_note: str = ""
    reviewer_note: str = ""


def can_publish(user) -> bool:
    return user.is_active and user.is_staff and user.has_perm(PUBLISH_PERMISSION)


def reviewer_identity(user) -> tuple[str, str]:
    """The name and role a reviewer signs off with, from their staff profile."""
    try:
        profile = user.staff_profile
    except ObjectDoesNotExist:
        profile = None
    if profile is None or not profile.can_sign_off:
        raise PublishRefused(
            "You cannot sign off an article yet: your staff profile needs the name and role shown "
            "to patients (e.g. 'Dr Tan Wei Ming', 'Consultant neurosurgeon'). Ask the administrator "
            "to fill it in (Users, your account, Staff profile)."
        )
    return profile.display_name.strip(), profile.role.strip()


def version_build(*, condition: Condition) -> PublishedVersion:
    """An unsaved version of the working copy as it is now, without a sign-off (six queries)."""
    return PublishedVersion(
        condition=condition,
        slug=condition.slug,
        name=condition.name,
        summary=condition.summary,
        also_known_as=condition.also_known_as,
        snapshot=snapshot_build(condition),
        source_changed_at=condition.updated_at,
    )


def condition_publish(
    *,
    condition_id: int,
    user,
    reviewed_on: date,
    next_review_due: date | None,
    clinical_change: bool = True,
    change_note: str = "",
    reviewer_note: str = "",
    draft_changed_at: datetime | None = None,
) -> PublishedVersion:
    """Sign off the working copy as `user` (a clinical reviewer with a staff profile) and put it
    live. `draft_changed_at` is the working copy's `updated_at` the reviewer previewed: if it has
    changed since, publishing is refused, so nobody signs off text they have not seen."""
    if not can_publish(user):
        raise PermissionDenied("Only clinical reviewers may publish.")
    name, role = reviewer_identity(user)
    if reviewed_on > timezone.localdate():
        raise PublishRefused("The review date cannot be in the future.")
    sign_off = SignOff(
        reviewer=user,
        reviewer_name=name,
        reviewer_role=role,
        reviewed_on=reviewed_on,
        next_review_due=next_review_due,
        clinical_change=clinical_change,
        change_note=change_note.strip(),
        reviewer_note=reviewer_note.strip(),
    )
    return _publish(condition_id, sign_off, published_by=user, draft_changed_at=draft_changed_at)


def condition_publish_seeded(
    *, condition_id: int, reviewer_name: str, reviewer_role: str, reviewed_on: date, next_review_due: date
) -> PublishedVersion:
    """Publish the seeded working copy, signed off as its content module says (no user)."""
    sign_off = SignOff(
        reviewer=None,
        reviewer_name=reviewer_name,
        reviewer_role=reviewer_role,
        reviewed_on=reviewed_on,
        next_review_due=next_review_due,
    )
    return _publish(condition_id, sign_off, published_by=None)


def _publish(
    condition_id: int, sign_off: SignOff, *, published_by, draft_changed_at: datetime | None = None
) -> PublishedVersion:
    with transaction.atomic():
        condition = Condition.objects.select_for_update().get(pk=condition_id)
        if draft_changed_at is not None and condition.updated_at != draft_changed_at:
            raise PublishRefused(
                "The draft has changed since you opened this page"
                f"{_by(condition.updated_by)}. Preview it again, then publish."
            )
        latest = _latest(condition)
        version = version_build(condition=condition)
        today = timezone.localdate()
        if sign_off.clinical_change:
            if sign_off.next_review_due is None or sign_off.next_review_due <= sign_off.reviewed_on:
                raise PublishRefused("The next review must be due after the review date.")
            version.last_reviewed_on = sign_off.reviewed_on
            version.last_reviewer = sign_off.reviewer
            version.last_reviewer_name = sign_off.reviewer_name
            version.last_reviewer_role = sign_off.reviewer_role
            version.next_review_due = sign_off.next_review_due
        else:
            if latest is None:
                raise PublishRefused(
                    'An article\'s first version needs a clinical review: untick "No clinical change".'
                )
            # A typo fix: the page keeps the last clinical review and its due date.
            version.last_reviewed_on = latest.last_reviewed_on
            version.last_reviewer_id = latest.last_reviewer_id
            version.last_reviewer_name = latest.last_reviewer_name
            version.last_reviewer_role = latest.last_reviewer_role
            version.next_review_due = latest.next_review_due
        version.reviewer = sign_off.reviewer
        version.reviewer_name = sign_off.reviewer_name
        version.reviewer_role = sign_off.reviewer_role
        version.reviewed_on = sign_off.reviewed_on
        version.clinical_change = sign_off.clinical_change
        version.change_note = sign_off.change_note
        version.reviewer_note = sign_off.reviewer_note
        version.text_changed_on = today
        version.published_by = published_by
        return _go_live(version, latest)


def condition_unpublish(*, condition_id: int, user) -> PublishedVersion:
    """Take the article off the site: its page becomes a 404; the article and history stay."""
    if not can_publish(user):
        raise PermissionDenied("Only clinical reviewers may unpublish.")
    with transaction.atomic():
        condition = Condition.objects.select_for_update().get(pk=condition_id)
        live = PublishedVersion.objects.published().filter(condition=condition).defer("snapshot").first()
        if live is None:
            raise PublishRefused("This article is not on the site.")
        PublishedVersion.objects.filter(pk=live.pk).update(
            is_live=False, unpublished_at=timezone.now(), unpublished_by=user
        )
        search.index_remove(live.condition_id)
        return live


def condition_republish(*, condition_id: int, user) -> PublishedVersion:
    """Put the most recent version back on the site, unchanged, as a new version (so the history
    says who did it and when). Its sign-off and review dates are those of the version it copies."""
    if not can_publish(user):
        raise PermissionDenied("Only clinical reviewers may republish.")
    with transaction.atomic():
        condition = Condition.objects.select_for_update().get(pk=condition_id)
        if PublishedVersion.objects.published().filter(condition=condition).exists():
            raise PublishRefused("This article is already on the site.")
        latest = condition.versions.order_by("-number").first()
        if latest is None:
            raise PublishRefused("This article has never been published: publish it with a sign-off.")
        copy = PublishedVersion(
            **{
                field.attname: getattr(latest, field.attname)
                for field in PublishedVersion._meta.concrete_fields
                if field.name not in _OWN_FIELDS
            },
            republished_from=latest,
            published_by=user,
        )
        return _go_live(copy, latest)


def _go_live(version: PublishedVersion, latest: PublishedVersion | None) -> PublishedVersion:
    """Save `version` as the article's live version (inside the caller's transaction)."""
    taken = (
        PublishedVersion.objects.published()
        .filter(slug=version.slug)
        .exclude(condition_id=version.condition_id)
        .values_list("name", flat=True)
        .first()
    )
    if taken is not None:
        raise PublishRefused(
            f"The address /conditions/{version.slug}/ is still used by the live article "
            f'"{taken}". Publish that article\'s new address first, or choose another address.'
        )
    PublishedVersion.objects.published().filter(condition_id=version.condition_id).update(is_live=False)
    version.number = latest.number + 1 if latest else 1
    version.is_live = True
    version.published_at = timezone.now()
    version.save()
    PublishedFile.objects.bulk_create(
        PublishedFile(version=version, name=name) for name in snapshot_files(version.snapshot)
    )
    # Old addresses keep working: the previous one redirects here, and this one is no one's old
    # address any more.
    SlugRedirect.objects.filter(old_slug=version.slug).delete()
    if latest is not None and latest.slug != version.slug:
        SlugRedirect.objects.update_or_create(
            old_slug=latest.slug, defaults={"condition_id": version.condition_id}
        )
    search.index_version(version)
    return version


def _latest(condition: Condition) -> PublishedVersion | None:
    # One row by the (condition, number) index, without its snapshot.
    return condition.versions.order_by("-number").defer("snapshot").first()


def version_restore(*, version_id: int, user) -> Condition:
    """Replace the working copy, with all its parts, by an old version's: a new draft."""
    if not can_publish(user):
        raise PermissionDenied("Only clinical reviewers may restore a version.")
    with transaction.atomic():
        version = PublishedVersion.objects.get(pk=version_id)
        condition = Condition.objects.select_for_update().get(pk=version.condition_id)
        snapshot = version.snapshot
        clash = (
            Condition.objects.exclude(pk=condition.pk)
            .filter(Q(name=snapshot["name"]) | Q(slug=snapshot["slug"]))
            .first()
        )
        if clash is not None:
            raise PublishRefused(
                f'Another article ("{clash.name}") now has this version\'s name or address. '
                "Change that article first, then restore."
            )
        for parts in (
            condition.sections,
            condition.treatments,
            condition.urgency_advice,
            condition.figures,
            condition.references,
        ):
            parts.all().delete()
        condition.name = snapshot["name"]
        condition.slug = snapshot["slug"]
        condition.summary = snapshot["summary"]
        condition.also_known_as = snapshot["also_known_as"]
        condition.calculator = snapshot["calculator"]
        condition.updated_by = user
        condition.save()
        for section in snapshot["sections"]:
            Section(condition=condition, kind=section["kind"], body=section["body"]).save()
        for treatment in snapshot["treatments"]:
            Treatment(
                condition=condition,
                **{key: treatment[key] for key in ("position", "name", "verdict", "verdict_kind", "body")},
            ).save()
        for block in snapshot["urgency"]:
            UrgencyAdvice(condition=condition, level=block["level"], body=block["body"]).save()
        for figure in snapshot["figures"]:
            # The stored files are reused as they are: they were checked and processed on upload.
            Figure(
                condition=condition,
                **{
                    key: figure[key]
                    for key in (
                        "section",
                        "position",
                        "image",
                        "width",
                        "height",
                        "renditions",
                        "alt_text",
                        "caption",
                    )
                },
            ).save()
        for reference in snapshot["references"]:
            Reference(
                condition=condition,
                **{key: reference[key] for key in ("position", "title", "source", "year", "url")},
            ).save()
        condition.related.set(Condition.objects.filter(pk__in=snapshot["related"]).exclude(pk=condition.pk))
        Condition.objects.filter(pk=condition.pk).update(updated_by=user)
        condition.refresh_from_db()
        return condition


def _by(user) -> str:
    return f" (last changed by {user.get_full_name() or user.get_username()})" if user else ""
