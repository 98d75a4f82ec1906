"""The clinic profile's seeded defaults, loaded by `manage.py seed_content`."""

from django.core.management.base import OutputWrapper

from clinic.models import ClinicProfile


def seed_profile(*, stdout: OutputWrapper) -> None:
    # Never overwrite a profile staff have edited: create it only when missing.
    if ClinicProfile.objects.filter(pk=1).exists():
        stdout.write("Kept clinic profile")
        return
    ClinicProfile.defaults().save()
    stdout.write("Created clinic profile")
