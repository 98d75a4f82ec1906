from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError

from staff import twofactor

WRONG_SIGN_IN = (
    "The user name, password or code is not right. User name and password are case-sensitive; a "
    "code from the app works once, within about 30 seconds."
)


class StaffLoginForm(AdminAuthenticationForm):
    """The admin's sign-in: user name, password and, for anyone with two-factor sign-in set up, a
    code from their authenticator app or one of their recovery codes, all on one page.

    A wrong code counts as a failed sign-in for django-axes, like a wrong password, so guessing
    codes locks out as quickly as guessing passwords. Every failure gets the same message, so the
    page does not tell a guesser which part was wrong.
    """

    code = forms.CharField(
        label="Code",
        required=False,
        max_length=40,
        help_text="The 6-digit code your authenticator app shows, or one of your recovery codes. "
        "Leave it empty only if you have not set up two-factor sign-in.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )
    error_messages = {**AdminAuthenticationForm.error_messages, "invalid_login": WRONG_SIGN_IN}

    def clean(self) -> dict:
        cleaned = super().clean()  # the password (django-axes counts failures and locks out)
        user = self.get_user()
        if user is None or not twofactor.has_two_factor(user):
            return cleaned
        device = twofactor.code_verify(user=user, code=cleaned.get("code", ""))
        if device is None:
            user_login_failed.send(
                sender=type(self), credentials={"username": cleaned.get("username")}, request=self.request
            )
            self.user_cache = None
            raise ValidationError(WRONG_SIGN_IN, code="invalid_login")
        # django_otp marks the session as verified by this device when the user is logged in.
        user.otp_device = device
        return cleaned


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code from the app",
        max_length=12,
        help_text="The 6 digits the app shows now, without spaces.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
        error_messages={"required": "Enter the 6-digit code the app shows."},
    )
