"""Every change to cases goes through these functions; each owns its transaction."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from rightsdesk.accounts.models import Notification, OrganisationEscrow, StaffKey, StaffMember
from rightsdesk.accounts.permissions import Permission, Role
from rightsdesk.audit.models import Action
from rightsdesk.audit.services import audit_record
from rightsdesk.cases import selectors, storage
from rightsdesk.cases.contexts import entry_context, file_context, receipt_lookup
from rightsdesk.cases.models import (
    AccessRequest,
    Case,
    CaseEntry,
    CaseGrant,
    Category,
    EntryKind,
    EvidenceFile,
    Status,
    Urgency,
)
from rightsdesk.cases.retention import case_shred
from rightsdesk.cases.sla import acknowledge_deadline
from rightsdesk.cases.tasks import notify_new_case, notify_reporter_replied
from rightsdesk.core import clock
from rightsdesk.crypto import envelope, keys, passwords, receipts
from rightsdesk.crypto.errors import DecryptionFailed
from rightsdesk.notifications.services import notify

security_log = logging.getLogger("rightsdesk.security")

REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


class EscrowMissing(Exception):
    """No organisation escrow key: a case created now could be lost with a password."""


@dataclass(frozen=True)
class StoredFile:
    """A file already encrypted to the case key (while the report was a draft)."""

    path: Path
    description: dict[str, Any]


@dataclass(frozen=True)
class CaseCreated:
    case: Case
    receipt: str


def new_reference() -> str:
    """A random, unguessable case reference that reveals nothing (not even an order)."""
    body = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"RD-{body[:4]}-{body[4:]}"


def _coordinator_keys() -> list[StaffKey]:
    return list(
        StaffKey.objects.filter(
            member__role=Role.COORDINATOR, member__is_active=True
        ).select_related("member")
    )


def case_add_entry(
    *, case: Case, kind: EntryKind, content: dict[str, Any], author: StaffMember | None = None
) -> CaseEntry:
    """Encrypt ``content`` to the case key and append it to the timeline (no key needed)."""
    entry = CaseEntry(case=case, kind=kind, author=author)
    plaintext = json.dumps(content, ensure_ascii=False, sort_keys=True).encode("utf-8")
    entry.ciphertext = envelope.encrypt_to(
        bytes(case.public_key), plaintext, context=entry_context(case.reference, str(entry.uuid))
    )
    entry.save()
    return entry


def case_create(
    *,
    category: Category | str,
    urgency: Urgency | str,
    language: str,
    report: dict[str, Any],
    region: str = "",
    receipt: str | None = None,
    keypair: keys.KeyPair | None = None,
    files: list[StoredFile] | None = None,
) -> CaseCreated:
    """Open a case from a report: a new key pair, wrapped for the escrow key, the reporter's
    receipt and every active coordinator; the report encrypted to it. All or nothing."""
    escrow = OrganisationEscrow.objects.first()
    if escrow is None:
        raise EscrowMissing
    pair = keypair or keys.generate_keypair()
    receipt = receipt or receipts.new_receipt()
    reporter_wrap = passwords.wrap_with_password(
        pair.private, receipts.normalise_receipt(receipt) or "", params=settings.RECEIPT_KDF
    )
    with transaction.atomic():
        case = Case.objects.create(
            reference=new_reference(),
            category=category,
            urgency=urgency,
            language=language,
            region=region,
            public_key=pair.public,
            escrow_wrap=keys.seal(bytes(escrow.public_key), pair.private),
            reporter_wrap=reporter_wrap,
            receipt_lookup=receipt_lookup(receipt),
            acknowledge_by=acknowledge_deadline(urgency=urgency, opened_at=clock.now()),
        )
        CaseGrant.objects.bulk_create(
            CaseGrant(
                case=case,
                member=key.member,
                sealed_private=keys.seal(bytes(key.public_key), pair.private),
            )
            for key in _coordinator_keys()
        )
        entry = case_add_entry(case=case, kind=EntryKind.REPORT, content=report)
        for stored in files or []:
            _adopt_file(case=case, entry=entry, stored=stored)
        case_id = case.pk
        transaction.on_commit(lambda: notify_new_case.enqueue(case_id=case_id))
    security_log.info("case %s created", case.reference)
    return CaseCreated(case=case, receipt=receipt)


def case_withdraw(*, case: Case) -> None:
    """The reporter withdrew the report: crypto-shred it. Every wrap of the case key and every
    ciphertext is deleted, so nothing about its content can be recovered by anyone; only the
    plaintext metadata row remains, marked withdrawn, for aggregate figures."""
    with transaction.atomic():
        case_shred(case=case, at=clock.now(), status=Status.WITHDRAWN)
        audit_record(action=Action.WITHDRAWAL, case_reference=case.reference)
    security_log.info("case %s withdrawn and shredded", case.reference)


def case_merged_target(case: Case) -> Case:
    """The case that now holds a merged case's content (itself when it was not merged)."""
    seen = {case.pk}
    while case.merged_into_id is not None and case.merged_into_id not in seen:
        target = Case.objects.filter(pk=case.merged_into_id).first()
        if target is None:
            break
        seen.add(target.pk)
        case = target
    return case


def case_reporter_reply(*, case: Case, text: str) -> CaseEntry:
    """A message from the reporter; a case waiting for them goes back to active. A reporter whose
    report was merged into another case still reaches the team: the message goes to that case
    (writing needs only its public key), though their receipt cannot read it there."""
    case = case_merged_target(case)
    with transaction.atomic():
        entry = case_add_entry(case=case, kind=EntryKind.REPORTER_MESSAGE, content={"text": text})
        Case.objects.filter(pk=case.pk, status=Status.WAITING_REPORTER).update(
            status=Status.ACTIVE, version=F("version") + 1
        )
        case_id = case.pk
        transaction.on_commit(lambda: notify_reporter_replied.enqueue(case_id=case_id))
    return entry


def case_team_reply(*, case: Case, author: StaffMember, text: str) -> CaseEntry:
    """A message from the team to the reporter, shown to them when they come back. Only a
    member holding the case key may write; the first reply stops the response clock."""
    _require_holder(case=case, actor=author)
    now = clock.now()
    with transaction.atomic():
        entry = case_add_entry(
            case=case, kind=EntryKind.TEAM_MESSAGE, content={"text": text}, author=author
        )
        Case.objects.filter(pk=case.pk, first_response_at__isnull=True).update(
            first_response_at=now
        )
        audit_record(action=Action.CASE_REPLY, actor=author, case_reference=case.reference)
    return entry


def _sealed_evidence(
    *, case: Case, entry: CaseEntry | None, file_uuid: str, description: dict[str, Any]
) -> EvidenceFile:
    """An evidence row (not yet saved) whose description is sealed to the case key."""
    return EvidenceFile(
        uuid=file_uuid,
        case=case,
        entry=entry,
        sealed_meta=envelope.encrypt_to(
            bytes(case.public_key),
            json.dumps(description, ensure_ascii=False).encode("utf-8"),
            context=file_context(file_uuid),
        ),
    )


def _save_or_forget(evidence: EvidenceFile) -> EvidenceFile:
    """Save the row; if that fails, remove its stored file rather than leave it behind."""
    try:
        evidence.save()
    except BaseException:
        storage.evidence_delete(str(evidence.uuid))
        raise
    return evidence


def _adopt_file(*, case: Case, entry: CaseEntry, stored: StoredFile) -> EvidenceFile:
    """Move a draft's encrypted file into the evidence store and describe it, sealed."""
    file_uuid = str(uuid.uuid4())
    evidence = _sealed_evidence(
        case=case, entry=entry, file_uuid=file_uuid, description=stored.description
    )
    target = storage.evidence_path(file_uuid)
    # A link, not a move: if the transaction rolls back, the draft still has its file and the
    # link is an unreadable orphan that housekeeping removes.
    os.link(stored.path, target)
    evidence.save()
    return evidence


def case_adopt_encrypted(
    *,
    case: Case,
    path: Path,
    file_uuid: str,
    description: dict[str, Any],
    entry: CaseEntry | None = None,
) -> EvidenceFile:
    """Take over a file that was encrypted to the case key while it was being received."""
    evidence = _sealed_evidence(
        case=case, entry=entry, file_uuid=file_uuid, description=description
    )
    os.replace(path, storage.evidence_path(file_uuid))
    return _save_or_forget(evidence)


def case_attach_file(
    *,
    case: Case,
    name: str,
    content: bytes,
    inspection: dict[str, Any],
    metadata_removed: bool = False,
    entry: CaseEntry | None = None,
) -> EvidenceFile:
    """Store a file encrypted to the case key, with its description sealed beside it.

    The digest inside the sealed description ties it to the content, so a stored file cannot be
    swapped for another of the same case without the swap being noticed on reading.
    """
    file_uuid = str(uuid.uuid4())
    evidence = _sealed_evidence(
        case=case,
        entry=entry,
        file_uuid=file_uuid,
        description={
            "name": name,
            "size": len(content),
            "blake2b": hashlib.blake2b(content).hexdigest(),
            "inspection": inspection,
            "metadata_removed": metadata_removed,
        },
    )
    storage.evidence_write(file_uuid, bytes(case.public_key), io.BytesIO(content))
    return _save_or_forget(evidence)


# --- the case workspace: lifecycle, content, need-to-know ---------------------------------------


class CaseChanged(Exception):
    """Someone else changed the case since the actor loaded it (optimistic locking): nothing was
    saved, and the actor should look at the current state and try again."""


class TransitionNotAllowed(Exception):
    """The lifecycle has no step from the case's current status to the one asked for."""

    def __init__(self, current: str, wanted: str) -> None:
        super().__init__(f"{current} → {wanted}")
        self.current = current
        self.wanted = wanted


class ReasonRequired(Exception):
    """Rejecting a case needs a reason, kept encrypted on the timeline."""


class CaseAccessDenied(Exception):
    """The actor's role, or their lack of a grant, does not allow this on this case."""


class GrantRefused(Exception):
    """The case key cannot be given to this member."""

    INACTIVE = "inactive"
    NO_KEY = "no_key"
    NO_PERMISSION = "no_permission"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class NoSuchGrant(Exception):
    """The member holds no grant on this case."""


class AlreadyGranted(Exception):
    """The member asking for access already holds the case key."""


class AccessRequestClosed(Exception):
    """The request was already answered (perhaps by another holder a moment ago)."""


# The lifecycle. MERGED is reached only by merging, WITHDRAWN only by the reporter; neither is a
# step anyone takes from the status form, and neither is left again.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.NEW: frozenset({Status.TRIAGE, Status.REJECTED}),
    Status.TRIAGE: frozenset({Status.ACTIVE, Status.REJECTED}),
    Status.ACTIVE: frozenset(
        {Status.WAITING_REPORTER, Status.WAITING_PARTNER, Status.RESOLVED, Status.REJECTED}
    ),
    Status.WAITING_REPORTER: frozenset({Status.ACTIVE, Status.RESOLVED, Status.REJECTED}),
    Status.WAITING_PARTNER: frozenset({Status.ACTIVE, Status.RESOLVED, Status.REJECTED}),
    # Reopening: a resolved case goes back to work, a rejected one back to triage.
    Status.RESOLVED: frozenset({Status.ACTIVE}),
    Status.REJECTED: frozenset({Status.TRIAGE}),
    Status.MERGED: frozenset(),
    Status.WITHDRAWN: frozenset(),
}
CLOSED_STATUSES = selectors.CLOSED_STATUSES
REASON_REQUIRED: frozenset[Status] = frozenset({Status.REJECTED})
MAX_TAGS = 20
MAX_TAG_LENGTH = 40


def allowed_transitions(status: Status | str) -> frozenset[Status]:
    return TRANSITIONS[Status(status)]


def _holds_grant(*, case: Case, member: StaffMember) -> bool:
    return (
        member.is_active
        and member.has_permission(Permission.CASE_WORK)
        and CaseGrant.objects.filter(case=case, member=member).exists()
    )


def _require_holder(*, case: Case, actor: StaffMember) -> None:
    if not _holds_grant(case=case, member=actor):
        raise CaseAccessDenied(case.reference)


def _require_manager(*, case: Case, actor: StaffMember) -> None:
    """Plaintext metadata (status, due date) is changed by triage or by someone on the case."""
    if actor.has_permission(Permission.CASE_TRIAGE):
        return
    _require_holder(case=case, actor=actor)


def _case_private(*, case: Case, actor: StaffMember, actor_private: bytes) -> bytes:
    """The case private key, opened with the actor's own grant; CaseAccessDenied otherwise."""
    if not _holds_grant(case=case, member=actor):
        raise CaseAccessDenied(case.reference)
    try:
        return selectors.case_keypair_for(actor, case, actor_private).private
    except (selectors.CaseContentLocked, DecryptionFailed, ValueError):
        raise CaseAccessDenied(case.reference) from None


def _advance(*, case: Case, expected_version: int, **changes: Any) -> None:
    """Apply ``changes`` only if the case is still at ``expected_version``, bumping it.

    One conditional UPDATE: of two people saving on the same version, exactly one matches the
    row; the other matches nothing (on PostgreSQL it waits for the first to commit, then sees the
    new version) and gets CaseChanged, so neither update is silently lost.
    """
    if case.version != expected_version:
        raise CaseChanged(case.reference)
    changes["updated_at"] = clock.now()
    updated = Case.objects.filter(pk=case.pk, version=expected_version).update(
        version=F("version") + 1, **changes
    )
    if not updated:
        raise CaseChanged(case.reference)


def case_change_status(
    *,
    case: Case,
    actor: StaffMember,
    status: Status | str,
    expected_version: int,
    reason: str = "",
) -> Case:
    """Move a case along its lifecycle (see TRANSITIONS). Closing stamps ``closed_at``,
    reopening clears it. The step and its reason go on the timeline, encrypted."""
    _require_manager(case=case, actor=actor)
    wanted = Status(status)
    current = Status(case.status)
    if case.version != expected_version:
        raise CaseChanged(case.reference)
    if wanted not in TRANSITIONS[current]:
        raise TransitionNotAllowed(current, wanted)
    reason = reason.strip()
    if wanted in REASON_REQUIRED and not reason:
        raise ReasonRequired(wanted)
    changes: dict[str, Any] = {"status": wanted}
    if wanted in CLOSED_STATUSES:
        changes["closed_at"] = clock.now()
    elif current in CLOSED_STATUSES:
        changes["closed_at"] = None
    with transaction.atomic():
        _advance(case=case, expected_version=expected_version, **changes)
        case_add_entry(
            case=case,
            kind=EntryKind.STATUS_CHANGE,
            content={"from": current.value, "to": wanted.value, "reason": reason},
            author=actor,
        )
        audit_record(
            action=Action.CASE_STATUS,
            actor=actor,
            case_reference=case.reference,
            detail={"from": current.value, "to": wanted.value},
        )
    case.refresh_from_db()
    return case


def case_set_due_date(
    *, case: Case, actor: StaffMember, due_on: date | None, expected_version: int
) -> Case:
    """Set or clear the team's own due date (plaintext: the queue sorts and flags by it)."""
    _require_manager(case=case, actor=actor)
    with transaction.atomic():
        _advance(case=case, expected_version=expected_version, due_on=due_on)
        audit_record(
            action=Action.CASE_UPDATE,
            actor=actor,
            case_reference=case.reference,
            detail={"due_on": due_on.isoformat() if due_on else None},
        )
    case.refresh_from_db()
    return case


def case_set_legal_hold(
    *, case: Case, actor: StaffMember, hold: bool, expected_version: int
) -> Case:
    """Put a case on legal hold (retention will not warn about or purge it) or lift the hold.

    A decision for the coordinators, not for whoever holds the case: it keeps content that would
    otherwise be destroyed, so it is theirs to take and to answer for in the audit log.
    """
    if not actor.has_permission(Permission.CASE_TRIAGE):
        raise CaseAccessDenied(case.reference)
    with transaction.atomic():
        _advance(case=case, expected_version=expected_version, legal_hold=hold)
        audit_record(
            action=Action.LEGAL_HOLD,
            actor=actor,
            case_reference=case.reference,
            detail={"legal_hold": hold},
        )
    case.refresh_from_db()
    return case


def normalise_tags(tags: Sequence[str]) -> list[str]:
    """Trimmed, without blanks or repeats (ignoring case), in the order given."""
    seen: set[str] = set()
    result: list[str] = []
    for tag in tags:
        cleaned = " ".join(tag.split())
        if cleaned and cleaned.casefold() not in seen:
            seen.add(cleaned.casefold())
            result.append(cleaned)
    return result


def case_set_tags(
    *, case: Case, actor: StaffMember, tags: Sequence[str], expected_version: int
) -> Case:
    """Replace the case's tags. Tags describe the content, so they are content: a TAGS entry
    encrypted to the case key (the newest one wins), written only by someone on the case."""
    _require_holder(case=case, actor=actor)
    cleaned = normalise_tags(tags)
    if len(cleaned) > MAX_TAGS or any(len(tag) > MAX_TAG_LENGTH for tag in cleaned):
        raise ValueError("too many or too long tags")
    with transaction.atomic():
        _advance(case=case, expected_version=expected_version)
        case_add_entry(case=case, kind=EntryKind.TAGS, content={"tags": cleaned}, author=actor)
        audit_record(
            action=Action.CASE_UPDATE,
            actor=actor,
            case_reference=case.reference,
            detail={"tags": len(cleaned)},
        )
    case.refresh_from_db()
    return case


def case_add_note(*, case: Case, author: StaffMember, text: str) -> CaseEntry:
    """An internal note: for the team only, never shown to the reporter."""
    _require_holder(case=case, actor=author)
    with transaction.atomic():
        entry = case_add_entry(
            case=case, kind=EntryKind.NOTE, content={"text": text}, author=author
        )
        audit_record(action=Action.CASE_NOTE, actor=author, case_reference=case.reference)
    return entry


@dataclass(frozen=True)
class CaseContent:
    """A case opened for one request: its key pair, decrypted timeline, files and tags."""

    case_pair: keys.KeyPair
    timeline: list[selectors.TimelineEntry]
    files: list[selectors.EvidenceView]
    tags: list[str]


def case_content_open(*, case: Case, actor: StaffMember, actor_private: bytes) -> CaseContent:
    """Decrypt a case for a member holding its key; the reading itself is audited."""
    private = _case_private(case=case, actor=actor, actor_private=actor_private)
    pair = keys.keypair_from_private(private)
    timeline = selectors.timeline_with_key(case, pair)
    files = selectors.case_files(case, pair)
    with transaction.atomic():
        audit_record(action=Action.CASE_READ, actor=actor, case_reference=case.reference)
    return CaseContent(
        case_pair=pair, timeline=timeline, files=files, tags=selectors.current_tags(timeline)
    )


def case_file_open(
    *, case: Case, actor: StaffMember, actor_private: bytes, file_uuid: str
) -> tuple[selectors.EvidenceView, bytes]:
    """One evidence file, decrypted and checked, for a key holder; audited as a file read.

    Raises selectors.CaseNotFound for a file the case does not have and
    selectors.EvidenceCorrupted for one that does not match its sealed description.
    """
    private = _case_private(case=case, actor=actor, actor_private=actor_private)
    view, content = selectors.case_file_content(case, keys.keypair_from_private(private), file_uuid)
    with transaction.atomic():
        audit_record(
            action=Action.FILE_READ,
            actor=actor,
            case_reference=case.reference,
            detail={"file": file_uuid},
        )
    return view, content


def _grant_to(
    *, case: Case, case_private: bytes, member: StaffMember, granted_by: StaffMember
) -> CaseGrant | None:
    """Seal the case key to ``member``; None when they already hold a usable grant."""
    if not member.is_active:
        raise GrantRefused(GrantRefused.INACTIVE)
    if not member.has_permission(Permission.CASE_WORK):
        raise GrantRefused(GrantRefused.NO_PERMISSION)
    staff_key = StaffKey.objects.filter(member=member).first()
    if staff_key is None:
        raise GrantRefused(GrantRefused.NO_KEY)
    existing = CaseGrant.objects.filter(case=case, member=member).first()
    if existing is not None and not existing.needs_recovery:
        return None
    sealed = keys.seal(bytes(staff_key.public_key), case_private)
    grant, _created = CaseGrant.objects.update_or_create(
        case=case,
        member=member,
        defaults={"sealed_private": sealed, "granted_by": granted_by, "needs_recovery": False},
    )
    audit_record(
        action=Action.GRANT,
        actor=granted_by,
        case_reference=case.reference,
        detail={"member": member.username},
    )
    return grant


def case_assign(
    *,
    case: Case,
    actor: StaffMember,
    actor_private: bytes,
    assignee: StaffMember | None,
    expected_version: int,
) -> Case:
    """Make ``assignee`` responsible for the case (None: nobody). Assigning grants the key: the
    actor, who must hold it, re-wraps it for the assignee. Unassigning keeps their grant."""
    if not actor.has_permission(Permission.CASE_ASSIGN):
        raise CaseAccessDenied(case.reference)
    with transaction.atomic():
        if assignee is not None:
            private = _case_private(case=case, actor=actor, actor_private=actor_private)
            _grant_to(case=case, case_private=private, member=assignee, granted_by=actor)
        else:
            _require_holder(case=case, actor=actor)
        _advance(case=case, expected_version=expected_version, assignee=assignee)
        case_add_entry(
            case=case,
            kind=EntryKind.ASSIGNMENT,
            content={"assignee": assignee.username if assignee else ""},
            author=actor,
        )
        audit_record(
            action=Action.CASE_UPDATE,
            actor=actor,
            case_reference=case.reference,
            detail={"assignee": assignee.username if assignee else None},
        )
        if assignee is not None and assignee.pk != actor.pk:
            notify(members=[assignee], kind=Notification.Kind.CASE_ASSIGNED)
    case.refresh_from_db()
    return case


def case_grant(
    *, case: Case, actor: StaffMember, actor_private: bytes, member: StaffMember
) -> CaseGrant | None:
    """Give ``member`` the case key without making them responsible (a second pair of eyes).
    Returns None when they already held it."""
    if not actor.has_permission(Permission.CASE_ASSIGN):
        raise CaseAccessDenied(case.reference)
    private = _case_private(case=case, actor=actor, actor_private=actor_private)
    with transaction.atomic():
        return _grant_to(case=case, case_private=private, member=member, granted_by=actor)


@dataclass(frozen=True)
class Revoked:
    # No staff member holds the key any more: only the escrow trustees (and the reporter) can
    # open the case now. Allowed, because escrow exists, but worth a warning.
    last_holder: bool


def case_revoke(*, case: Case, actor: StaffMember, member: StaffMember) -> Revoked:
    """Delete ``member``'s wrap of the case key. A revoked assignee is unassigned too.

    Their copy is gone from the database; what they read before cannot be taken back, and a
    key rotation (planned) is what protects against a copy they may have kept."""
    if not actor.has_permission(Permission.CASE_ASSIGN):
        raise CaseAccessDenied(case.reference)
    _require_holder(case=case, actor=actor)
    with transaction.atomic():
        deleted, _per_model = CaseGrant.objects.filter(case=case, member=member).delete()
        if not deleted:
            raise NoSuchGrant(member.username)
        Case.objects.filter(pk=case.pk, assignee=member).update(
            assignee=None, version=F("version") + 1, updated_at=clock.now()
        )
        audit_record(
            action=Action.REVOKE,
            actor=actor,
            case_reference=case.reference,
            detail={"member": member.username},
        )
        last = not CaseGrant.objects.filter(case=case).exists()
    case.refresh_from_db()
    return Revoked(last_holder=last)


def access_request_create(*, case: Case, actor: StaffMember) -> AccessRequest:
    """Ask the holders of a case for its key. Asking twice returns the open request."""
    if not selectors.may_request_access(case=case, member=actor):
        raise CaseAccessDenied(case.reference)
    if CaseGrant.objects.filter(case=case, member=actor, needs_recovery=False).exists():
        raise AlreadyGranted(case.reference)
    open_request = AccessRequest.objects.filter(
        case=case, member=actor, decided_at__isnull=True
    ).first()
    if open_request is not None:
        return open_request
    try:
        with transaction.atomic():
            access_request = AccessRequest.objects.create(case=case, member=actor)
            audit_record(action=Action.ACCESS_REQUEST, actor=actor, case_reference=case.reference)
            holders = StaffMember.objects.filter(case_grants__case=case, is_active=True).exclude(
                pk=actor.pk
            )
            notify(members=list(holders), kind=Notification.Kind.ACCESS_REQUESTED)
    except IntegrityError:
        # The same member asked twice at the same moment; the other request stands.
        return AccessRequest.objects.get(case=case, member=actor, decided_at__isnull=True)
    return access_request


def access_request_decide(
    *,
    access_request: AccessRequest,
    actor: StaffMember,
    actor_private: bytes,
    approve: bool,
) -> AccessRequest:
    """A holder answers a request: approving re-wraps the case key for the member who asked."""
    case = access_request.case
    if access_request.decided_at is not None:
        raise AccessRequestClosed(access_request.pk)
    if approve:
        private = _case_private(case=case, actor=actor, actor_private=actor_private)
    else:
        _require_holder(case=case, actor=actor)
    now: datetime = clock.now()
    with transaction.atomic():
        answered = AccessRequest.objects.filter(
            pk=access_request.pk, decided_at__isnull=True
        ).update(decided_at=now, decided_by=actor, approved=approve)
        if not answered:
            raise AccessRequestClosed(access_request.pk)
        if approve:
            _grant_to(
                case=case, case_private=private, member=access_request.member, granted_by=actor
            )
        audit_record(
            action=Action.ACCESS_DECISION,
            actor=actor,
            case_reference=case.reference,
            detail={"member": access_request.member.username, "approved": approve},
        )
        notify(members=[access_request.member], kind=Notification.Kind.ACCESS_ANSWERED)
    access_request.refresh_from_db()
    return access_request
