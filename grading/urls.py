from django.urls import path

from grading import views

app_name = "grading"
urlpatterns = [
    path("hemifacial-spasm/", views.calculator, name="calculator"),
]
