from datetime import date, datetime

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.html import format_html

from conditions.editing import text_preview
from conditions.models import ArticleFeedback, tidy_text


class ConditionSearchForm(forms.Form):
    """The search box: a plain GET form to the search page. With `live`, htmx also shows the
    results as the patient types (after a pause), and the address follows, so Back works."""

    q = forms.CharField(
        label="Search conditions",
        label_suffix="",
        help_text="For example: twitching, face pain or tic convulsif.",
        required=False,
        max_length=100,
        error_messages={"max_length": "Please use fewer words: up to %(limit_value)s characters."},
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args, live: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if live:
            self.fields["q"].widget.attrs.update(
                {
                    "hx-get": reverse("conditions:search"),
                    "hx-trigger": "input changed delay:300ms, search",
                    "hx-target": "#search-results",
                    "hx-swap": "innerHTML",
                    "hx-push-url": "true",
                }
            )

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data["q"].split())


# --- "Is this page useful?" at the end of each article --------------------------------------------


class FeedbackVoteForm(forms.Form):
    """The Yes / No buttons. `version` is the version the reader saw (the page names it), so a
    vote sent just after a new version went live still counts for the one they read."""

    useful = forms.TypedChoiceField(
        choices=[("yes", "Yes"), ("no", "No")], coerce=lambda value: value == "yes"
    )
    version = forms.IntegerField(min_value=1, max_value=2**31 - 1, required=False)


class FeedbackCommentForm(forms.Form):
    """The optional comment after a vote. `token` ties it to that vote (signed: see
    conditions/views.py), so nobody can add a comment to someone else's vote."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=200)
    comment = forms.CharField(
        label="What was missing? (optional)",
        label_suffix="",
        help_text="Do not include your name, contact details or anything about your own health: "
        "we cannot reply here. Up to 500 characters.",
        required=False,
        max_length=ArticleFeedback.COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


# --- The admin's editing screen ------------------------------------------------------------------


class TextBoxField(forms.CharField):
    """A text box's value with Unix line ends, as the model keeps it (`tidy_text`): browsers send
    \\r\\n, and the admin would otherwise take every saved text box for a change."""

    def to_python(self, value):
        return tidy_text(super().to_python(value))


class MarkdownTextarea(forms.Textarea):
    """A Markdown text that grows with its content, with its preview beside it: live (htmx posts
    the text as it is typed, the server renders and sanitises it) and, without JavaScript, a
    button that opens every text of the form rendered in a new tab."""

    template_name = "admin/conditions/widgets/markdown.html"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__({"rows": 6, "class": "sized-text markdown-text", **(attrs or {})})

    def get_context(self, name, value, attrs) -> dict:
        context = super().get_context(name, value, attrs)
        context["preview_url"] = reverse("admin:conditions_condition_markdown_preview")
        context["preview"] = text_preview(value or "")
        return context


class CountedTextarea(forms.Textarea):
    """A short text on a few lines, with how many characters it may still have."""

    template_name = "admin/conditions/widgets/counted.html"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__({"rows": 3, "class": "sized-text counted-text", **(attrs or {})})

    def get_context(self, name, value, attrs) -> dict:
        context = super().get_context(name, value, attrs)
        context["length"] = len(value or "")
        return context


def one_line(text: str) -> str:
    """Alt text and captions are one line on the page, whatever was typed into the box."""
    return " ".join(text.split())


class PublishForm(forms.Form):
    """A clinical reviewer's sign-off. The name and role come from their staff profile, not from
    this form; the view passes the article's latest version so the form can say what a
    "no clinical change" publish keeps."""

    reviewed_on = forms.DateField(
        label="Date of your review",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="The day you checked this draft: usually today.",
    )
    next_review_due = forms.DateField(
        label="Next review due",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Usually a year after your review. You get a reminder by email 30 days before.",
    )
    no_clinical_change = forms.BooleanField(label="No clinical change", required=False)
    change_note = forms.CharField(
        label="What changed (shown to patients)",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"size": 80}),
        help_text="One short line near the review date, e.g. 'Updated the botulinum toxin section.' "
        "Leave it empty to show none.",
    )
    reviewer_note = forms.CharField(
        label="Note for staff (never shown to patients)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "sized-text"}),
        help_text="For example what you checked, or what the next review should look at.",
    )
    draft_changed_at = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, latest=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.latest = latest
        if latest is None:
            self.fields["no_clinical_change"].disabled = True
            self.fields[
                "no_clinical_change"
            ].help_text = "Not possible for an article's first version: it needs a clinical review."
        else:
            self.fields["no_clinical_change"].help_text = format_html(
                "Tick only for a change that alters no medical fact, such as a typo. The page then "
                "keeps its last clinical review ({} by {}) and its next review due date ({}), and "
                'also shows "Last updated" with today\'s date. The two dates above are not used.',
                date_format(latest.last_reviewed_on),
                latest.last_reviewer_name,
                date_format(latest.next_review_due),
            )

    def clean_reviewed_on(self) -> date:
        value = self.cleaned_data["reviewed_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("The review date cannot be in the future.")
        return value

    def clean_draft_changed_at(self) -> datetime:
        value = parse_datetime(self.cleaned_data["draft_changed_at"])
        if value is None:
            raise forms.ValidationError("This page is out of date. Open the publish page again.")
        return value

    def clean(self) -> dict:
        data = super().clean()
        if data.get("no_clinical_change"):
            return data
        reviewed_on, due = data.get("reviewed_on"), data.get("next_review_due")
        if due is None:
            self.add_error("next_review_due", "Enter when the next review is due.")
        elif reviewed_on and due <= reviewed_on:
            self.add_error("next_review_due", "The next review must be due after the date of your review.")
        return data


def a_year_after(day: date) -> date:
    """The same day a year later (28 February after 29 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)
