"""The case page's panels for response templates and for linked and merged cases.

Each panel gathers what it shows from the request, so the case page only has to include it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from rightsdesk.accounts.models import StaffMember
from rightsdesk.cases import linking, responses
from rightsdesk.cases.models import Case, CaseGrant
from rightsdesk.cases.tool_forms import LinkForm, MergeForm, ResponseTemplateForm

register = template.Library()

LINK_ERRORS: dict[str, Promise] = {
    "missing": _("Type the reference of the other case, like RD-ABCD-2345."),
    "unknown": _("No case with this reference is open to you. Check the reference."),
    "self": _("A case cannot be linked to itself."),
    "linked": _("These two cases are linked already."),
}
MERGE_ERRORS: dict[str, Promise] = {
    "missing": _("Type the reference of the case to merge this one into."),
    "confirm": _("Tick the box to confirm the merge."),
    "unknown": _("No case with this reference is open to you. Check the reference."),
    "self": _("A case cannot be merged into itself."),
    "closed": _(
        "One of the two cases was merged already, withdrawn or purged; it cannot take part in "
        "a merge."
    ),
    "locked": _("You need access to the content of both cases to merge them."),
    "damaged": _("A file of this case is damaged or was altered; nothing was merged."),
}


@dataclass(frozen=True)
class LinksPanel:
    linked: list[Case]
    link_form: LinkForm
    link_error: Promise | None
    merge_form: MergeForm
    merge_error: Promise | None
    holds_key: bool


def _member(context: template.Context) -> StaffMember | None:
    user = getattr(context.get("request"), "user", None)
    return user if isinstance(user, StaffMember) else None


def _mark_invalid(form: LinkForm | MergeForm, name: str, error_id: str) -> None:
    form.fields[name].widget.attrs.update({"aria-invalid": "true", "aria-describedby": error_id})


@register.simple_tag(takes_context=True)
def case_links_panel(context: template.Context, case: Case) -> LinksPanel | None:
    member = _member(context)
    if member is None:
        return None
    query = context["request"].GET
    link_error = LINK_ERRORS.get(query.get("link_error", ""))
    merge_error = MERGE_ERRORS.get(query.get("merge_error", ""))
    link_form = LinkForm(
        auto_id="link_%s", initial={"reference": query.get("link_reference", "")[:32]}
    )
    merge_form = MergeForm(
        auto_id="merge_%s", initial={"into": query.get("merge_reference", "")[:32]}
    )
    if link_error:
        _mark_invalid(link_form, "reference", "link_reference_error")
    if merge_error:
        _mark_invalid(merge_form, "into", "merge_into_error")
    return LinksPanel(
        linked=linking.linked_cases(member, case),
        link_form=link_form,
        link_error=link_error,
        merge_form=merge_form,
        merge_error=merge_error,
        holds_key=CaseGrant.objects.filter(case=case, member=member, needs_recovery=False).exists(),
    )


@dataclass(frozen=True)
class ResponsesPanel:
    form: ResponseTemplateForm
    chosen: bool


@register.simple_tag(takes_context=True)
def response_templates_panel(context: template.Context, case: Case) -> ResponsesPanel:
    query = context["request"].GET
    chosen = query.get(responses.TEMPLATE_PARAMETER, "") in responses.RESPONSE_TEXTS
    initial: dict[str, Any] = {
        responses.TEMPLATE_PARAMETER: query.get(responses.TEMPLATE_PARAMETER, ""),
        responses.LANGUAGE_PARAMETER: responses.reply_language(
            case, query.get(responses.LANGUAGE_PARAMETER)
        ),
    }
    return ResponsesPanel(
        form=ResponseTemplateForm(auto_id="response_%s", initial=initial), chosen=chosen
    )
