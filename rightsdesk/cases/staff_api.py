"""The staff side of the JSON API, under /api/v1/staff/. Same permissions, same need-to-know and
same services as the staff pages: a member reads a case's content only with a grant, and a case
they may not see answers 404, whether it exists or not.

A client signs in once with username, password and authenticator code and receives a bearer
token (see accounts/api_tokens.py); the token carries the member's private key the way the
browser keyring cookie does. Errors are JSON with a stable ``code`` and a translated
``message``, like the reporting API.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from ninja import Query, Router, Schema, Status
from ninja.security import HttpBearer

from rightsdesk.accounts import api_tokens
from rightsdesk.accounts.forms import SignInForm
from rightsdesk.accounts.models import Notification, StaffMember
from rightsdesk.accounts.permissions import Permission
from rightsdesk.accounts.services import SignInFailed, SignInThrottled
from rightsdesk.accounts.throttle import wait_message
from rightsdesk.cases import linking, search, selectors, services
from rightsdesk.cases.forms import (
    AccessDecisionForm,
    NoteForm,
    QueueFilterForm,
    StatusForm,
    TeamReplyForm,
)
from rightsdesk.cases.models import Case
from rightsdesk.cases.models import Status as CaseStatus
from rightsdesk.cases.tool_forms import SearchForm
from rightsdesk.cases.views import GRANT_REFUSALS
from rightsdesk.notifications import selectors as notification_selectors

router = Router(tags=["staff"])
# Answers carry decrypted case content and tokens: no cache, browser or proxy, may keep them.
router.add_decorator(never_cache, mode="view")

NOTIFICATIONS_PAGE_SIZE = 25


class StaffApiError(Exception):
    """An answer other than success: an HTTP status, a stable code and a translated message."""

    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.body = {"code": code, "message": message, **extra}


class ErrorOut(Schema):
    code: str
    message: str


class StaffBearer(HttpBearer):
    """A staff API token, with the one permission the endpoint needs (like ``staff_view`` on
    the pages). No token or a dead one is 401; a role that may not is 403."""

    def __init__(self, permission: Permission | None = None) -> None:
        self.permission = permission
        super().__init__()

    def authenticate(self, request: HttpRequest, token: str) -> api_tokens.TokenAccess | None:
        access = api_tokens.api_token_verify(token=token)
        if access is None:
            return None
        if self.permission is not None and not access.member.has_permission(self.permission):
            raise StaffApiError(403, "forbidden", _("Your role does not allow this."))
        return access


def not_signed_in() -> StaffApiError:
    return StaffApiError(
        401, "not_signed_in", _("Your sign-in has ended or the token is not valid. Sign in again.")
    )


def _access(request: HttpRequest) -> api_tokens.TokenAccess:
    access = getattr(request, "auth", None)
    if not isinstance(access, api_tokens.TokenAccess):
        raise not_signed_in()
    return access


def _not_found() -> StaffApiError:
    return StaffApiError(404, "not_found", _("There is no such case, or you may not see it."))


def _key_needed() -> StaffApiError:
    return StaffApiError(
        403,
        "case_key_needed",
        _("Only a member holding this case's key can do this. Ask its holders for access."),
    )


def _invalid(form: forms.Form, *, names: dict[str, str] | None = None) -> StaffApiError:
    """Field errors keyed by the API's names for the fields (``names`` maps a form's own)."""
    names = names or {}
    return StaffApiError(
        422,
        "invalid",
        _("Some answers need another look. Nothing you typed was lost."),
        fields={
            names.get(name, name): [str(text) for text in messages]
            for name, messages in form.errors.items()
        },
    )


def _field_error(field: str, message: str) -> StaffApiError:
    return StaffApiError(
        422,
        "invalid",
        _("Some answers need another look. Nothing you typed was lost."),
        fields={field: [message]},
    )


def _case(member: StaffMember, reference: str) -> Case:
    try:
        return selectors.case_for(member, reference)
    except selectors.CaseNotFound:
        raise _not_found() from None


def _changed(member: StaffMember, reference: str) -> StaffApiError:
    """The answer to a change made on an old version: nothing saved, and the current version."""
    return StaffApiError(
        409,
        "case_changed",
        _(
            "Someone else changed this case since you loaded it, so nothing was saved. Load the "
            "case again, check what changed, and send your change with the new version."
        ),
        version=_case(member, reference).version,
    )


def _answers(success: dict[int, Any], *errors: int) -> dict[int, Any]:
    """An endpoint's documented answers: its successes, and errors in the ErrorOut shape."""
    return {**success, **dict.fromkeys(errors, ErrorOut)}


class DoneOut(Schema):
    code: str
    message: str


# Signing in and out.


class SessionIn(Schema):
    username: str
    password: str
    code: str = ""


class SessionOut(Schema):
    token: str
    expires_at: datetime
    expires_in: int


@router.post(
    "/session",
    response=_answers({201: SessionOut}, 401, 403, 422, 429),
    url_name="staff-session",
    auth=None,
)
def session_create(request: HttpRequest, body: SessionIn) -> Status[dict[str, Any]]:
    """Sign in with username, password and authenticator code. The answer holds a bearer token
    for the ``Authorization: Bearer …`` header, valid for a few hours; it is shown once."""
    form = SignInForm(body.dict())
    if not form.is_valid():
        raise _invalid(form)
    try:
        issued = api_tokens.api_token_issue(
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
            code=form.cleaned_data["code"],
            client_address=request.META.get(settings.CLIENT_ADDRESS_HEADER, ""),
        )
    except SignInThrottled as throttled:
        raise StaffApiError(
            429,
            "throttled",
            wait_message(throttled.wait_seconds),
            retry_after=throttled.wait_seconds,
        ) from None
    except SignInFailed:
        raise StaffApiError(
            401, "sign_in_failed", _("The username, password or code is not correct.")
        ) from None
    except api_tokens.SignInIncomplete:
        raise StaffApiError(
            403,
            "sign_in_incomplete",
            _(
                "Finish setting up your account in the browser first: your authenticator, "
                "your recovery key and, after a reset, your own password."
            ),
        ) from None
    lifetime = int(api_tokens.api_token_lifetime().total_seconds())
    return Status(
        201, {"token": issued.token, "expires_at": issued.expires_at, "expires_in": lifetime}
    )


@router.delete(
    "/session",
    response=_answers({204: None}, 401),
    url_name="staff-session",
    auth=StaffBearer(),
)
def session_delete(request: HttpRequest) -> Status[None]:
    """Sign out: the token stops working at once."""
    api_tokens.api_token_revoke(access=_access(request))
    return Status(204, None)


# The queue and a case.


class CaseOut(Schema):
    """A case's plaintext metadata: what the queue shows, never what the case is about."""

    reference: str
    status: str
    urgency: str
    category: str
    language: str
    region: str
    created_at: datetime
    updated_at: datetime
    version: int
    assignee: str | None
    due_on: date | None
    acknowledge_by: datetime | None
    first_response_at: datetime | None
    sla_breached_at: datetime | None
    closed_at: datetime | None
    legal_hold: bool


class QueueCaseOut(CaseOut):
    breached: bool


class QueueCountsOut(Schema):
    status: dict[str, int]
    urgency: dict[str, int]
    category: dict[str, int]
    language: dict[str, int]
    mine: int
    unassigned: int
    breached: int


class QueueOut(Schema):
    count: int
    page: int
    pages: int
    counts: QueueCountsOut
    results: list[QueueCaseOut]


class QueueQuery(Schema):
    status: str = selectors.OPEN
    urgency: str = ""
    category: str = ""
    language: str = ""
    mine: bool = False
    unassigned: bool = False
    breached: bool = False
    page: int = 1


class EntryOut(Schema):
    kind: str
    created_at: datetime
    author: str
    content: dict[str, Any]


class FileOut(Schema):
    uuid: str
    created_at: datetime
    name: str
    size: int
    content_type: str | None
    inspected: bool
    problem: str
    metadata: dict[str, str]
    has_location: bool
    metadata_removed: bool


class AccessRequestOut(Schema):
    id: int
    member: str
    created_at: datetime


class CaseDetailOut(CaseOut):
    transitions: list[str]
    locked: bool
    holders: list[str]
    access_requests: list[AccessRequestOut]
    tags: list[str]
    links: list[str]
    timeline: list[EntryOut]
    files: list[FileOut]


def _case_out(case: Case) -> dict[str, Any]:
    return {
        "reference": case.reference,
        "status": case.status,
        "urgency": case.urgency,
        "category": case.category,
        "language": case.language,
        "region": case.region,
        "created_at": case.created_at,
        "updated_at": case.updated_at,
        "version": case.version,
        "assignee": case.assignee.username if case.assignee else None,
        "due_on": case.due_on,
        "acknowledge_by": case.acknowledge_by,
        "first_response_at": case.first_response_at,
        "sla_breached_at": case.sla_breached_at,
        "closed_at": case.closed_at,
        "legal_hold": case.legal_hold,
    }


@router.get(
    "/cases",
    response=_answers({200: QueueOut}, 401, 403, 422),
    url_name="staff-cases",
    auth=StaffBearer(Permission.CASE_WORK),
)
def case_list(request: HttpRequest, query: Query[QueueQuery]) -> dict[str, Any]:
    """The queue, with the filters of the queue page: metadata of the cases the member may see,
    most urgent and oldest first, 50 a page, with how many cases each filter would show."""
    member = _access(request).member
    filters = query.dict()
    page_number = filters.pop("page")
    form = QueueFilterForm(filters)
    if not form.is_valid():
        raise _invalid(form)
    cases, counts = selectors.case_queue(member, form.filters())
    page = selectors.QueuePaginator(cases, counts).get_page(page_number)
    return {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "counts": counts.__dict__,
        "results": [
            {**_case_out(case), "breached": bool(getattr(case, "breached", False))}
            for case in page.object_list
        ],
    }


class SearchQueryIn(Schema):
    q: str = ""
    status: str = ""
    urgency: str = ""
    category: str = ""
    language: str = ""
    created_from: str = ""
    created_to: str = ""


class SnippetOut(Schema):
    before: str
    match: str
    after: str


class SearchHitOut(Schema):
    case: CaseOut
    snippet: SnippetOut


class SearchOut(Schema):
    searched: int
    unreadable: int
    results: list[SearchHitOut]


# Registered before "/cases/{reference}", which would otherwise take "search" for a reference.
@router.get(
    "/cases/search",
    response=_answers({200: SearchOut}, 401, 403, 422),
    url_name="staff-case-search",
    auth=StaffBearer(Permission.CASE_WORK),
)
def case_search(request: HttpRequest, query: Query[SearchQueryIn]) -> dict[str, Any]:
    """Search the content of the cases the caller holds the key to: every word of ``q`` must
    appear somewhere in a case. Content is decrypted in memory for this request only; the audit
    log records that a search was made and over how many cases, never the words."""
    access = _access(request)
    data = query.dict()
    form = SearchForm({**data, "words": data.pop("q")})
    if not form.is_valid():
        raise _invalid(form, names={"words": "q"})
    try:
        result = search.case_search(
            actor=access.member,
            actor_private=access.private_key,
            query=search.SearchQuery(**form.cleaned_data),
        )
    except search.NothingToSearchFor:
        raise _field_error("q", _("Type at least one word to search for.")) from None
    return {
        "searched": result.searched,
        "unreadable": result.unreadable,
        "results": [
            {"case": _case_out(hit.case), "snippet": hit.snippet.__dict__} for hit in result.hits
        ],
    }


@router.get(
    "/cases/{reference}",
    response=_answers({200: CaseDetailOut}, 401, 403, 404),
    url_name="staff-case",
    auth=StaffBearer(Permission.CASE_WORK),
)
def case_detail(request: HttpRequest, reference: str) -> dict[str, Any]:
    """A case's metadata and, for a member holding its key, the decrypted timeline, the
    descriptions of its files, its tags, holders and open access requests. Reading the content
    is recorded in the audit log; without the key, ``locked`` is true and nothing is decrypted."""
    access = _access(request)
    case = _case(access.member, reference)
    try:
        content = services.case_content_open(
            case=case, actor=access.member, actor_private=access.private_key
        )
    except services.CaseAccessDenied:
        content = None
    detail = {
        **_case_out(case),
        "transitions": sorted(services.allowed_transitions(case.status)),
        "locked": content is None,
        "holders": [],
        "access_requests": [],
        "tags": [],
        # Links are plaintext metadata: shown with or without the key, as on the case page.
        "links": [other.reference for other in linking.linked_cases(access.member, case)],
        "timeline": [],
        "files": [],
    }
    if content is not None:
        detail["holders"] = [grant.member.username for grant in selectors.case_holders(case)]
        detail["access_requests"] = [
            {"id": item.pk, "member": item.member.username, "created_at": item.created_at}
            for item in selectors.case_open_access_requests(case)
        ]
        detail["tags"] = content.tags
        detail["timeline"] = [
            {
                "kind": entry.kind.value,
                "created_at": entry.created_at,
                "author": entry.author,
                "content": entry.content,
            }
            for entry in content.timeline
        ]
        detail["files"] = [file.__dict__ for file in content.files]
    return detail


# Writing on a case.


class TextIn(Schema):
    text: str


@router.post(
    "/cases/{reference}/replies",
    response=_answers({201: DoneOut}, 401, 403, 404, 422),
    url_name="staff-case-replies",
    auth=StaffBearer(Permission.CASE_WORK),
)
def case_reply(request: HttpRequest, reference: str, body: TextIn) -> Status[dict[str, str]]:
    """Write to the reporter, who sees it when they come back with their receipt. Only a member
    holding the case key may; for anyone else the case is not found, as on the case page."""
    access = _access(request)
    case = _case(access.member, reference)
    form = TeamReplyForm({"text": body.text})
    if not form.is_valid():
        raise _invalid(form)
    try:
        services.case_team_reply(case=case, author=access.member, text=form.cleaned_data["text"])
    except services.CaseAccessDenied:
        raise _not_found() from None
    message = _("Your message will be shown to the reporter when they come back.")
    return Status(201, {"code": "sent", "message": message})


@router.post(
    "/cases/{reference}/notes",
    response=_answers({201: DoneOut}, 401, 403, 404, 422),
    url_name="staff-case-notes",
    auth=StaffBearer(Permission.CASE_WORK),
)
def case_note(request: HttpRequest, reference: str, body: TextIn) -> Status[dict[str, str]]:
    """Add an internal note: for the team only, never shown to the reporter."""
    access = _access(request)
    case = _case(access.member, reference)
    form = NoteForm({"text": body.text})
    if not form.is_valid():
        raise _invalid(form)
    try:
        services.case_add_note(case=case, author=access.member, text=form.cleaned_data["text"])
    except services.CaseAccessDenied:
        raise _not_found() from None
    return Status(201, {"code": "noted", "message": _("The note was added.")})


class StatusIn(Schema):
    status: str
    version: int
    reason: str = ""


@router.post(
    "/cases/{reference}/status",
    response=_answers({200: CaseOut}, 401, 403, 404, 409, 422),
    url_name="staff-case-status",
    auth=StaffBearer(Permission.CASE_WORK),
)
def case_status(request: HttpRequest, reference: str, body: StatusIn) -> dict[str, Any]:
    """Move the case along its lifecycle. ``version`` is the case version the change was made
    on: if someone changed the case meanwhile, nothing is saved and the answer is 409."""
    access = _access(request)
    case = _case(access.member, reference)
    form = StatusForm(body.dict(), current=case.status)
    if not form.is_valid():
        raise _invalid(form)
    try:
        changed = services.case_change_status(
            case=case,
            actor=access.member,
            status=form.cleaned_data["status"],
            expected_version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
        )
    except services.CaseChanged:
        raise _changed(access.member, reference) from None
    except services.TransitionNotAllowed as refused:
        message = _("A case that is “%(current)s” cannot become “%(wanted)s”.") % {
            "current": CaseStatus(refused.current).label,
            "wanted": CaseStatus(refused.wanted).label,
        }
        raise StaffApiError(
            422,
            "transition_not_allowed",
            message,
            allowed=sorted(services.allowed_transitions(refused.current)),
        ) from None
    except services.ReasonRequired:
        raise _field_error("reason", _("Say why the case is rejected.")) from None
    except services.CaseAccessDenied:
        raise _key_needed() from None
    return _case_out(changed)


class AssignIn(Schema):
    assignee: str | None
    version: int


def _case_worker(field: str, username: str) -> StaffMember:
    """An active member who may be given a case key, by username; a field error otherwise."""
    member = selectors.members_who_may_hold_cases().filter(username=username.strip()).first()
    if member is None:
        raise _field_error(field, _("Choose an active member who works on cases."))
    return member


def _grant_refused(field: str, refused: services.GrantRefused) -> StaffApiError:
    return _field_error(field, str(GRANT_REFUSALS[refused.reason]))


@router.post(
    "/cases/{reference}/assign",
    response=_answers({200: CaseOut}, 401, 403, 404, 409, 422),
    url_name="staff-case-assign",
    auth=StaffBearer(Permission.CASE_ASSIGN),
)
def case_assign(request: HttpRequest, reference: str, body: AssignIn) -> dict[str, Any]:
    """Make a member responsible for the case (``null``: nobody). Assigning gives them the case
    key, re-wrapped from the caller's own grant. ``version`` works as for status changes."""
    access = _access(request)
    case = _case(access.member, reference)
    assignee = _case_worker("assignee", body.assignee) if body.assignee else None
    try:
        changed = services.case_assign(
            case=case,
            actor=access.member,
            actor_private=access.private_key,
            assignee=assignee,
            expected_version=body.version,
        )
    except services.CaseChanged:
        raise _changed(access.member, reference) from None
    except services.GrantRefused as refused:
        raise _grant_refused("assignee", refused) from None
    except services.CaseAccessDenied:
        raise _key_needed() from None
    return _case_out(changed)


# Need-to-know: who holds the case key.


class RevokedOut(DoneOut):
    last_holder: bool


@router.post(
    "/cases/{reference}/grants/{username}",
    response=_answers({200: DoneOut, 201: DoneOut}, 401, 403, 404, 422),
    url_name="staff-case-grant",
    auth=StaffBearer(Permission.CASE_ASSIGN),
)
def case_grant(request: HttpRequest, reference: str, username: str) -> Status[dict[str, str]]:
    """Give a member the case key without making them responsible for the case."""
    access = _access(request)
    case = _case(access.member, reference)
    member = _case_worker("username", username)
    try:
        grant = services.case_grant(
            case=case, actor=access.member, actor_private=access.private_key, member=member
        )
    except services.GrantRefused as refused:
        raise _grant_refused("username", refused) from None
    except services.CaseAccessDenied:
        raise _key_needed() from None
    if grant is None:
        return Status(
            200, {"code": "already_granted", "message": _("They already hold the case key.")}
        )
    return Status(201, {"code": "granted", "message": _("They now hold the case key.")})


@router.delete(
    "/cases/{reference}/grants/{username}",
    response=_answers({200: RevokedOut}, 401, 403, 404),
    url_name="staff-case-grant",
    auth=StaffBearer(Permission.CASE_ASSIGN),
)
def case_revoke(request: HttpRequest, reference: str, username: str) -> dict[str, Any]:
    """Take the case key away from a member; a revoked assignee is unassigned too.
    ``last_holder`` is true when no member holds the key any more (only escrow can open it)."""
    access = _access(request)
    case = _case(access.member, reference)
    grant = selectors.case_holders(case).filter(member__username=username).first()
    if grant is None:
        raise StaffApiError(404, "no_grant", _("This member does not hold the case key."))
    try:
        revoked = services.case_revoke(case=case, actor=access.member, member=grant.member)
    except services.NoSuchGrant:
        raise StaffApiError(404, "no_grant", _("This member does not hold the case key.")) from None
    except services.CaseAccessDenied:
        raise _key_needed() from None
    message = _("They no longer hold the case key.")
    if revoked.last_holder:
        message = _(
            "They no longer hold the case key. Nobody on the team holds it now: only the escrow "
            "trustees can open the case."
        )
    return {"code": "revoked", "message": message, "last_holder": revoked.last_holder}


class AccessRequestCreatedOut(Schema):
    id: int
    created_at: datetime


@router.post(
    "/cases/{reference}/access-requests",
    response=_answers({201: AccessRequestCreatedOut}, 401, 403, 404, 409),
    url_name="staff-case-access-requests",
    auth=StaffBearer(Permission.CASE_WORK),
)
def access_request_create(request: HttpRequest, reference: str) -> Status[dict[str, Any]]:
    """Ask the holders of a case for its key. Possible for a case the caller sees in the queue
    or one linked from a case they hold; any other reference answers 404. Asking again while a
    request is open returns that request."""
    access = _access(request)
    try:
        case = selectors.case_requestable_by(access.member, reference)
        created = services.access_request_create(case=case, actor=access.member)
    except (selectors.CaseNotFound, services.CaseAccessDenied):
        raise _not_found() from None
    except services.AlreadyGranted:
        raise StaffApiError(
            409, "already_granted", _("You already hold this case's key.")
        ) from None
    return Status(201, {"id": created.pk, "created_at": created.created_at})


class DecisionIn(Schema):
    decision: str


class DecisionOut(Schema):
    id: int
    approved: bool
    decided_at: datetime


@router.post(
    "/cases/{reference}/access-requests/{request_id}/decision",
    response=_answers({200: DecisionOut}, 401, 403, 404, 409, 422),
    url_name="staff-case-access-decision",
    auth=StaffBearer(Permission.CASE_WORK),
)
def access_request_decide(
    request: HttpRequest, reference: str, request_id: int, body: DecisionIn
) -> dict[str, Any]:
    """Answer a request for the case key, as one of its holders: ``approve`` re-wraps the key
    for the member who asked, ``decline`` does not."""
    access = _access(request)
    case = _case(access.member, reference)
    form = AccessDecisionForm(body.dict())
    if not form.is_valid():
        raise _invalid(form)
    try:
        access_request = selectors.access_request_for(case, request_id)
        decided = services.access_request_decide(
            access_request=access_request,
            actor=access.member,
            actor_private=access.private_key,
            approve=form.cleaned_data["decision"] == "approve",
        )
    except selectors.CaseNotFound:
        raise StaffApiError(404, "not_found", _("There is no such request on this case.")) from None
    except services.AccessRequestClosed:
        raise StaffApiError(
            409, "request_closed", _("This request was already answered.")
        ) from None
    except services.GrantRefused as refused:
        raise _grant_refused("decision", refused) from None
    except services.CaseAccessDenied:
        raise _key_needed() from None
    return {"id": decided.pk, "approved": bool(decided.approved), "decided_at": decided.decided_at}


# Notifications.


class NotificationOut(Schema):
    kind: str
    message: str
    created_at: datetime
    read: bool


class NotificationPageOut(Schema):
    count: int
    unread: int
    page: int
    pages: int
    results: list[NotificationOut]


class PageQuery(Schema):
    page: int = 1


@router.get(
    "/notifications",
    response=_answers({200: NotificationPageOut}, 401, 403),
    url_name="staff-notifications",
    auth=StaffBearer(Permission.DASHBOARD_VIEW),
)
def notification_list(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    """The caller's notices, newest first. Content-free: a kind and a time, never what a case
    is about."""
    member = _access(request).member
    notices = notification_selectors.notifications_of(member)
    page = Paginator(notices, NOTIFICATIONS_PAGE_SIZE).get_page(query.page)
    return {
        "count": page.paginator.count,
        "unread": notification_selectors.unread_count(member),
        "page": page.number,
        "pages": page.paginator.num_pages,
        "results": [
            {
                "kind": notice.kind,
                "message": str(Notification.Kind(notice.kind).label),
                "created_at": notice.created_at,
                "read": notice.read_at is not None,
            }
            for notice in page.object_list
        ],
    }
