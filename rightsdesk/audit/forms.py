from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rightsdesk.audit.models import Action


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        # The browser's date field sends ISO dates whatever the page's language.
        super().__init__(format="%Y-%m-%d")


class AuditFilterForm(forms.Form):
    """The audit log's filters, read from the query string so that a filtered view can be
    bookmarked, shared with another auditor and used without JavaScript."""

    action = forms.ChoiceField(
        label=_("Action"),
        required=False,
        choices=[("", _("Any action")), *Action.choices],
    )
    actor = forms.CharField(
        label=_("Staff member"),
        required=False,
        max_length=40,
        help_text=_("Their username, exactly."),
    )
    case_reference = forms.CharField(
        label=_("Case reference"),
        required=False,
        max_length=16,
        help_text=_("For example RD-ABCD-EFGH."),
    )
    date_from = forms.DateField(label=_("From (date)"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Until (date, included)"), required=False, widget=DateInput())

    def clean_actor(self) -> str:
        return str(self.cleaned_data["actor"]).strip().lower()

    def clean_case_reference(self) -> str:
        return str(self.cleaned_data["case_reference"]).strip().upper()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("This date is before the “From” date."))
        return cleaned
