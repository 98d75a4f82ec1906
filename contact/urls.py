from django.urls import path

from contact import views

app_name = "contact"
urlpatterns = [
    path("", views.enquiry_form, name="form"),
]
