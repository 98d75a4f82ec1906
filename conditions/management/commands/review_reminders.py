"""
Email reviewers about articles whose clinical review is due within 30 days, and again once it is
overdue: once per article, stage and due date, however often it runs (conditions/reminders.py).

Run it daily, on one machine, from cron or a systemd timer (docs/operations.md, "Deployment").
It exits with an error (so cron mails its output) when an article has nobody to tell or a mail
could not be sent; those are tried again on the next run.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from conditions.reminders import review_reminders_send


class Command(BaseCommand):
    help = "Email reviewers about clinical reviews due within 30 days or overdue (run daily)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            default=None,
            help="Act as if today were this date (YYYY-MM-DD), e.g. to see what would be due.",
        )

    def handle(self, *args, today: date | None, **options) -> None:
        outcome = review_reminders_send(today=today or timezone.localdate())
        for reminder in outcome.sent:
            self.stdout.write(f"Sent: {reminder}")
        for problem in outcome.problems:
            self.stderr.write(problem)
        if outcome.problems:
            raise CommandError(
                f"{len(outcome.problems)} reminder(s) could not be sent; the next run tries again."
            )
        self.stdout.write(self.style.SUCCESS(f"{len(outcome.sent)} review reminder(s) sent."))
