"""
Remove a staff member's two-factor devices (authenticator app and recovery codes), for a lost
phone. At their next sign-in (with their password) they are asked to set up a new app, and until
they have, the admin shows them nothing else. See docs/operations.md, "Staff sign-in".
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from staff.twofactor import two_factor_reset


class Command(BaseCommand):
    help = "Remove a staff member's authenticator app and recovery codes (lost phone)."

    def add_arguments(self, parser):
        parser.add_argument("username", help="The staff member's user name.")

    def handle(self, *args, username: str, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user is called {username!r}.")
        removed = two_factor_reset(user=user)
        self.stdout.write(
            self.style.SUCCESS(
                f"Removed {removed} two-factor device(s) of {username}: sessions signed in with them lose "
                "access at once, and they set up a new app at their next sign-in."
            )
        )
