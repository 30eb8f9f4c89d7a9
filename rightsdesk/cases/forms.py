from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from rightsdesk.accounts.models import StaffMember
from rightsdesk.cases import selectors
from rightsdesk.cases.models import Category, Status, Urgency
from rightsdesk.cases.services import MAX_TAG_LENGTH, MAX_TAGS, TRANSITIONS, normalise_tags

TEXT_LIMIT = 50_000
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
LANGUAGE_CODE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")

# Statuses someone may choose on the status form; merging and withdrawal have their own paths.
FORM_STATUSES = [status for status in Status if status not in (Status.MERGED, Status.WITHDRAWN)]


class TeamReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Message to the reporter"),
        widget=forms.Textarea(attrs={"rows": 6}),
        validators=[MaxLengthValidator(TEXT_LIMIT)],
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Internal note"),
        help_text=_("Only the team sees notes; the reporter never does."),
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[MaxLengthValidator(TEXT_LIMIT)],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The reply form on the same page has a field of the same name: its own ids keep each
        # label pointing at its own box.
        kwargs.setdefault("auto_id", "id_note_%s")
        super().__init__(*args, **kwargs)


class VersionedForm(forms.Form):
    """A change to a case names the version it was made on, so a change made meanwhile by
    someone else is noticed instead of overwritten."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    @classmethod
    def retry(cls, data: Any, *, version: int, **kwargs: Any) -> VersionedForm:
        """The form as the member filled it in, now carrying the case's current version, so that
        after a conflict they can check the case and send it again without retyping."""
        fresh = data.copy()
        fresh["version"] = str(version)
        return cls(fresh, **kwargs)


class StatusForm(VersionedForm):
    status = forms.ChoiceField(
        label=_("New status"), choices=[(s.value, s.label) for s in FORM_STATUSES]
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        help_text=_("Kept on the case's timeline, for the team. Needed when rejecting."),
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[MaxLengthValidator(2_000)],
    )

    def __init__(self, *args: Any, current: Status | str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the steps open from here are offered; any other is refused by the service with
        # a message that names the current status.
        allowed = TRANSITIONS[Status(current)]
        self.fields["status"].widget.choices = [
            (status.value, status.label) for status in FORM_STATUSES if status in allowed
        ]

    def clean_reason(self) -> str:
        reason: str = self.cleaned_data["reason"]
        if CONTROL_CHARACTERS.search(reason):
            raise forms.ValidationError(_("Remove the control characters from the reason."))
        return reason.strip()


class DueDateForm(VersionedForm):
    due_on = forms.DateField(
        label=_("Due date"),
        required=False,
        input_formats=["%Y-%m-%d"],
        help_text=_("Leave empty for no due date. Format: YYYY-MM-DD."),
        error_messages={"invalid": _("Enter the date as year-month-day, for example 2025-03-31.")},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class LegalHoldForm(VersionedForm):
    hold = forms.BooleanField(
        label=_("Legal hold"),
        required=False,
        help_text=_(
            "While a case is on legal hold it is never purged, however long ago it was closed."
        ),
    )


# Commas as Latin, Arabic and Persian, and Chinese keyboards type them.
TAG_SEPARATORS = re.compile("[,\u060c\uff0c\u3001]")


class TagsForm(VersionedForm):
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        help_text=_("Separate tags with commas. Tags are encrypted like the rest of the case."),
        max_length=MAX_TAGS * (MAX_TAG_LENGTH + 2),
    )

    def clean_tags(self) -> list[str]:
        text: str = self.cleaned_data["tags"]
        if CONTROL_CHARACTERS.search(text):
            raise forms.ValidationError(_("Remove the control characters from the tags."))
        tags = normalise_tags(TAG_SEPARATORS.split(text))
        if len(tags) > MAX_TAGS:
            raise forms.ValidationError(
                ngettext_lazy("Use at most %(limit)d tag.", "Use at most %(limit)d tags.", "limit"),
                params={"limit": MAX_TAGS},
            )
        too_long = [tag for tag in tags if len(tag) > MAX_TAG_LENGTH]
        if too_long:
            raise forms.ValidationError(
                _("Each tag can have at most %(limit)d characters."),
                params={"limit": MAX_TAG_LENGTH},
            )
        return tags


class MemberChoiceField(forms.ModelChoiceField[StaffMember]):
    def label_from_instance(self, obj: StaffMember) -> str:
        if obj.display_name:
            return f"{obj.display_name} ({obj.username})"
        return obj.username


class AssignForm(VersionedForm):
    assignee = MemberChoiceField(
        label=_("Assign to"),
        queryset=StaffMember.objects.none(),
        required=False,
        empty_label=_("Nobody"),
        help_text=_("Assigning gives them the case key."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = selectors.members_who_may_hold_cases()  # type: ignore[attr-defined]


class GrantForm(forms.Form):
    member = MemberChoiceField(
        label=_("Give the case key to"),
        queryset=StaffMember.objects.none(),
        help_text=_("They can read the case without being responsible for it."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = selectors.members_who_may_hold_cases()  # type: ignore[attr-defined]


class AccessDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("decline", _("Decline"))],
    )


class QueueFilterForm(forms.Form):
    """The queue's filters: a GET form, so a filtered queue is a link that can be kept."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            (selectors.OPEN, _("Open")),
            (selectors.CLOSED, _("Closed")),
            (selectors.ALL, _("All")),
            *Status.choices,
        ],
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"), required=False, choices=[("", _("Any")), *Urgency.choices]
    )
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("Any")), *Category.choices]
    )
    language = forms.CharField(label=_("Language"), required=False, max_length=16)
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)
    unassigned = forms.BooleanField(label=_("Unassigned"), required=False)
    breached = forms.BooleanField(label=_("Past the response deadline"), required=False)

    def clean_language(self) -> str:
        language: str = self.cleaned_data["language"].strip()
        if language and not LANGUAGE_CODE.match(language):
            raise forms.ValidationError(_("Choose a language from the list."))
        return language

    def filters(self) -> selectors.QueueFilters:
        """The filters that were valid; an invalid one is shown with its error and ignored."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return selectors.QueueFilters(
            status=data.get("status") or selectors.OPEN,
            urgency=data.get("urgency") or "",
            category=data.get("category") or "",
            language=data.get("language") or "",
            mine=bool(data.get("mine")),
            unassigned=bool(data.get("unassigned")),
            breached=bool(data.get("breached")),
        )
