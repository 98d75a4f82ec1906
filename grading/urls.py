from django.urls import path
from django.views.generic import TemplateView

from grading import views

app_name = "grading"
urlpatterns = [
    # The list of calculators: a plain page, the same for everyone.
    path("", TemplateView.as_view(template_name="grading/index.html"), name="index"),
    path("hemifacial-spasm/", views.calculator, name="calculator"),
]
