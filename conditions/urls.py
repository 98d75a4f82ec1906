from django.urls import path

from conditions import views

app_name = "conditions"
urlpatterns = [
    path("", views.condition_list, name="list"),
    path("preview/<int:pk>/", views.condition_preview, name="preview"),
    path("<slug:slug>/", views.condition_detail, name="detail"),
    path("<slug:slug>/feedback/", views.feedback_vote, name="feedback"),
    path("<slug:slug>/feedback/comment/", views.feedback_comment, name="feedback-comment"),
    path("<slug:slug>/feedback/thanks/", views.feedback_thanks, name="feedback-thanks"),
]
