"""Forms of the case tools: response templates, links and merges, export and search."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from rightsdesk.accounts.forms import authenticator_code_field
from rightsdesk.cases.export import MIN_PASSPHRASE_LENGTH
from rightsdesk.cases.models import Category, Status, Urgency
from rightsdesk.cases.responses import RESPONSE_TEXTS
from rightsdesk.cases.search import MAX_QUERY_LENGTH

REFERENCE_WIDGET = forms.TextInput(
    attrs={
        "dir": "ltr",
        "autocomplete": "off",
        "spellcheck": "false",
        "placeholder": "RD-XXXX-XXXX",
    }
)


def _any(choices: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", _("Any")), *choices]


class ResponseTemplateForm(forms.Form):
    """Sent with GET to the case page, which fills the reply box from it. The field names are
    the query parameters ``responses.prefilled_reply`` reads."""

    template = forms.ChoiceField(
        label=_("Template"),
        choices=[(key, text.title) for key, text in RESPONSE_TEXTS.items()],
    )
    template_language = forms.ChoiceField(
        label=_("Language of the reply"), choices=lambda: list(settings.LANGUAGES)
    )


class LinkForm(forms.Form):
    reference = forms.CharField(
        label=_("Reference of the related case"), max_length=32, widget=REFERENCE_WIDGET
    )


class MergeForm(forms.Form):
    into = forms.CharField(
        label=_("Reference of the case to merge this one into"),
        max_length=32,
        widget=REFERENCE_WIDGET,
    )
    confirm = forms.BooleanField(
        label=_(
            "I understand that everything in this case moves to the other case, and that this "
            "case is then closed and emptied."
        ),
        error_messages={"required": _("Tick the box to confirm the merge.")},
    )


def _secret_field(label: Any, *, autocomplete: str, keep: bool, help_text: Any = "") -> Any:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=1024,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}, render_value=keep),
    )


class ExportForm(forms.Form):
    # The password and the code are never sent back into the page; the passphrase, chosen for
    # this export only, is, so that a mistake elsewhere does not make the member retype it.
    password = _secret_field(_("Your password"), autocomplete="current-password", keep=False)
    code = authenticator_code_field(required=True)
    passphrase = _secret_field(
        _("Passphrase for the partner"),
        autocomplete="new-password",
        keep=True,
        help_text=_(
            "At least %(count)d characters. Four or more unrelated words, or the suggestion "
            "below, make a strong passphrase. Give it to the partner another way than the file, "
            "for instance on a call."
        )
        % {"count": MIN_PASSPHRASE_LENGTH},
    )
    passphrase_again = _secret_field(
        _("Passphrase for the partner, again"), autocomplete="new-password", keep=True
    )

    def clean_passphrase(self) -> str:
        passphrase: str = self.cleaned_data["passphrase"]
        if len(passphrase) < MIN_PASSPHRASE_LENGTH:
            raise forms.ValidationError(
                _("The passphrase needs at least %(count)d characters; this one has %(length)d."),
                params={"count": MIN_PASSPHRASE_LENGTH, "length": len(passphrase)},
            )
        if len(set(passphrase)) < 6:
            raise forms.ValidationError(
                _("The passphrase repeats too few characters to be strong; use several words.")
            )
        return passphrase

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        if cleaned is None:
            return None
        passphrase = cleaned.get("passphrase")
        if passphrase and passphrase != cleaned.get("passphrase_again"):
            self.add_error("passphrase_again", _("The two passphrases are not the same."))
        if passphrase and passphrase == cleaned.get("password"):
            self.add_error("passphrase", _("Do not give the partner your own password."))
        return cleaned


class SearchForm(forms.Form):
    words = forms.CharField(
        label=_("Words to find"),
        help_text=_(
            "Every word must appear somewhere in a case. Upper and lower case do not matter."
        ),
        max_length=MAX_QUERY_LENGTH,
        error_messages={"required": _("Type at least one word to search for.")},
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    status = forms.ChoiceField(label=_("Status"), choices=_any(Status.choices), required=False)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=_any(Urgency.choices), required=False)
    category = forms.ChoiceField(
        label=_("Category"), choices=_any(Category.choices), required=False
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=lambda: _any(list(settings.LANGUAGES)), required=False
    )
    created_from = forms.DateField(
        label=_("Received on or after"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    created_to = forms.DateField(
        label=_("Received on or before"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        if cleaned is None:
            return None
        start, end = cleaned.get("created_from"), cleaned.get("created_to")
        if start and end and start > end:
            self.add_error("created_to", _("This date is before the first one."))
        return cleaned
