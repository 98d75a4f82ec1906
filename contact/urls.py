from django.urls import path

from contact import views

app_name = "contact"
urlpatterns = [
    path("", views.enquiry_form, name="form"),
    path("thanks/", views.enquiry_thanks, name="thanks"),
    path("check/<slug:field>/", views.enquiry_validate, name="validate"),
]
