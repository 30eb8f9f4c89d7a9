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


class KeyResetForm(forms.Form):
    """An administrator confirms a key reset and proves it is them with their own password."""

    confirm = forms.BooleanField(
        label=_(
            "I have confirmed that this member asked for the reset, through a channel I trust "
            "(in person, or a call I placed to a number I already had)."
        ),
    )
    password = forms.CharField(
        label=_("Your own password"),
        help_text=_("Asked again because a reset hands over an account."),
        max_length=1024,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class RecoverWithKeyForm(forms.Form):
    recovery_key = forms.CharField(
        label=_("The recovery key you kept before your password was reset"),
        help_text=_("28 letters and digits, in groups of 4. Dashes and spaces do not matter."),
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "dir": "ltr",
            }
        ),
    )


class EscrowSharesForm(forms.Form):
    """One box per share the escrow key needs; each trustee types their own."""

    def __init__(self, *args: object, threshold: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for number in range(1, threshold + 1):
            self.fields[f"share_{number}"] = forms.CharField(
                label=_("Share %(number)s") % {"number": number},
                max_length=1000,
                widget=forms.Textarea(
                    attrs={
                        "rows": 3,
                        "autocomplete": "off",
                        "autocapitalize": "none",
                        "spellcheck": "false",
                        "dir": "ltr",
                    }
                ),
            )

    def shares(self) -> list[str]:
        return [
            str(value) for name, value in self.cleaned_data.items() if name.startswith("share_")
        ]
