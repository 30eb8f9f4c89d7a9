from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class AskTeamForm(forms.Form):
    """ "Ask the team" at the end of a workflow: the report opens with the steps taken only when
    the reader ticks the box."""

    include_steps = forms.BooleanField(
        label=_(
            "Include the steps I took in my report (you can read and change it before sending)"
        ),
        required=False,
    )
    # The walk that led to the node, as in the address; checked again on arrival.
    path = forms.CharField(required=False, widget=forms.HiddenInput)
