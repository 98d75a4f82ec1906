from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from clinic import views

urlpatterns = [
    path("", views.home, name="home"),
    path("privacy/", TemplateView.as_view(template_name="clinic/privacy.html"), name="privacy"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("conditions/", include("conditions.urls")),
    path("grading/", include("grading.urls")),
    path("contact/", include("contact.urls")),
    path("admin/", admin.site.urls),
]

handler500 = "clinic.views.server_error"

admin.site.site_header = "Neuro Asia Care: staff"
admin.site.site_title = "Clinic staff"
admin.site.index_title = "Articles and enquiries"
