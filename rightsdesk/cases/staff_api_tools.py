"""More of the staff JSON API under /api/v1/staff/: due dates, tags and legal holds, evidence
downloads, links and merges, exports for a legal partner, and marking notifications read.

Same tokens, errors and need-to-know as ``staff_api``: each endpoint declares its permission
with ``StaffBearer``, a case the member may not see answers 404 whether it exists or not, and
every change goes through the service the staff page calls.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from ninja import Router, Schema, Status

from rightsdesk.accounts import services as account_services
from rightsdesk.accounts.models import StaffMember
from rightsdesk.accounts.permissions import Permission
from rightsdesk.accounts.throttle import wait_message
from rightsdesk.cases import export, linking, selectors, services
from rightsdesk.cases.downloads import archive_download, evidence_download
from rightsdesk.cases.forms import DueDateForm, LegalHoldForm, TagsForm
from rightsdesk.cases.models import Case
from rightsdesk.cases.staff_api import (
    CaseOut,
    DoneOut,
    StaffApiError,
    StaffBearer,
    _access,
    _answers,
    _case,
    _case_out,
    _changed,
    _field_error,
    _invalid,
    _key_needed,
    _not_found,
)
from rightsdesk.cases.templatetags.case_tools import LINK_ERRORS, MERGE_ERRORS
from rightsdesk.cases.tool_forms import ExportForm, LinkForm, MergeForm
from rightsdesk.crypto.errors import DecryptionFailed

router = Router(tags=["staff"])
# Answers carry decrypted case content: no cache, browser or proxy, may keep them.
router.add_decorator(never_cache, mode="view")


def _held_case(member: StaffMember, reference: str) -> Case:
    """A case whose content the member may touch; for anyone else it does not exist."""
    case = _case(member, reference)
    if not selectors.case_holders(case).filter(member=member).exists():
        raise _not_found()
    return case


def _opened_by(member: StaffMember, private_key: bytes, *cases: Case) -> None:
    """Not found unless the member's own key opens the key of every one of ``cases``."""
    try:
        for case in cases:
            selectors.case_keypair_for(member, case, private_key)
    except (selectors.CaseContentLocked, ValueError, DecryptionFailed):
        raise _not_found() from None


def _file_damaged(message: str) -> StaffApiError:
    return StaffApiError(409, "file_damaged", message)


# The case's own metadata.


class DueIn(Schema):
    due_on: str | None = None
    version: int


@router.post(
    "/cases/{reference}/due",
    response=_answers({200: CaseOut}, 401, 403, 404, 409, 422),
    url_name="staff-case-due",
    auth=StaffBearer(Permission.CASE_WORK),
)
def case_due(request: HttpRequest, reference: str, body: DueIn) -> dict[str, Any]:
    """Set the team's due date (``YYYY-MM-DD``), or clear it with ``null``. Triage or a member
    holding the case key may. ``version`` is the case version the change was made on: if someone
    changed the case meanwhile, nothing is saved and the answer is 409."""
    access = _access(request)
    case = _case(access.member, reference)
    form = DueDateForm({"due_on": body.due_on or "", "version": body.version})
    if not form.is_valid():
        raise _invalid(form)
    due_on: date | None = form.cleaned_data["due_on"]
    try:
        changed = services.case_set_due_date(
            case=case,
            actor=access.member,
            due_on=due_on,
            expected_version=form.cleaned_data["version"],
        )
    except services.CaseChanged:
        raise _changed(access.member, reference) from None
    except services.CaseAccessDenied:
        raise _key_needed() from None
    return _case_out(changed)


class TagsIn(Schema):
    tags: list[str]
    version: int


class TaggedCaseOut(CaseOut):
    tags: list[str]


@router.post(
    "/cases/{reference}/tags",
    response=_answers({200: TaggedCaseOut}, 401, 403, 404, 409, 422),
    url_name="staff-case-tags",
    auth=StaffBearer(Permission.CASE_WORK),
)
def case_tags(request: HttpRequest, reference: str, body: TagsIn) -> dict[str, Any]:
    """Replace the case's tags (an empty list removes them all). Tags are content, encrypted to
    the case key, so only a member holding it may; for anyone else the case is not found. Tags
    are trimmed and repeats dropped; a comma inside a tag separates two tags, as on the page."""
    access = _access(request)
    case = _held_case(access.member, reference)
    form = TagsForm({"tags": ", ".join(body.tags), "version": body.version})
    if not form.is_valid():
        raise _invalid(form)
    tags: list[str] = form.cleaned_data["tags"]
    try:
        changed = services.case_set_tags(
            case=case, actor=access.member, tags=tags, expected_version=form.cleaned_data["version"]
        )
    except services.CaseChanged:
        raise _changed(access.member, reference) from None
    except services.CaseAccessDenied:
        raise _not_found() from None
    return {**_case_out(changed), "tags": tags}


class LegalHoldIn(Schema):
    hold: bool
    version: int


@router.post(
    "/cases/{reference}/legal-hold",
    response=_answers({200: CaseOut}, 401, 403, 404, 409, 422),
    url_name="staff-case-legal-hold",
    auth=StaffBearer(Permission.CASE_TRIAGE),
)
def case_legal_hold(request: HttpRequest, reference: str, body: LegalHoldIn) -> dict[str, Any]:
    """Put the case on legal hold (it is never purged) or lift the hold. Coordinators only.
    ``version`` works as for the due date."""
    access = _access(request)
    case = _case(access.member, reference)
    form = LegalHoldForm({"hold": body.hold, "version": body.version})
    if not form.is_valid():
        raise _invalid(form)
    try:
        changed = services.case_set_legal_hold(
            case=case,
            actor=access.member,
            hold=form.cleaned_data["hold"],
            expected_version=form.cleaned_data["version"],
        )
    except services.CaseChanged:
        raise _changed(access.member, reference) from None
    except services.CaseAccessDenied:
        raise StaffApiError(403, "forbidden", _("Your role does not allow this.")) from None
    return _case_out(changed)


# Evidence files.


@router.get(
    "/cases/{reference}/files/{uuid:file_uuid}",
    response=_answers({200: None}, 401, 403, 404, 409),
    url_name="staff-case-file",
    auth=StaffBearer(Permission.CASE_WORK),
)
def case_file(request: HttpRequest, reference: str, file_uuid: UUID) -> HttpResponseBase:
    """Download one evidence file, decrypted, as ``application/octet-stream`` with its name in
    ``Content-Disposition``. Only a member holding the case key may; the download is recorded in
    the audit log. A file that does not match its sealed description answers 409."""
    access = _access(request)
    case = _case(access.member, reference)
    try:
        view, content = services.case_file_open(
            case=case,
            actor=access.member,
            actor_private=access.private_key,
            file_uuid=str(file_uuid),
        )
    except (services.CaseAccessDenied, selectors.CaseNotFound):
        raise _not_found() from None
    except selectors.EvidenceCorrupted:
        raise _file_damaged(_("This file is damaged or was altered; it cannot be shown.")) from None
    return evidence_download(content, view.name)


# Related cases.


class LinkedOut(DoneOut):
    links: list[str]


def _linked(member: StaffMember, case: Case) -> list[str]:
    return [other.reference for other in linking.linked_cases(member, case)]


@router.post(
    "/cases/{reference}/links/{other_reference}",
    response=_answers({200: LinkedOut, 201: LinkedOut}, 401, 403, 404, 422),
    url_name="staff-case-link",
    auth=StaffBearer(Permission.CASE_WORK),
)
def case_link(request: HttpRequest, reference: str, other_reference: str) -> Status[dict[str, Any]]:
    """Record that two cases belong together (same attacker, same event). Both must be cases
    the member sees; ``links`` in the answer, as in the case detail, lists the linked cases
    they may see. Linking two linked cases again changes nothing (200)."""
    access = _access(request)
    case = _case(access.member, reference)
    form = LinkForm({"reference": other_reference})
    if not form.is_valid():
        raise _invalid(form, names={"reference": "other_reference"})
    try:
        linking.case_link(
            actor=access.member, case=case, other_reference=form.cleaned_data["reference"]
        )
    except selectors.CaseNotFound:
        raise StaffApiError(404, "not_found", str(LINK_ERRORS["unknown"])) from None
    except linking.SameCase:
        raise _field_error("other_reference", str(LINK_ERRORS["self"])) from None
    except linking.AlreadyLinked:
        body = {"code": "already_linked", "message": str(LINK_ERRORS["linked"])}
        return Status(200, {**body, "links": _linked(access.member, case)})
    body = {"code": "linked", "message": _("The two cases are now linked.")}
    return Status(201, {**body, "links": _linked(access.member, case)})


@router.delete(
    "/cases/{reference}/links/{other_reference}",
    response=_answers({200: LinkedOut}, 401, 403, 404),
    url_name="staff-case-link",
    auth=StaffBearer(Permission.CASE_WORK),
)
def case_unlink(request: HttpRequest, reference: str, other_reference: str) -> dict[str, Any]:
    """Remove the link between two cases."""
    access = _access(request)
    case = _case(access.member, reference)
    try:
        linking.case_unlink(actor=access.member, case=case, other_reference=other_reference)
    except (selectors.CaseNotFound, linking.SameCase, linking.NotLinked):
        raise StaffApiError(404, "not_linked", _("These two cases are not linked.")) from None
    return {
        "code": "unlinked",
        "message": _("The link between the two cases was removed."),
        "links": _linked(access.member, case),
    }


class MergeIn(Schema):
    into: str


class MergeOut(Schema):
    into: CaseOut
    entries: int
    files: int


@router.post(
    "/cases/{reference}/merge",
    response=_answers({200: MergeOut}, 401, 403, 404, 409, 422),
    url_name="staff-case-merge",
    auth=StaffBearer(Permission.CASE_WORK),
)
def case_merge(request: HttpRequest, reference: str, body: MergeIn) -> dict[str, Any]:
    """Merge this case (the duplicate) into the case named by ``into``: its entries and files
    move there, and this case is closed as merged and emptied. The member must hold the keys of
    both cases. Cannot be undone. The answer is the case merged into, and how many entries and
    files moved."""
    access = _access(request)
    duplicate = _case(access.member, reference)
    _opened_by(access.member, access.private_key, duplicate)
    # Sending this request is the confirmation the page asks for with a tick box.
    form = MergeForm({"into": body.into, "confirm": True})
    if not form.is_valid():
        raise _invalid(form)
    try:
        into = selectors.case_for(
            access.member, linking.normalise_reference(form.cleaned_data["into"])
        )
        result = linking.case_merge(
            actor=access.member, duplicate=duplicate, into=into, actor_private=access.private_key
        )
    except selectors.CaseNotFound:
        raise _field_error("into", str(MERGE_ERRORS["unknown"])) from None
    except linking.SameCase:
        raise _field_error("into", str(MERGE_ERRORS["self"])) from None
    except linking.CaseClosedForMerge:
        raise StaffApiError(409, "case_closed", str(MERGE_ERRORS["closed"])) from None
    except (selectors.CaseContentLocked, DecryptionFailed):
        raise StaffApiError(403, "case_key_needed", str(MERGE_ERRORS["locked"])) from None
    except selectors.EvidenceCorrupted:
        raise _file_damaged(str(MERGE_ERRORS["damaged"])) from None
    return {"into": _case_out(result.into), "entries": result.entries, "files": result.files}


# Export for a legal partner.


class ExportIn(Schema):
    password: str
    code: str
    passphrase: str


@router.post(
    "/cases/{reference}/export",
    response=_answers({200: None}, 401, 403, 404, 409, 422, 429),
    url_name="staff-case-export",
    auth=StaffBearer(Permission.CASE_WORK),
)
def case_export(request: HttpRequest, reference: str, body: ExportIn) -> HttpResponseBase:
    """Download the case as an archive encrypted under ``passphrase`` (at least 16 characters),
    for a legal partner, who opens it with ``python -m rightsdesk export-open``. The member
    confirms their password and a fresh authenticator code; a wrong one answers 401 without
    saying which, and repeated failures slow down like sign-in (429). Only a member holding the
    case key may; the export is recorded in the audit log."""
    access = _access(request)
    case = _case(access.member, reference)
    _opened_by(access.member, access.private_key, case)
    form = ExportForm(
        {
            "password": body.password,
            "code": body.code,
            "passphrase": body.passphrase,
            "passphrase_again": body.passphrase,
        }
    )
    if not form.is_valid():
        raise _invalid(form)
    try:
        exported = export.case_export(
            actor=access.member,
            case=case,
            actor_private=access.private_key,
            password=form.cleaned_data["password"],
            code=form.cleaned_data["code"],
            passphrase=form.cleaned_data["passphrase"],
        )
    except account_services.ReauthenticationFailed:
        raise StaffApiError(
            401,
            "reauthentication_failed",
            _("The password or the code is not correct. Nothing was exported."),
        ) from None
    except account_services.SignInThrottled as throttled:
        raise StaffApiError(
            429,
            "throttled",
            wait_message(throttled.wait_seconds),
            retry_after=throttled.wait_seconds,
        ) from None
    except selectors.CaseContentLocked:
        raise _not_found() from None
    except selectors.EvidenceCorrupted:
        raise _file_damaged(
            _("A file of this case is damaged or was altered; nothing was exported.")
        ) from None
    return archive_download(exported)


# Notifications.


class NotificationsReadOut(DoneOut):
    marked: int


@router.post(
    "/notifications/read",
    response=_answers({200: NotificationsReadOut}, 401, 403),
    url_name="staff-notifications-read",
    auth=StaffBearer(Permission.DASHBOARD_VIEW),
)
def notifications_read(request: HttpRequest) -> dict[str, Any]:
    """Mark all of the caller's notifications as read; ``marked`` says how many were unread."""
    marked = account_services.notifications_mark_read(member=_access(request).member)
    return {"code": "read", "message": _("All notifications are marked as read."), "marked": marked}
