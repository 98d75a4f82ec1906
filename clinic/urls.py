from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from clinic import views
from conditions import views as condition_views
from conditions.models import FIGURE_DIR
from conditions.sitemaps import SITEMAPS
from contact.retention import retention_policy

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "privacy/",
        # The retention periods come from the settings that purge_enquiries carries out (called
        # when the page is rendered, so the notice and the command always agree).
        TemplateView.as_view(
            template_name="clinic/privacy.html", extra_context={"enquiry_retention": retention_policy}
        ),
        name="privacy",
    ),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots"),
    # Django's sitemap view answers any method; like every other public page, GET and HEAD only.
    path("sitemap.xml", require_safe(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
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

admin.site.site_header = "Neuro Asia Care: staff"
admin.site.site_title = "Clinic staff"
admin.site.index_title = "Articles and enquiries"
