"""The case workspace: the queue and the case page. Each view parses, calls one service and
renders; who may do what is decided by the selectors and services, not here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from rightsdesk.accounts.access import acting_member, staff_view
from rightsdesk.accounts.keyring import keyring_private_key
from rightsdesk.accounts.models import StaffMember
from rightsdesk.accounts.permissions import Permission
from rightsdesk.cases import selectors, services
from rightsdesk.cases.downloads import evidence_download
from rightsdesk.cases.forms import (
    AccessDecisionForm,
    AssignForm,
    DueDateForm,
    GrantForm,
    LegalHoldForm,
    NoteForm,
    QueueFilterForm,
    StatusForm,
    TagsForm,
    TeamReplyForm,
    VersionedForm,
)
from rightsdesk.cases.models import Case, Category, EntryKind, Status, Urgency
from rightsdesk.cases.responses import prefilled_reply

# Labels for the parts of a report, in the order they are shown.
REPORT_FIELDS = {
    "danger": gettext_lazy("Immediate danger of physical harm"),
    "what_happened": gettext_lazy("What happened"),
    "projects": gettext_lazy("Projects or wikis concerned"),
    "when": gettext_lazy("When"),
    "links": gettext_lazy("Links or diffs"),
    "others_affected": gettext_lazy("Others affected"),
    "contact_method": gettext_lazy("How to reach them"),
    "contact_value": gettext_lazy("Contact details"),
    "preferred_language": gettext_lazy("Preferred language"),
    "consent": gettext_lazy("Sharing with partners"),
}


# What a file's metadata report may say, in the reader's language.
METADATA_LABELS = {
    "location": gettext_lazy("Location"),
    "device": gettext_lazy("Device"),
    "author": gettext_lazy("Author"),
    "software": gettext_lazy("Software"),
    "created": gettext_lazy("Created"),
    "modified": gettext_lazy("Modified"),
    "title": gettext_lazy("Title"),
}

CONFLICT_MESSAGE = gettext_lazy(
    "Someone else changed this case while you were looking; here is the current state — check "
    "and try again. What you typed is still in the form."
)

GRANT_REFUSALS = {
    services.GrantRefused.INACTIVE: gettext_lazy(
        "This member's account is deactivated; a case key cannot be given to them."
    ),
    services.GrantRefused.NO_KEY: gettext_lazy(
        "This member has not signed in yet, so they have no key to receive the case key."
    ),
    services.GrantRefused.NO_PERMISSION: gettext_lazy("This member's role does not work on cases."),
}


def _case_or_404(member: StaffMember, reference: str) -> Case:
    try:
        return selectors.case_for(member, reference)
    except selectors.CaseNotFound:
        raise Http404 from None


def _held_case_or_404(member: StaffMember, reference: str) -> Case:
    """A case whose content the member may touch: anyone else gets the 404 of a missing case,
    since for them its content does not exist."""
    case = _case_or_404(member, reference)
    if not selectors.case_holders(case).filter(member=member).exists():
        raise Http404
    return case


def _held_case_or_403(member: StaffMember, reference: str) -> Case:
    """For giving or taking keys: the member sees the case, but only a holder may pass its key
    on (and a revoke button is shown only to holders)."""
    case = _case_or_404(member, reference)
    if not selectors.case_holders(case).filter(member=member).exists():
        raise PermissionDenied
    return case


def _private(request: HttpRequest, member: StaffMember) -> bytes:
    """The member's private key for this request; empty (opens nothing) when it is gone."""
    return keyring_private_key(request, member_id=member.pk) or b""


def _status_label(value: object) -> str:
    return str(Status(value).label) if value in Status.values else str(value)


def _timeline_item(entry: selectors.TimelineEntry) -> dict[str, Any]:
    content = entry.content
    item: dict[str, Any] = {
        "entry": entry,
        "css": entry.kind.value.replace("_", "-"),
        "fields": [],
        "text": content.get("text", ""),
    }
    if entry.kind == EntryKind.REPORT:
        item["fields"] = [
            (label, content[name])
            for name, label in REPORT_FIELDS.items()
            if content.get(name) not in (None, "", [])
        ]
    elif entry.kind == EntryKind.STATUS_CHANGE:
        item["status_from"] = _status_label(content.get("from"))
        item["status_to"] = _status_label(content.get("to"))
        item["text"] = content.get("reason", "")
    elif entry.kind == EntryKind.ASSIGNMENT:
        item["assignee"] = content.get("assignee", "")
    elif entry.kind == EntryKind.TAGS:
        item["tags"] = content.get("tags", [])
    return item


def _initial_forms(case: Case, tags: list[str], *, reply_text: str = "") -> dict[str, forms.Form]:
    version = {"version": case.version}
    return {
        "reply_form": TeamReplyForm(initial={"text": reply_text}),
        "note_form": NoteForm(),
        "status_form": StatusForm(initial=version, current=case.status),
        "due_form": DueDateForm(initial=version | {"due_on": case.due_on}),
        "legal_hold_form": LegalHoldForm(initial=version | {"hold": case.legal_hold}),
        "tags_form": TagsForm(initial=version | {"tags": ", ".join(tags)}),
        "assign_form": AssignForm(initial=version | {"assignee": case.assignee_id}),
        "grant_form": GrantForm(),
    }


def _render_case(
    request: HttpRequest,
    member: StaffMember,
    case: Case,
    *,
    bound: dict[str, forms.Form] | None = None,
    conflict: bool = False,
    status: int = 200,
) -> HttpResponse:
    content: services.CaseContent | None = None
    is_holder = selectors.case_holders(case).filter(member=member).exists()
    if is_holder:
        try:
            content = services.case_content_open(
                case=case, actor=member, actor_private=_private(request, member)
            )
        except services.CaseAccessDenied:
            content = None
    tags = content.tags if content else []
    context: dict[str, Any] = {
        "case": case,
        "entries": [_timeline_item(entry) for entry in content.timeline] if content else [],
        "files": [
            {
                "file": file,
                "metadata": [
                    (METADATA_LABELS.get(key, key), value) for key, value in file.metadata.items()
                ],
            }
            for file in (content.files if content else [])
        ],
        "tags": tags,
        "locked": content is None,
        "key_missing": is_holder and content is None,
        "is_holder": is_holder,
        "can_manage": is_holder or member.has_permission(Permission.CASE_TRIAGE),
        "can_hold": member.has_permission(Permission.CASE_TRIAGE),
        "can_assign": is_holder and member.has_permission(Permission.CASE_ASSIGN),
        "transitions": services.allowed_transitions(case.status),
        "holders": list(selectors.case_holders(case)),
        "access_requests": list(selectors.case_open_access_requests(case)) if is_holder else [],
        "my_request": selectors.case_open_access_requests(case).filter(member=member).first(),
        "can_request": not is_holder and selectors.may_request_access(case=case, member=member),
        "decision_form": AccessDecisionForm(),
        "conflict": conflict,
        "closed": case.status in selectors.CLOSED_STATUSES or case.purged_at is not None,
    }
    reply_text = prefilled_reply(request, case, member) if content else ""
    context |= _initial_forms(case, tags, reply_text=reply_text) | (bound or {})
    return render(request, "cases/case_detail.html", context, status=status)


def _versioned_change(
    request: HttpRequest,
    reference: str,
    *,
    form_name: str,
    form_class: type[VersionedForm],
    apply: Callable[[StaffMember, Case, dict[str, Any]], object],
    done: str,
    form_kwargs: Callable[[Case], dict[str, Any]] = lambda case: {},
    find: Callable[[StaffMember, str], Case] = _case_or_404,
) -> HttpResponse:
    """The shape every change to a case's state shares: validate, apply on the version the
    member saw, and on a conflict show the current case with what they typed kept."""
    member = acting_member(request)
    case = find(member, reference)
    form = form_class(request.POST, **form_kwargs(case))
    if not form.is_valid():
        return _render_case(request, member, case, bound={form_name: form})
    try:
        apply(member, case, form.cleaned_data)
    except services.CaseChanged:
        case = find(member, reference)
        retry = form_class.retry(request.POST, version=case.version, **form_kwargs(case))
        retry.is_valid()
        return _render_case(
            request, member, case, bound={form_name: retry}, conflict=True, status=409
        )
    except services.TransitionNotAllowed as refused:
        form.add_error(
            "status",
            _("A case that is “%(current)s” cannot become “%(wanted)s”.")
            % {"current": _status_label(refused.current), "wanted": _status_label(refused.wanted)},
        )
    except services.ReasonRequired:
        form.add_error("reason", _("Say why the case is rejected."))
    except services.GrantRefused as refused:
        form.add_error("assignee", str(GRANT_REFUSALS[refused.reason]))
    except services.CaseAccessDenied:
        raise PermissionDenied from None
    else:
        messages.success(request, done)
        return redirect("cases:detail", reference=case.reference)
    return _render_case(request, member, case, bound={form_name: form})


@never_cache
@require_GET
@staff_view(Permission.CASE_WORK)
def case_list(request: HttpRequest) -> HttpResponse:
    member = acting_member(request)
    form = QueueFilterForm(request.GET or None)
    filters = form.filters() if request.GET else selectors.QueueFilters()
    cases, counts = selectors.case_queue(member, filters)
    page = selectors.QueuePaginator(cases, counts).get_page(request.GET.get("page"))
    languages = sorted(set(counts.language) | ({filters.language} - {""}))
    return render(
        request,
        "cases/case_list.html",
        {
            "page": page,
            "form": form if request.GET else QueueFilterForm(),
            "filters": filters,
            "counts": counts,
            "status_options": [
                (selectors.OPEN, _("Open"), counts.status.get(selectors.OPEN, 0)),
                (selectors.CLOSED, _("Closed"), counts.status.get(selectors.CLOSED, 0)),
                (selectors.ALL, _("All"), counts.status.get(selectors.ALL, 0)),
                *[(s.value, s.label, counts.status.get(s.value, 0)) for s in Status],
            ],
            "urgency_options": [
                (u.value, u.label, counts.urgency.get(u.value, 0)) for u in Urgency
            ],
            "category_options": [
                (c.value, c.label, counts.category.get(c.value, 0)) for c in Category
            ],
            "language_options": [(code, code, counts.language.get(code, 0)) for code in languages],
            "filtered": any(
                (
                    filters.status != selectors.OPEN,
                    filters.urgency,
                    filters.category,
                    filters.language,
                    filters.mine,
                    filters.unassigned,
                    filters.breached,
                )
            ),
        },
    )


@never_cache
@require_GET
@staff_view(Permission.CASE_WORK)
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    member = acting_member(request)
    return _render_case(request, member, _case_or_404(member, reference))


def _write(
    request: HttpRequest,
    reference: str,
    *,
    form_class: type[TeamReplyForm] | type[NoteForm],
    form_name: str,
    write: Callable[..., object],
    done: str,
) -> HttpResponse:
    member = acting_member(request)
    case = _held_case_or_404(member, reference)
    form = form_class(request.POST)
    if not form.is_valid():
        return _render_case(request, member, case, bound={form_name: form})
    try:
        write(case=case, author=member, text=form.cleaned_data["text"])
    except services.CaseAccessDenied:
        raise Http404 from None
    messages.success(request, done)
    return redirect("cases:detail", reference=reference)


@require_POST
@staff_view(Permission.CASE_WORK)
def case_reply(request: HttpRequest, reference: str) -> HttpResponse:
    """Write to the reporter. Only a member holding the case key may."""
    return _write(
        request,
        reference,
        form_class=TeamReplyForm,
        form_name="reply_form",
        write=services.case_team_reply,
        done=_("Your message will be shown to the reporter when they come back."),
    )


@require_POST
@staff_view(Permission.CASE_WORK)
def case_note(request: HttpRequest, reference: str) -> HttpResponse:
    """Write an internal note, for the team only."""
    return _write(
        request,
        reference,
        form_class=NoteForm,
        form_name="note_form",
        write=services.case_add_note,
        done=_("Your note was added. The reporter does not see it."),
    )


@require_POST
@staff_view(Permission.CASE_WORK)
def case_status(request: HttpRequest, reference: str) -> HttpResponse:
    return _versioned_change(
        request,
        reference,
        form_name="status_form",
        form_class=StatusForm,
        form_kwargs=lambda case: {"current": case.status},
        apply=lambda member, case, data: services.case_change_status(
            case=case,
            actor=member,
            status=data["status"],
            reason=data["reason"],
            expected_version=data["version"],
        ),
        done=_("The status was changed."),
    )


@require_POST
@staff_view(Permission.CASE_WORK)
def case_due(request: HttpRequest, reference: str) -> HttpResponse:
    return _versioned_change(
        request,
        reference,
        form_name="due_form",
        form_class=DueDateForm,
        apply=lambda member, case, data: services.case_set_due_date(
            case=case, actor=member, due_on=data["due_on"], expected_version=data["version"]
        ),
        done=_("The due date was saved."),
    )


@require_POST
@staff_view(Permission.CASE_TRIAGE)
def case_legal_hold(request: HttpRequest, reference: str) -> HttpResponse:
    return _versioned_change(
        request,
        reference,
        form_name="legal_hold_form",
        form_class=LegalHoldForm,
        apply=lambda member, case, data: services.case_set_legal_hold(
            case=case, actor=member, hold=data["hold"], expected_version=data["version"]
        ),
        done=_("The legal hold was saved."),
    )


@require_POST
@staff_view(Permission.CASE_WORK)
def case_tags(request: HttpRequest, reference: str) -> HttpResponse:
    return _versioned_change(
        request,
        reference,
        form_name="tags_form",
        form_class=TagsForm,
        find=_held_case_or_404,
        apply=lambda member, case, data: services.case_set_tags(
            case=case, actor=member, tags=data["tags"], expected_version=data["version"]
        ),
        done=_("The tags were saved."),
    )


@require_POST
@staff_view(Permission.CASE_ASSIGN)
def case_assign(request: HttpRequest, reference: str) -> HttpResponse:
    private = _private(request, acting_member(request))
    return _versioned_change(
        request,
        reference,
        form_name="assign_form",
        form_class=AssignForm,
        find=_held_case_or_403,
        apply=lambda member, case, data: services.case_assign(
            case=case,
            actor=member,
            actor_private=private,
            assignee=data["assignee"],
            expected_version=data["version"],
        ),
        done=_("The assignment was saved."),
    )


@require_POST
@staff_view(Permission.CASE_ASSIGN)
def case_grant(request: HttpRequest, reference: str) -> HttpResponse:
    member = acting_member(request)
    case = _held_case_or_403(member, reference)
    form = GrantForm(request.POST)
    if form.is_valid():
        try:
            services.case_grant(
                case=case,
                actor=member,
                actor_private=_private(request, member),
                member=form.cleaned_data["member"],
            )
        except services.GrantRefused as refused:
            form.add_error("member", str(GRANT_REFUSALS[refused.reason]))
        except services.CaseAccessDenied:
            raise PermissionDenied from None
        else:
            messages.success(request, _("The case key was given."))
            return redirect("cases:detail", reference=reference)
    return _render_case(request, member, case, bound={"grant_form": form})


@require_POST
@staff_view(Permission.CASE_ASSIGN)
def case_revoke(request: HttpRequest, reference: str, member_id: int) -> HttpResponse:
    member = acting_member(request)
    case = _held_case_or_403(member, reference)
    grant = selectors.case_holders(case).filter(member_id=member_id).first()
    if grant is None:
        raise Http404
    try:
        revoked = services.case_revoke(case=case, actor=member, member=grant.member)
    except (services.CaseAccessDenied, services.NoSuchGrant):
        raise PermissionDenied from None
    messages.success(request, _("The case key was taken back."))
    if revoked.last_holder:
        messages.warning(
            request,
            _(
                "Nobody on the team holds this case's key now. Only the escrow trustees can "
                "restore access."
            ),
        )
    if selectors.cases_visible_to(member).filter(pk=case.pk).exists():
        return redirect("cases:detail", reference=reference)
    return redirect("cases:list")


@require_POST
@staff_view(Permission.CASE_WORK)
def case_access_request(request: HttpRequest, reference: str) -> HttpResponse:
    """Ask the holders for a case's key. Reachable for a case the member sees in the queue or
    one linked from a case they hold; any other reference is a 404, as if it did not exist."""
    member = acting_member(request)
    try:
        case = selectors.case_requestable_by(member, reference)
        services.access_request_create(case=case, actor=member)
    except (selectors.CaseNotFound, services.CaseAccessDenied):
        raise Http404 from None
    except services.AlreadyGranted:
        messages.info(request, _("You already hold this case's key."))
    else:
        messages.success(
            request, _("Your request was sent to the team members who hold this case.")
        )
    if selectors.cases_visible_to(member).filter(pk=case.pk).exists():
        return redirect("cases:detail", reference=reference)
    return redirect("cases:list")


@require_POST
@staff_view(Permission.CASE_WORK)
def case_access_decide(request: HttpRequest, reference: str, request_id: int) -> HttpResponse:
    member = acting_member(request)
    case = _held_case_or_403(member, reference)
    try:
        access_request = selectors.access_request_for(case, request_id)
    except selectors.CaseNotFound:
        raise Http404 from None
    form = AccessDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether to approve or decline the request."))
        return redirect("cases:detail", reference=reference)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        services.access_request_decide(
            access_request=access_request,
            actor=member,
            actor_private=_private(request, member),
            approve=approve,
        )
    except services.CaseAccessDenied:
        raise PermissionDenied from None
    except services.AccessRequestClosed:
        messages.info(request, _("This request was already answered."))
    except services.GrantRefused as refused:
        messages.error(request, str(GRANT_REFUSALS[refused.reason]))
    else:
        messages.success(
            request,
            _("The request was approved; they now hold the case key.")
            if approve
            else _("The request was declined."),
        )
    return redirect("cases:detail", reference=reference)


@never_cache
@require_GET
@staff_view(Permission.CASE_WORK)
def case_file(request: HttpRequest, reference: str, file_uuid: UUID) -> HttpResponseBase:
    """Download one evidence file, decrypted. Always as an attachment of an opaque type: files
    come from strangers, and the browser must never render one inside rightsdesk's origin."""
    member = acting_member(request)
    case = _case_or_404(member, reference)
    try:
        view, content = services.case_file_open(
            case=case,
            actor=member,
            actor_private=_private(request, member),
            file_uuid=str(file_uuid),
        )
    except (services.CaseAccessDenied, selectors.CaseNotFound):
        raise Http404 from None
    except selectors.EvidenceCorrupted:
        messages.error(request, _("This file is damaged or was altered; it cannot be shown."))
        return redirect("cases:detail", reference=reference)
    return evidence_download(content, view.name)
