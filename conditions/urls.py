from django.urls import path, register_converter

from conditions import views


class LetterConverter:
    """One lower-case letter, a to z: the A-Z's pages."""

    regex = "[a-z]"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(LetterConverter, "letter")

app_name = "conditions"
urlpatterns = [
    path("", views.condition_list, name="list"),
    path("letter/<letter:letter>/", views.condition_letter, name="letter"),
    path("search/", views.condition_search, name="search"),
    path("preview/<int:pk>/", views.condition_preview, name="preview"),
    path("<slug:slug>/", views.condition_detail, name="detail"),
    path("<slug:slug>/feedback/", views.feedback_vote, name="feedback"),
    path("<slug:slug>/feedback/comment/", views.feedback_comment, name="feedback-comment"),
    path("<slug:slug>/feedback/thanks/", views.feedback_thanks, name="feedback-thanks"),
]
