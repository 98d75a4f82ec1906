"""
Review reminders: each live article's clinical review is due on its live version's
`next_review_due`. From 30 days before that date its reviewer gets one "review due" mail, and once
the date has passed one "review overdue" mail. Overdue articles stay on the site.

Who is told: the reviewer of the article's latest clinical sign-off, if that account is active
and has an email address; otherwise (the seed's and the migrated articles have no reviewer
account, or the reviewer has left) every active member of the Clinical reviewers group.

Each mail is recorded (`ReviewReminder`: article, stage, due date), so it goes once per article,
stage and due date however often the command runs; a new sign-off with a new due date starts
again. A failed send removes its record, so the next run tries again.
"""

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from conditions.models import PublishedVersion, ReviewReminder

logger = logging.getLogger(__name__)

DUE_SOON_DAYS = 30
REVIEWERS_GROUP = "Clinical reviewers"  # made by conditions/migrations/0009_clinical_reviewers_group.py


@dataclass(frozen=True)
class Outcome:
    sent: list[ReviewReminder]
    problems: list[str]  # articles nobody could be told about, mails that failed


def reviewer_addresses(version: PublishedVersion) -> list[str]:
    reviewer = version.last_reviewer
    if reviewer is not None and reviewer.is_active and reviewer.email:
        return [reviewer.email]
    reviewers = User.objects.filter(groups__name=REVIEWERS_GROUP, is_active=True).exclude(email="")
    return sorted(set(reviewers.values_list("email", flat=True)))


def review_reminders_send(*, today: date) -> Outcome:
    """Send the reminders owed on `today` (see the module docstring)."""
    sent: list[ReviewReminder] = []
    problems: list[str] = []
    due = (
        PublishedVersion.objects.published()
        .filter(next_review_due__lte=today + timedelta(days=DUE_SOON_DAYS))
        .select_related("last_reviewer")
        .defer("snapshot")
        .order_by("next_review_due", "name")
    )
    for version in due:
        stage = (
            ReviewReminder.Stage.OVERDUE if version.next_review_due < today else ReviewReminder.Stage.DUE_SOON
        )
        record = {"condition_id": version.condition_id, "stage": stage, "due_date": version.next_review_due}
        if ReviewReminder.objects.filter(**record).exists():
            continue
        recipients = reviewer_addresses(version)
        if not recipients:
            problems.append(
                f"{version.name}: review {stage.label.lower()} ({version.next_review_due:%d %b %Y}), but "
                f"nobody to tell: no active member of {REVIEWERS_GROUP} has an email address."
            )
            continue
        try:
            with transaction.atomic():
                reminder = ReviewReminder.objects.create(**record, recipients="\n".join(recipients))
        except IntegrityError:
            continue  # another run recorded it a moment ago
        try:
            _send(version, reminder, recipients)
        except Exception as error:  # any mail failure: forget the record, so the next run tries again
            ReviewReminder.objects.filter(pk=reminder.pk).delete()
            logger.warning("review reminder for %s failed (%s)", version.name, type(error).__name__)
            problems.append(f"{version.name}: the mail could not be sent ({type(error).__name__}: {error}).")
            continue
        sent.append(reminder)
    return Outcome(sent=sent, problems=problems)


def _send(version: PublishedVersion, reminder: ReviewReminder, recipients: list[str]) -> None:
    overdue = reminder.stage == ReviewReminder.Stage.OVERDUE
    due = f"{version.next_review_due.day} {version.next_review_due:%B %Y}"
    subject = (
        f"Review overdue since {due}: {version.name}" if overdue else f"Review due by {due}: {version.name}"
    )
    context = {
        "version": version,
        "overdue": overdue,
        "due": due,
        "admin_link": settings.CONTACT_SITE_URL
        + reverse("admin:conditions_condition_change", args=[version.condition_id]),
    }
    EmailMessage(
        subject=subject,
        body=render_to_string("conditions/emails/review_reminder.txt", context),
        to=recipients,
    ).send()
