from django.urls import include, path

from bench.views import floor

urlpatterns = [
    path("bench/floor/<int:size>/", floor, name="bench-floor"),
    path("", include("clinic.urls")),
]
handler500 = "clinic.views.server_error"
