"""Coming back with a receipt: read the team's replies, answer, or withdraw the report.

A reporter's session is stateless: after the receipt opens the case key, the case id and the case
private key are sealed under a server key into a short-lived cookie. No session row is written, so
the database records nothing about who came back or when; the cookie alone is useless after
REPORTER_SESSION_SECONDS and is deleted on leaving.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy

from rightsdesk.accounts import throttle
from rightsdesk.cases import selectors as case_selectors
from rightsdesk.cases import services as case_services
from rightsdesk.cases.models import Case, EntryKind, Status
from rightsdesk.crypto import keys, passwords, receipts, server_secrets
from rightsdesk.crypto.errors import DecryptionFailed
from rightsdesk.intake import evidence

COOKIE = "rightsdesk_followup"
VISIBLE_TO_REPORTER = frozenset(
    {EntryKind.REPORT, EntryKind.TEAM_MESSAGE, EntryKind.REPORTER_MESSAGE}
)


RECEIPT_REFUSED = gettext_lazy(
    "This receipt does not open a report. Check the digits and try again."
)
SIGNED_OUT = gettext_lazy("Please open your report with your receipt again.")


class ReceiptRefused(Exception):
    """No case opens with this receipt. Deliberately says no more."""


class ReceiptThrottled(Exception):
    def __init__(self, wait_seconds: int) -> None:
        super().__init__(f"wait {wait_seconds} s")
        self.wait_seconds = wait_seconds


@dataclass(frozen=True)
class ReporterAccess:
    case_id: int
    case_private: bytes
    expires: float


@dataclass(frozen=True)
class ReporterMessage:
    from_team: bool
    created_at: datetime
    text: str


@dataclass(frozen=True)
class ReporterView:
    status: str
    received_at: datetime
    messages: list[ReporterMessage]
    files: list[str]


def _session_key() -> bytes:
    return hashlib.blake2b(
        settings.SECRET_KEY.encode(), digest_size=32, person=b"rd-reporter-v1"
    ).digest()


def reporter_open(*, receipt: str) -> ReporterAccess:
    """Check a receipt and open its case key. Failures slow down the next attempts: per bucket of
    receipt look-ups and across the whole site, never a permanent lockout."""
    digits = receipts.normalise_receipt(receipt)
    now = timezone.now()
    global_key = "receipt:all"
    bucket_key = "receipt:none"
    if digits is not None:
        lookup = receipts.receipt_lookup_id(digits, settings.RECEIPT_PEPPER.encode())
        bucket_key = f"receipt:{lookup[:3]}"
    wait = max(
        throttle.seconds_to_wait(bucket_key, _bucket_policy(), now=now),
        throttle.seconds_to_wait(global_key, _global_policy(), now=now),
    )
    if wait:
        raise ReceiptThrottled(wait)
    case = case_selectors.case_for_receipt(digits) if digits else None
    private = None
    if case is not None and case.reporter_wrap is not None:
        try:
            private = passwords.unwrap_with_password(bytes(case.reporter_wrap), digits or "")
        except DecryptionFailed:
            private = None
    if case is None or private is None:
        throttle.record_failure(bucket_key, now=now)
        throttle.record_failure(global_key, now=now)
        raise ReceiptRefused
    return ReporterAccess(case.pk, private, time.time() + settings.REPORTER_SESSION_SECONDS)


def _bucket_policy() -> throttle.ThrottlePolicy:
    return throttle.ThrottlePolicy(free_failures=5, cap_seconds=60)


def _global_policy() -> throttle.ThrottlePolicy:
    # Site-wide: many honest mistakes are normal, a flood of guesses is not.
    return throttle.ThrottlePolicy(free_failures=200, cap_seconds=10)


def access_to_cookie(access: ReporterAccess) -> str:
    payload = json.dumps(
        {
            "case": access.case_id,
            "key": base64.b64encode(access.case_private).decode("ascii"),
            "expires": access.expires,
        }
    ).encode()
    sealed = server_secrets.encrypt(_session_key(), payload, context=b"reporter-session")
    return base64.urlsafe_b64encode(sealed).decode("ascii")


def access_from_cookie(value: str | None, *, now: float | None = None) -> ReporterAccess | None:
    if not value:
        return None
    try:
        sealed = base64.urlsafe_b64decode(value.encode("ascii"))
        data = json.loads(
            server_secrets.decrypt(_session_key(), sealed, context=b"reporter-session")
        )
        access = ReporterAccess(
            int(data["case"]), base64.b64decode(data["key"]), float(data["expires"])
        )
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeEncodeError, DecryptionFailed):
        return None
    if access.expires < (time.time() if now is None else now):
        return None
    return access


def _open_case(access: ReporterAccess) -> tuple[Case, keys.KeyPair] | None:
    case = case_selectors.case_by_id(access.case_id)
    if case is None or case.status == Status.WITHDRAWN:
        return None
    pair = keys.keypair_from_private(access.case_private)
    if pair.public != bytes(case.public_key):
        return None
    return case, pair


def case_for_access(access: ReporterAccess) -> Case | None:
    opened = _open_case(access)
    return opened[0] if opened is not None else None


COARSE_STATUS = {
    Status.NEW: "received",
    Status.TRIAGE: "received",
    Status.ACTIVE: "handled",
    Status.WAITING_REPORTER: "handled",
    Status.WAITING_PARTNER: "referred",
    Status.RESOLVED: "closed",
    Status.REJECTED: "closed",
    Status.MERGED: "closed",
}


def reporter_view(access: ReporterAccess) -> ReporterView | None:
    opened = _open_case(access)
    if opened is None:
        return None
    case, pair = opened
    timeline = case_selectors.timeline_with_key(case, pair, kinds=VISIBLE_TO_REPORTER)
    messages = [
        ReporterMessage(
            from_team=entry.kind == EntryKind.TEAM_MESSAGE,
            created_at=entry.created_at,
            text=str(entry.content.get("text") or entry.content.get("what_happened") or ""),
        )
        for entry in timeline
    ]
    return ReporterView(
        status=COARSE_STATUS.get(Status(case.status), "closed"),
        received_at=case.created_at,
        messages=messages,
        files=[file.name for file in case_selectors.case_files(case, pair)],
    )


def reporter_reply(access: ReporterAccess, *, text: str) -> bool:
    opened = _open_case(access)
    if opened is None:
        return False
    case_services.case_reporter_reply(case=opened[0], text=text)
    return True


def reporter_withdraw(access: ReporterAccess) -> bool:
    opened = _open_case(access)
    if opened is None:
        return False
    case_services.case_withdraw(case=opened[0])
    return True


def session_lifetime() -> timedelta:
    return timedelta(seconds=settings.REPORTER_SESSION_SECONDS)


def reporter_add_file(
    access: ReporterAccess, upload: Any, *, remove_metadata: bool
) -> dict[str, Any] | None:
    """Add a file to the reporter's case; None when the session no longer opens it."""
    opened = _open_case(access)
    if opened is None:
        return None
    return evidence.case_add(opened[0], upload, remove_metadata=remove_metadata)


UPLOAD_TOKEN_SECONDS = 60 * 60


def upload_token_for(case_id: int) -> str:
    """A short-lived token that lets the sender of a report (through the API) add files to it,
    and nothing else: it carries no key and reads nothing."""
    payload = json.dumps({"case": case_id, "expires": time.time() + UPLOAD_TOKEN_SECONDS})
    sealed = server_secrets.encrypt(_session_key(), payload.encode(), context=b"upload-token")
    return base64.urlsafe_b64encode(sealed).decode("ascii")


def case_for_upload_token(token: str | None) -> Case | None:
    if not token:
        return None
    try:
        sealed = base64.urlsafe_b64decode(token.encode("ascii"))
        data = json.loads(server_secrets.decrypt(_session_key(), sealed, context=b"upload-token"))
        case_id, expires = int(data["case"]), float(data["expires"])
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeEncodeError, DecryptionFailed):
        return None
    if expires < time.time():
        return None
    case = case_selectors.case_by_id(case_id)
    if case is None or case.status == Status.WITHDRAWN:
        return None
    return case
