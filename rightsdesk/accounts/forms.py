from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


def authenticator_code_field(*, required: bool) -> forms.CharField:
    """The six-digit code box: numeric keyboard on phones, left-to-right in every language."""
    return forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        help_text=(
            "" if required else _("Leave this empty only if you are signing in for the first time.")
        ),
        max_length=16,
        required=required,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "dir": "ltr"}
        ),
    )


class SignInForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=1024,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = authenticator_code_field(required=False)


class EnrolmentForm(forms.Form):
    code = authenticator_code_field(required=True)


class RecoveryKeyConfirmForm(forms.Form):
    key = forms.CharField(
        label=_("Type your recovery key to confirm you have kept it"),
        max_length=80,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "dir": "ltr"}
        ),
    )


class PasswordChangeForm(forms.Form):
    current_password = forms.CharField(
        label=_("Current password"),
        max_length=1024,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label=_("New password"),
        help_text=_("At least 12 characters. A few unrelated words make a strong password."),
        max_length=1024,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password_again = forms.CharField(
        label=_("New password, again"),
        max_length=1024,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, object] | None:
        cleaned = super().clean()
        if cleaned and cleaned.get("new_password") != cleaned.get("new_password_again"):
            self.add_error("new_password_again", _("The two new passwords are not the same."))
        return cleaned
