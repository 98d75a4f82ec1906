from django import forms
from django.urls import reverse_lazy


class ConditionSearchForm(forms.Form):
    """The search box on the conditions list. A plain GET form; htmx only filters as you type."""

    q = forms.CharField(
        label="Search conditions",
        label_suffix="",
        help_text="For example: twitching, face pain or tic convulsif.",
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "autocomplete": "off",
                "spellcheck": "false",
                "hx-get": reverse_lazy("conditions:list"),
                "hx-trigger": "input changed delay:300ms, search",
                "hx-target": "#condition-results",
                "hx-swap": "innerHTML",
                "hx-push-url": "true",
            }
        ),
    )
