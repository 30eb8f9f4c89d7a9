"""The reporting flow as JSON, for apps and scripts. Same questions, same checks, same services
as the HTML pages; errors are JSON with a stable ``code`` and a translated ``message``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import File, Form, Router, Schema, Status, UploadedFile
from ninja.security import HttpBearer

from rightsdesk.accounts.throttle import wait_message
from rightsdesk.cases import selectors as case_selectors
from rightsdesk.cases.models import Case
from rightsdesk.cases.services import EscrowMissing
from rightsdesk.intake import evidence, followup, services
from rightsdesk.intake.forms import ContactForm, DangerForm, ReplyForm, WhatForm
from rightsdesk.intake.uploads import EncryptedUpload
from rightsdesk.intake.views import file_problem

router = Router(tags=["reporting"])
NOT_READY = gettext_lazy(
    "Reports cannot be received yet: this installation is not finished. Nothing was saved."
)


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.body = {"code": code, "message": message, **extra}


class ErrorOut(Schema):
    code: str
    message: str


class ReportIn(Schema):
    danger: bool
    category: str
    what_happened: str
    projects: str = ""
    when: str = ""
    links: list[str] = []
    others_affected: str = ""
    contact_method: str = "none"
    contact_value: str = ""
    preferred_language: str = "en"
    consent: str = "ask"
    consent_purposes: list[str] = []


class ReceiptOut(Schema):
    receipt: str
    upload_token: str


class FileOut(Schema):
    name: str
    size: int
    inspected: bool
    has_location: bool
    metadata_removed: bool


class FilesOut(Schema):
    added: list[FileOut]
    refused: list[ErrorOut]


class SessionIn(Schema):
    receipt: str


class SessionOut(Schema):
    token: str
    expires_in: int


class MessageOut(Schema):
    from_team: bool
    created_at: datetime
    text: str


class CaseOut(Schema):
    status: str
    received_at: datetime
    messages: list[MessageOut]
    files: list[str]


class MessageIn(Schema):
    text: str


class UploadBearer(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Case | None:
        return followup.case_for_upload_token(token)


class ReporterBearer(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> followup.ReporterAccess | None:
        return followup.access_from_cookie(token)


def not_signed_in() -> ApiError:
    return ApiError(401, "not_signed_in", str(followup.SIGNED_OUT))


def _form_errors(form: Any) -> dict[str, list[str]]:
    return {name: [str(message) for message in messages] for name, messages in form.errors.items()}


def _invalid(errors: dict[str, list[str]]) -> ApiError:
    return ApiError(
        422,
        "invalid",
        _("Some answers need another look. Nothing you typed was lost."),
        fields=errors,
    )


def _validated_answers(report: ReportIn) -> dict[str, Any]:
    """Run the answers through the same forms as the HTML flow."""
    data = report.dict()
    answers: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    form_data: dict[str, Any] = {
        **data,
        "danger": "yes" if data["danger"] else "no",
        "links": "\n".join(data["links"]),
    }
    for form_class in (DangerForm, WhatForm, ContactForm):
        form = form_class(form_data)
        if form.is_valid():
            answers.update(form.cleaned_data)
        else:
            errors.update(
                {name: [str(m) for m in messages] for name, messages in form.errors.items()}
            )
    if errors:
        raise _invalid(errors)
    return answers


@router.post(
    "/reports",
    response={201: ReceiptOut, 422: ErrorOut, 503: ErrorOut},
    url_name="reports",
    auth=None,
)
def report_create(request: HttpRequest, report: ReportIn) -> Status[dict[str, str]]:
    """Send a report. The receipt in the answer is shown once: keep it."""
    answers = _validated_answers(report)
    try:
        receipt = services.report_create(answers=answers)
    except EscrowMissing:
        raise ApiError(503, "not_ready", str(NOT_READY)) from None
    case = case_selectors.case_for_receipt(receipt)
    token = followup.upload_token_for(case.pk) if case else ""
    return Status(201, {"receipt": receipt, "upload_token": token})


@router.post(
    "/reporter/session",
    response={201: SessionOut, 401: ErrorOut, 429: ErrorOut},
    url_name="reporter-session",
    auth=None,
)
def reporter_session(request: HttpRequest, body: SessionIn) -> Status[dict[str, Any]]:
    """Exchange a receipt for a short-lived bearer token."""
    try:
        access = followup.reporter_open(receipt=body.receipt)
    except followup.ReceiptThrottled as throttled:
        raise ApiError(
            429,
            "throttled",
            wait_message(throttled.wait_seconds),
            retry_after=throttled.wait_seconds,
        ) from None
    except followup.ReceiptRefused:
        raise ApiError(401, "receipt_refused", str(followup.RECEIPT_REFUSED)) from None
    lifetime = int(followup.session_lifetime().total_seconds())
    return Status(201, {"token": followup.access_to_cookie(access), "expires_in": lifetime})


def _access(request: HttpRequest) -> followup.ReporterAccess:
    access = getattr(request, "auth", None)
    if not isinstance(access, followup.ReporterAccess):
        raise not_signed_in()
    return access


@router.get(
    "/reporter/case",
    response={200: CaseOut, 401: ErrorOut},
    url_name="reporter-case",
    auth=ReporterBearer(),
)
def reporter_case(request: HttpRequest) -> dict[str, Any]:
    """The report's coarse status and the messages between the reporter and the team."""
    view = followup.reporter_view(_access(request))
    if view is None:
        raise not_signed_in()
    return {
        "status": view.status,
        "received_at": view.received_at,
        "messages": [message.__dict__ for message in view.messages],
        "files": view.files,
    }


@router.post(
    "/reporter/messages",
    response={201: ErrorOut, 401: ErrorOut, 422: ErrorOut},
    url_name="reporter-messages",
    auth=ReporterBearer(),
)
def reporter_message(request: HttpRequest, body: MessageIn) -> Status[dict[str, str]]:
    """Write to the team."""
    form = ReplyForm({"text": body.text})
    if not form.is_valid():
        raise _invalid(_form_errors(form))
    if not followup.reporter_reply(_access(request), text=form.cleaned_data["text"]):
        raise not_signed_in()
    return Status(201, {"code": "sent", "message": _("Your message was sent to the team.")})


def _add_files(
    request: HttpRequest,
    files: list[UploadedFile] | None,
    add: Callable[[evidence.Upload | EncryptedUpload], dict[str, Any] | None],
) -> Status[dict[str, Any]]:
    refused = [
        {"code": "file_too_large", "message": file_problem("file_too_large", name)}
        for name in getattr(request, "uploads_too_large", [])
    ]
    added = []
    if not files and not refused:
        raise ApiError(422, "no_files", _("Please attach at least one file."))
    for uploaded in files or []:
        try:
            result = add(evidence.as_upload(uploaded))
        except evidence.FileRefused as problem:
            refused.append(
                {"code": problem.code, "message": file_problem(problem.code, problem.name)}
            )
            continue
        if result is None:
            raise not_signed_in()
        added.append(result)
    return Status(201 if added else 422, {"added": added, "refused": refused})


@router.post(
    "/reports/files",
    response={201: FilesOut, 401: ErrorOut, 422: FilesOut},
    url_name="report-files",
    auth=UploadBearer(),
)
def report_files(
    request: HttpRequest,
    files: File[list[UploadedFile] | None] = None,
    remove_metadata: Form[bool] = True,
) -> Status[dict[str, Any]]:
    """Attach files to the report just sent, with the upload_token it returned (valid for an
    hour). Pictures and PDFs lose their hidden information unless remove_metadata is false."""
    case = request.auth  # type: ignore[attr-defined]
    return _add_files(
        request,
        files,
        lambda upload: evidence.case_add(case, upload, remove_metadata=remove_metadata),
    )


@router.post(
    "/reporter/files",
    response={201: FilesOut, 401: ErrorOut, 422: FilesOut},
    url_name="reporter-files",
    auth=ReporterBearer(),
)
def reporter_files(
    request: HttpRequest,
    files: File[list[UploadedFile] | None] = None,
    remove_metadata: Form[bool] = True,
) -> Status[dict[str, Any]]:
    """Add files to the report, as a reporter who came back with the receipt."""
    access = _access(request)
    return _add_files(
        request,
        files,
        lambda upload: followup.reporter_add_file(access, upload, remove_metadata=remove_metadata),
    )
