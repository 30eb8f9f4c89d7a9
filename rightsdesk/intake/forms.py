"""The questions of the reporting flow, one form per step."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from rightsdesk.cases.models import Category
from rightsdesk.intake.validation import parse_links, refuse_control_characters

NARRATIVE_LIMIT = 50_000


def text_field(
    *, label: Any, limit: int, required: bool = False, rows: int = 0, help_text: Any = ""
) -> forms.CharField:
    widget: forms.Widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=widget,
        # Checked here rather than with a maxlength attribute: a browser would silently cut a
        # pasted text, while this keeps all of it and says what the limit is.
        validators=[
            refuse_control_characters,
            MaxLengthValidator(
                limit,
                message=_(
                    "Please keep this to %(limit_value)d characters at most "
                    "(it has %(show_value)d)."
                ),
            ),
        ],
        error_messages={"required": _("Please fill this in.")},
    )


class DangerForm(forms.Form):
    danger = forms.TypedChoiceField(
        label=_("Are you or someone else in immediate danger of physical harm?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Please answer yes or no.")},
    )


class ScopeForm(forms.Form):
    THREAT = "threat"
    CONTENT = "content"
    POLICY = "policy"
    scope = forms.ChoiceField(
        label=_("What is this about?"),
        choices=[
            (
                THREAT,
                _(
                    "Someone is harassing, threatening, exposing or pressuring me or others "
                    "because of our contributions"
                ),
            ),
            (CONTENT, _("A disagreement about content or edits")),
            (POLICY, _("A question about a policy, a block or a ban")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose one.")},
    )


class WhatForm(forms.Form):
    category = forms.ChoiceField(
        label=_("What kind of threat is it?"),
        choices=Category.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose the closest one; “Other” is fine.")},
    )
    what_happened = text_field(
        label=_("What happened?"),
        help_text=_("In your own words. Include what you think we need to know to help."),
        limit=NARRATIVE_LIMIT,
        required=True,
        rows=10,
    )
    projects = text_field(
        label=_("Which projects or wikis are concerned?"),
        help_text=_("For example: fa.wikipedia.org, Wikimedia Commons."),
        limit=500,
    )
    when = text_field(label=_("When did it happen, or when did it start?"), limit=200)
    links = text_field(
        label=_("Links or diffs"),
        help_text=_("One per line. Only if you are comfortable sharing them."),
        limit=20_000,
        rows=4,
    )
    others_affected = text_field(
        label=_("Is anyone else affected?"),
        limit=5_000,
        rows=3,
    )

    def clean_links(self) -> str:
        return "\n".join(parse_links(self.cleaned_data["links"]))


class ContactForm(forms.Form):
    NONE = "none"
    EMAIL = "email"
    contact_method = forms.ChoiceField(
        label=_("How can we reach you?"),
        help_text=_(
            "Optional. Without a contact, you can still read our replies with your receipt."
        ),
        choices=[
            (NONE, _("Do not contact me; I will check with my receipt")),
            (EMAIL, _("Email")),
            ("signal", _("Signal")),
            ("wiki", _("My wiki username")),
            ("other", _("Other")),
        ],
        initial=NONE,
        widget=forms.RadioSelect,
    )
    contact_value = text_field(
        label=_("Your address, number or username"),
        help_text=_("Only what we need to reach you."),
        limit=300,
    )
    preferred_language = forms.ChoiceField(
        label=_("Which language do you prefer?"), choices=settings.LANGUAGES
    )
    consent = forms.ChoiceField(
        label=_("May we share parts of your report with a partner organisation?"),
        help_text=_(
            "Partners are vetted organisations such as legal aid or digital-security trainers."
        ),
        choices=[
            ("never", _("Never")),
            ("ask", _("Ask me first each time")),
            ("yes", _("Yes, for the kinds of help I choose below")),
        ],
        initial="ask",
        widget=forms.RadioSelect,
    )
    consent_purposes = forms.MultipleChoiceField(
        label=_("Kinds of help"),
        required=False,
        choices=[
            ("legal", _("Legal help")),
            ("digital_security", _("Digital security")),
            ("psychosocial", _("Psychosocial support")),
            ("translation", _("Translation")),
        ],
        widget=forms.CheckboxSelectMultiple,
    )

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean() or {}
        method = cleaned.get("contact_method")
        value = (cleaned.get("contact_value") or "").strip()
        if method and method != self.NONE and not value:
            self.add_error(
                "contact_value",
                _("Please tell us where to reach you, or choose not to be contacted."),
            )
        if method == self.EMAIL and value:
            try:
                forms.EmailField().clean(value)
            except forms.ValidationError:
                self.add_error("contact_value", _("This does not look like an email address."))
        if method == self.NONE:
            cleaned["contact_value"] = ""
        if cleaned.get("consent") == "yes" and not cleaned.get("consent_purposes"):
            self.add_error(
                "consent_purposes",
                _("Please choose at least one kind of help, or choose “Ask me first”."),
            )
        if cleaned.get("consent") != "yes":
            cleaned["consent_purposes"] = []
        return cleaned


class ReceiptForm(forms.Form):
    receipt = forms.CharField(
        label=_("Your receipt"),
        help_text=_(
            "The 28 digits you were given when you sent your report. Spaces do not matter."
        ),
        max_length=120,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "inputmode": "numeric",
                "dir": "ltr",
                "spellcheck": "false",
            }
        ),
        error_messages={"required": _("Please type your receipt.")},
    )


class ReplyForm(forms.Form):
    text = text_field(label=_("Your message"), limit=NARRATIVE_LIMIT, required=True, rows=6)
