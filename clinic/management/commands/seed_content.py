"""
Load the site's initial content: the clinic profile and the condition articles.

Idempotent: running it again creates only what is missing and never overwrites what staff have
edited in the admin. `make run` calls it on every start.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from clinic.seed import seed_profile
from conditions.seed import seed_conditions


class Command(BaseCommand):
    help = "Load the clinic profile and condition articles (safe to run again)."

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            seed_profile(stdout=self.stdout)
            seed_conditions(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Initial content is in place."))
