from django.http import HttpRequest

from clinic.models import ClinicProfile


def clinic(request: HttpRequest) -> dict:
    """The clinic's details for every template: one cache lookup, no query on a cache hit."""
    return {"clinic": ClinicProfile.load()}
