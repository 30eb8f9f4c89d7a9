from __future__ import annotations

from typing import Any

from django import forms

from rightsdesk.notifications.models import EMAIL_FIELDS, NotificationPreference


class NotificationPreferenceForm(forms.Form):
    """One checkbox per group of notices: ticked means "also send me an email"."""

    def __init__(self, *args: Any, preference: NotificationPreference, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Unticked checkboxes are simply absent from a POST, so every field is optional.
        self.fields.update(forms.fields_for_model(NotificationPreference, fields=EMAIL_FIELDS))
        for name in EMAIL_FIELDS:
            self.fields[name].initial = getattr(preference, name)

    def email_choices(self) -> dict[str, bool]:
        return {name: bool(self.cleaned_data[name]) for name in EMAIL_FIELDS}
