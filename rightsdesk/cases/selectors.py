"""Reads of cases, always scoped to the member asking."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from rightsdesk.accounts.models import StaffMember
from rightsdesk.accounts.permissions import Permission
from rightsdesk.cases.contexts import entry_context, receipt_lookup
from rightsdesk.cases.models import Case, CaseGrant, EntryKind
from rightsdesk.crypto import envelope, keys


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
