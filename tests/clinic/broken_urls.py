"""URLs that fail on purpose, to exercise the error pages."""

from django.core.exceptions import SuspiciousOperation
from django.urls import include, path


def boom(request):
    raise RuntimeError("deliberate failure for the 500 page test")


def bad(request):
    raise SuspiciousOperation("deliberately malformed request")


handler500 = "clinic.views.server_error"

urlpatterns = [
    path("boom/", boom),
    path("bad/", bad),
    path("", include("clinic.urls")),
]
