"""Sign-in and password forms, with plain labels and messages."""

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm

from kapcare.core.form_inputs import InputRules


class SignInForm(InputRules, AuthenticationForm):
    """Email and password; the messages never say which of the two was wrong."""

    username = forms.EmailField(
        label="Email",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    error_messages = {
        "invalid_login": "That email and password do not match an account. Please try again.",
        "inactive": "That email and password do not match an account. Please try again.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your email address."
        self.fields["password"].error_messages["required"] = "Enter your password."

    def clean_username(self) -> str:
        # Accounts are stored with lower-case emails (UserManager.create_user);
        # people type them however they like.
        return str(self.cleaned_data["username"]).strip().lower()


class ChangePasswordForm(InputRules, PasswordChangeForm):
    """Django's password change, labelled the way people say it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Current password"
        self.fields["old_password"].error_messages["required"] = "Enter your current password."
        self.fields["new_password1"].label = "New password"
        self.fields["new_password1"].error_messages["required"] = "Enter a new password."
        self.fields["new_password2"].label = "New password again"
        self.fields["new_password2"].help_text = "Type the new password a second time."
        self.fields["new_password2"].error_messages["required"] = (
            "Enter the new password a second time."
        )


LIFE_CHOICES = [(7, "7 days"), (30, "30 days"), (90, "90 days"), (180, "180 days"), (365, "1 year")]


class NewApiTokenForm(InputRules, forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="What the token is for, so you recognise it later (e.g. “reports script”).",
    )
    days = forms.TypedChoiceField(
        label="Expires after",
        choices=LIFE_CHOICES,
        coerce=int,
        initial=90,
        help_text="The token stops working then; make a new one if you still need it.",
    )
