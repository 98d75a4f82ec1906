from django.urls import include, path

from bench.views import floor

# The floor comes after the site's own addresses, so its request is routed like a page of the site.
urlpatterns = [
    path("", include("clinic.urls")),
    path("bench/floor/<int:size>/", floor, name="bench-floor"),
]
handler500 = "clinic.views.server_error"
