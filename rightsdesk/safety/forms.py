"""The footprint check's two forms: a user name on a wiki, or pasted wikitext."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rightsdesk.safety.footprint.wiki import (
    HostNotAllowed,
    InvalidUsername,
    allowed_host,
    valid_username,
)

# Measured in UTF-8 bytes, well inside the request limit, so the form (not the 413 page) answers
# a text slightly too long and can keep the user name. No maxlength attribute: a browser would cut
# a long paste silently.
MAX_WIKITEXT_BYTES = 1_000_000
TOO_LARGE = "too_large"

# Language codes whose Wikipedia has another subdomain.
WIKIPEDIA_SUBDOMAINS = {"zh-hans": "zh", "zh-hant": "zh"}


def default_wiki(language: str) -> str:
    subdomain = WIKIPEDIA_SUBDOMAINS.get(language, language.split("-")[0])
    return f"{subdomain}.wikipedia.org"


def _username(value: str) -> str:
    try:
        return valid_username(value)
    except InvalidUsername as error:
        raise forms.ValidationError(str(error), code="invalid") from None


class UserCheckForm(forms.Form):
    username = forms.CharField(
        label=_("Your user name"),
        max_length=255,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "dir": "auto"}),
    )
    wiki = forms.CharField(
        label=_("Wiki"),
        help_text=_("The address of the wiki, for example fa.wikipedia.org."),
        max_length=253,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "dir": "ltr", "inputmode": "url"}
        ),
    )

    def clean_username(self) -> str:
        return _username(self.cleaned_data["username"])

    def clean_wiki(self) -> str:
        try:
            return allowed_host(self.cleaned_data["wiki"])
        except HostNotAllowed as error:
            raise forms.ValidationError(str(error), code="host") from None


class WikitextForm(forms.Form):
    wikitext = forms.CharField(
        label=_("Wikitext of your user page"),
        help_text=_(
            "Open your user page for editing, copy all of its text and paste it here (up to 1 MB)."
        ),
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12, "dir": "auto", "spellcheck": "false"}),
    )
    username = forms.CharField(
        label=_("Your user name"),
        help_text=_("With it, the check can tell whether the page shows a name like it."),
        required=False,
        max_length=255,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "dir": "auto"}),
    )

    def clean_wikitext(self) -> str:
        text: str = self.cleaned_data["wikitext"]
        if len(text.encode("utf-8", "surrogatepass")) > MAX_WIKITEXT_BYTES:
            raise forms.ValidationError(
                _(
                    "This text is longer than 1 MB, more than the check reads. Paste the part "
                    "that shows on your user page, or check it by user name above."
                ),
                code=TOO_LARGE,
            )
        return text

    def clean_username(self) -> str:
        value: str = self.cleaned_data["username"]
        return _username(value) if value.strip() else ""
