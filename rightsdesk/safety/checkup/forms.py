"""One level of the self-check as a form: a yes / no / not sure choice per statement."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rightsdesk.safety.checkup.expressions import Answer
from rightsdesk.safety.checkup.plan import ANSWER_PREFIX
from rightsdesk.safety.checkup.structure import Statement

ANSWER_CHOICES = [
    (Answer.YES.value, _("Yes")),
    (Answer.NO.value, _("No")),
    (Answer.UNSURE.value, _("I'm not sure")),
]
NO_ANSWER = _("Choose Yes, No or I'm not sure for this statement.")


class LevelForm(forms.Form):
    """Fields are named ``answer-<statement id>``, as the hidden fields that carry the answers
    to other levels are, so a post reads the same whichever level it came from."""

    prefix = ANSWER_PREFIX.rstrip("-")

    def __init__(
        self,
        statements: Sequence[Statement],
        data: Mapping[str, Any] | None = None,
        initial: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(data, initial=dict(initial or {}))
        for statement in statements:
            self.fields[statement.id] = forms.ChoiceField(
                label=str(statement.text),
                choices=ANSWER_CHOICES,
                widget=forms.RadioSelect,
                error_messages={"required": NO_ANSWER, "invalid_choice": NO_ANSWER},
            )

    def answers(self) -> dict[str, Answer]:
        return {statement_id: Answer(value) for statement_id, value in self.cleaned_data.items()}
