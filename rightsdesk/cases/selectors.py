"""Reads of cases, always scoped to the member asking."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from rightsdesk.accounts.models import StaffMember
from rightsdesk.accounts.permissions import Permission
from rightsdesk.cases import storage
from rightsdesk.cases.contexts import entry_context, file_context, receipt_lookup
from rightsdesk.cases.models import Case, CaseGrant, EntryKind, EvidenceFile
from rightsdesk.crypto import envelope, keys
from rightsdesk.crypto.errors import DecryptionFailed


class CaseNotFound(Exception):
    """No such case for this member. Views answer 404 whether it exists or not."""


class CaseContentLocked(Exception):
    """The member may see the case in the queue but holds no key to its content."""


@dataclass(frozen=True)
class TimelineEntry:
    kind: EntryKind
    created_at: datetime
    author: str
    content: dict[str, Any]


def cases_visible_to(member: StaffMember) -> QuerySet[Case]:
    """Coordinators see every case's plaintext metadata; others only cases granted to them."""
    if member.has_permission(Permission.CASE_LIST):
        return Case.objects.all()
    if member.has_permission(Permission.CASE_WORK):
        return Case.objects.filter(grants__member=member)
    return Case.objects.none()


def case_for(member: StaffMember, reference: str) -> Case:
    case = cases_visible_to(member).filter(reference=reference).first()
    if case is None:
        raise CaseNotFound(reference)
    return case


def case_keypair_for(member: StaffMember, case: Case, member_private: bytes) -> keys.KeyPair:
    grant = CaseGrant.objects.filter(case=case, member=member, member__is_active=True).first()
    if grant is None:
        raise CaseContentLocked(case.reference)
    member_pair = keys.keypair_from_private(member_private)
    return keys.keypair_from_private(keys.unseal(member_pair, bytes(grant.sealed_private)))


def case_timeline(member: StaffMember, case: Case, member_private: bytes) -> list[TimelineEntry]:
    """The decrypted timeline; decrypted in memory only, for this request."""
    return timeline_with_key(case, case_keypair_for(member, case, member_private))


def timeline_with_key(
    case: Case, case_pair: keys.KeyPair, *, kinds: frozenset[EntryKind] | None = None
) -> list[TimelineEntry]:
    """Decrypt a case's entries (optionally only some kinds) with the case key pair."""
    entries = case.entries.select_related("author")
    if kinds is not None:
        entries = entries.filter(kind__in=kinds)
    timeline = []
    for entry in entries:
        plaintext = envelope.decrypt_with(
            case_pair,
            bytes(entry.ciphertext),
            context=entry_context(case.reference, str(entry.uuid)),
        )
        timeline.append(
            TimelineEntry(
                kind=EntryKind(entry.kind),
                created_at=entry.created_at,
                author=str(entry.author) if entry.author else "",
                content=json.loads(plaintext),
            )
        )
    return timeline


def case_exists_for_receipt(receipt: str) -> bool:
    return Case.objects.filter(receipt_lookup=receipt_lookup(receipt)).exists()


def case_for_receipt(receipt: str) -> Case | None:
    return Case.objects.filter(receipt_lookup=receipt_lookup(receipt)).first()


def case_by_id(case_id: int) -> Case | None:
    """For the reporter side, which holds a case id inside its own encrypted session."""
    return Case.objects.filter(pk=case_id).first()


class EvidenceCorrupted(Exception):
    """A stored file does not match its sealed description (altered, swapped or cut short)."""


@dataclass(frozen=True)
class EvidenceView:
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


def _described(evidence: EvidenceFile, case_pair: keys.KeyPair) -> tuple[EvidenceView, str]:
    """A file's sealed description, opened: what to show, and the digest of its content."""
    description = json.loads(
        envelope.decrypt_with(
            case_pair, bytes(evidence.sealed_meta), context=file_context(str(evidence.uuid))
        )
    )
    inspection = description.get("inspection") or {}
    view = EvidenceView(
        uuid=str(evidence.uuid),
        created_at=evidence.created_at,
        name=str(description.get("name", "")),
        size=int(description.get("size", 0)),
        content_type=inspection.get("content_type"),
        inspected=bool(inspection.get("inspected")),
        problem=str(inspection.get("problem", "")),
        metadata=dict(inspection.get("metadata") or {}),
        has_location=bool(inspection.get("has_location")),
        metadata_removed=bool(description.get("metadata_removed")),
    )
    return view, str(description.get("blake2b", ""))


def case_files(case: Case, case_pair: keys.KeyPair) -> list[EvidenceView]:
    return [_described(evidence, case_pair)[0] for evidence in case.files.all()]


def case_file_content(
    case: Case, case_pair: keys.KeyPair, file_uuid: str
) -> tuple[EvidenceView, bytes]:
    """A file's description and decrypted content, checked against the sealed digest."""
    evidence = case.files.filter(uuid=file_uuid).first()
    if evidence is None:
        raise CaseNotFound(file_uuid)
    view, digest = _described(evidence, case_pair)
    try:
        content = storage.evidence_read(file_uuid, case_pair)
    except (DecryptionFailed, FileNotFoundError):
        raise EvidenceCorrupted(file_uuid) from None
    if hashlib.blake2b(content).hexdigest() != digest:
        raise EvidenceCorrupted(file_uuid)
    return view, content
