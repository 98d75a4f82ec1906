from django.urls import path

from bench.views import floor
from clinic.urls import handler500, urlpatterns as site_urlpatterns

# The site's own addresses exactly as production routes them (no extra level of include()), then
# the floor, so its request is matched against every site address first, like a page of the site.
urlpatterns = [
    *site_urlpatterns,
    path("bench/floor/<int:size>/", floor, name="bench-floor"),
]
__all__ = ["handler500", "urlpatterns"]
