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
