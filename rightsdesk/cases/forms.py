from __future__ import annotations

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _


class TeamReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Message to the reporter"),
        widget=forms.Textarea(attrs={"rows": 6}),
        validators=[MaxLengthValidator(50_000)],
    )
