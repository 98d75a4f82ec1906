from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from clinic import views
from conditions import views as condition_views
from conditions.models import FIGURE_DIR

urlpatterns = [
    path("", views.home, name="home"),
    path("privacy/", views.privacy, name="privacy"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("favicon.ico", views.favicon, name="favicon"),
    # Django's sitemap views, cached per content version; GET and HEAD only.
    path("sitemap.xml", condition_views.sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>.xml", condition_views.sitemap_section, name="sitemap-section"),
    path("conditions/", include("conditions.urls")),
    path("grading/", include("grading.urls")),
    path("contact/", include("contact.urls")),
    path("admin/", admin.site.urls),
]

handler500 = "clinic.views.server_error"
if not settings.MEDIA_URL.startswith(("http://", "https://", "//")):
    # Article figures for `make run`, where no web server sits in front (whitenoise serves static
    # files only). Production serves MEDIA_ROOT from the web server first; see docs/operations.md, "Media".
    urlpatterns.append(
        path(
            f"{settings.MEDIA_URL.strip('/')}/{FIGURE_DIR}/<str:name>",
            condition_views.figure_file,
            name="figure-file",
        )
    )
