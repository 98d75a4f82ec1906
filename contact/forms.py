import uuid

from django import forms
from django.core.validators import slug_re
from django.db.models import Q

from conditions.models import PublishedVersion
from contact.models import MESSAGE_MAX_LENGTH, Enquiry
from contact.phone import PhoneNumberError, normalise_phone
from contact.popular import popular_condition_ids
from grading.handoff import CalculatorResult, HandoffError, load_result

HONEYPOT_FIELD = "website"
# The condition choice that names none: the patient may say which in `condition_other`.
OTHER_CONDITION = "other"


class OneTimeTokenField(forms.UUIDField):
    """The form's hidden one-time token. A malformed one (only a hand-made POST has that) reads as
    missing, so clean_submission_id gives a fresh one: an error on a hidden field would be a
    message the patient can neither see next to a field nor fix."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError:
            return None


class ConditionChoiceField(forms.ChoiceField):
    """Radio buttons for a short list of conditions, read only when the form is shown (a form
    that is only checked and sent reads nothing for them). The posted address is checked in
    EnquiryForm.clean_condition, against every live article: the one the patient came from need
    not be on the short list. Anything that cannot be an article's address is refused here,
    before it reaches the database (PostgreSQL refuses text with a NUL character)."""

    def valid_value(self, value) -> bool:
        return value == OTHER_CONDITION or bool(slug_re.fullmatch(value))


class EnquiryForm(forms.Form):
    """The write-in form. Validates and normalises; the view hands the result to enquiry_submit.

    A signed calculator result comes in as a token (from the calculator's "Send this result" link
    on GET, from a hidden field on POST) and is verified here every time. The patient chose to
    send it, so it is attached, with a "Remove the result from my message" box: a box rather than
    a second submit button, because pressing Enter in a text field presses a form's first submit
    button, which would quietly remove the result instead of sending the message. A token that
    fails the check is dropped from the form, and unless the patient asked to remove it, the form
    says so instead of quietly sending the message without it.
    """

    name = forms.CharField(
        label="Your name",
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={
            "required": "Enter your name.",
            "max_length": "Please shorten your name to %(limit_value)s characters or fewer.",
        },
    )
    email = forms.EmailField(
        label="Email address",
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "invalid": "Enter an email address like name@example.com.",
            "max_length": "That is too long for an email address.",
        },
    )
    phone = forms.CharField(
        label="Phone number",
        required=False,
        max_length=30,
        help_text="A Singapore number like 9123 4567, or an overseas number starting with + and "
        "the country code.",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
        error_messages={"max_length": "That is too long for a phone number."},
    )
    preferred_contact = forms.ChoiceField(
        label="How would you like us to reply?",
        choices=Enquiry.ContactMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how you would like us to reply."},
    )
    # A short list, never every article: the one the patient came from, then the ones most
    # written in about (contact/popular.py), then "another condition or not sure". The value is
    # the article's address; clean_condition checks it against the live articles.
    condition = ConditionChoiceField(
        label="What is your enquiry about? (optional)",
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose a condition from the list."},
    )
    condition_other = forms.CharField(
        label="Another condition, or not sure? Tell us here (optional)",
        required=False,
        max_length=200,
        help_text="For example, the name a doctor gave, or what you notice.",
        error_messages={"max_length": "Please shorten this to %(limit_value)s characters or fewer."},
    )
    message = forms.CharField(
        label="Your message",
        max_length=MESSAGE_MAX_LENGTH,
        help_text=f"Tell us what you would like help with, in up to {MESSAGE_MAX_LENGTH:,} characters. "
        "Please do not include your NRIC number or date of birth: we do not need them.",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": "Enter your message.",
            "max_length": "Your message is too long: please shorten it to %(limit_value)s characters "
            "or fewer (it has %(show_value)s).",
        },
    )
    remove_result = forms.BooleanField(
        label="Remove the result from my message",
        required=False,
        help_text="Tick this if you would rather not send your result. Your message will then be sent without it.",
    )
    result = forms.CharField(required=False, widget=forms.HiddenInput)
    consent = forms.BooleanField(
        label="I agree to the clinic using the details in this form to reply to my enquiry.",
        help_text="We use your details only to answer your enquiry and, if you wish, to arrange an "
        "appointment. Only our care coordinators can read them.",
        error_messages={"required": "Tick the box to agree, so that we can use your details to reply."},
    )
    submission_id = OneTimeTokenField(required=False, widget=forms.HiddenInput)
    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, result_token: str = "", **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")  # labels are phrases and questions: no added colon
        super().__init__(*args, **kwargs)
        self.fields["condition"].choices = self._condition_choices
        # No maxlength attribute on the message: a browser would cut a long paste short without
        # a word. The server says how long it is instead.
        self.fields["message"].widget.attrs.pop("maxlength", None)
        if self.is_bound:
            result_token = self.data.get("result", "")
        self.calculator: CalculatorResult | None = None
        self.calculator_error = ""
        self.wanted_broken_result = False
        if result_token:
            try:
                self.calculator = load_result(result_token)
            except HandoffError as error:
                self.calculator_error = str(error)
        if self.calculator is None:
            del self.fields["remove_result"]
            if self.is_bound and (result_token or "remove_result" in self.data):
                self.wanted_broken_result = bool(result_token and not self.data.get("remove_result"))
                self.data = self.data.copy()
                self.data["result"] = ""
                self.data.pop("remove_result", None)
        elif not self.is_bound:
            self.initial["result"] = result_token

    def _condition_choices(self) -> list[tuple[str, str]]:
        """The short list, with the article the patient came from (or chose) first. One query."""
        came_from = (self.data.get("condition") if self.is_bound else self.initial.get("condition")) or ""
        if not slug_re.fullmatch(came_from):  # not an article's address: nothing to look up
            came_from = ""
        names = dict(
            PublishedVersion.objects.published()
            .filter(Q(condition_id__in=popular_condition_ids()) | Q(slug=came_from))
            .order_by()  # sorted below; without it, the read of a few rows sorts every live one
            .values_list("slug", "name")
        )
        first = [came_from] if came_from in names else []
        others = sorted((slug for slug in names if slug != came_from), key=names.get)
        return [
            *((slug, names[slug]) for slug in [*first, *others]),
            (OTHER_CONDITION, "Another condition, or not sure"),
        ]

    def clean_condition(self):
        """The article (the Condition) chosen, or None for none or "another condition or not sure"."""
        slug = self.cleaned_data["condition"]
        if slug in ("", OTHER_CONDITION):
            return None
        version = (
            PublishedVersion.objects.published()
            .filter(slug=slug)
            .select_related("condition")
            .only("slug", "condition__id")
            .first()
        )
        if version is None:
            raise forms.ValidationError(
                self.fields["condition"].error_messages["invalid_choice"], code="invalid_choice"
            )
        return version.condition

    def clean_condition_other(self) -> str:
        return " ".join(self.cleaned_data["condition_other"].split())

    def clean_name(self) -> str:
        # One line, single spaces: the name is written into the acknowledgement mail.
        return " ".join(self.cleaned_data["name"].split())

    def clean_phone(self) -> str:
        raw = self.cleaned_data["phone"]
        if not raw:
            return ""
        try:
            return normalise_phone(raw)
        except PhoneNumberError as error:
            raise forms.ValidationError(str(error), code="invalid") from error

    def clean_submission_id(self) -> uuid.UUID:
        # A form from before this token existed, or a hand-made POST: give it a fresh one.
        return self.cleaned_data["submission_id"] or uuid.uuid4()

    def clean(self) -> dict:
        cleaned = super().clean()
        email, phone = cleaned.get("email"), cleaned.get("phone")
        preferred = cleaned.get("preferred_contact")
        if "email" not in self.errors and "phone" not in self.errors:
            if not email and not phone:
                self.add_error("email", "Enter an email address or a phone number, so that we can reply.")
            elif preferred == Enquiry.ContactMethod.EMAIL and not email:
                self.add_error(
                    "email", "You chose a reply by email: enter your email address, or choose phone."
                )
            elif preferred == Enquiry.ContactMethod.PHONE and not phone:
                self.add_error(
                    "phone", "You chose a reply by phone: enter your phone number, or choose email."
                )
        if self.wanted_broken_result:
            raise forms.ValidationError(
                f"{self.calculator_error} Your message has not been sent yet: send it again to go "
                "without the result.",
                code="calculator_result",
            )
        return cleaned

    def calculator_data(self) -> dict | None:
        """The verified calculator result as structured data, unless the patient removed it."""
        if self.calculator is not None and not self.cleaned_data.get("remove_result"):
            return self.calculator.as_data()
        return None


class DataRequestForm(forms.Form):
    """Whose data request (PDPA): the email address or phone number the patient wrote in with."""

    email = forms.EmailField(label="Patient's email address", required=False, max_length=254)
    phone = forms.CharField(
        label="Patient's phone number",
        required=False,
        max_length=30,
        help_text="Either or both. Enquiries with either are found.",
    )

    clean_phone = EnquiryForm.clean_phone  # normalised as the patient's own form stores it

    def clean(self) -> dict:
        cleaned = super().clean()
        if not self.errors and not (cleaned.get("email") or cleaned.get("phone")):
            raise forms.ValidationError("Enter the patient's email address or phone number.")
        return cleaned


class DataRequestCorrectionForm(forms.Form):
    """The patient's corrected contact details; an empty field keeps what is there."""

    name = forms.CharField(label="Correct name", required=False, max_length=100)
    email = forms.EmailField(label="Correct email address", required=False, max_length=254)
    phone = forms.CharField(label="Correct phone number", required=False, max_length=30)

    clean_phone = DataRequestForm.clean_phone

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean(self) -> dict:
        cleaned = super().clean()
        if not self.errors and not self.changes():
            raise forms.ValidationError("Enter at least one corrected detail.")
        return cleaned

    def changes(self) -> dict[str, str]:
        return {field: value for field, value in self.cleaned_data.items() if value}

    def new_identity(self, old: dict[str, str]) -> dict[str, str]:
        """Who the request is about once corrected (to list their enquiries again)."""
        return {field: self.changes().get(field) or old.get(field, "") for field in ("email", "phone")}
