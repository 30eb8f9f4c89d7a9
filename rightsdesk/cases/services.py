"""Every change to cases goes through these functions; each owns its transaction."""

from __future__ import annotations

import json
import logging
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F

from rightsdesk.accounts.models import OrganisationEscrow, StaffKey, StaffMember
from rightsdesk.accounts.permissions import Role
from rightsdesk.cases.contexts import entry_context, receipt_lookup
from rightsdesk.cases.models import (
    Case,
    CaseEntry,
    CaseGrant,
    Category,
    EntryKind,
    Status,
    Urgency,
)
from rightsdesk.cases.tasks import notify_new_case, notify_reporter_replied
from rightsdesk.crypto import envelope, keys, passwords, receipts

security_log = logging.getLogger("rightsdesk.security")

REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


class EscrowMissing(Exception):
    """No organisation escrow key: a case created now could be lost with a password."""


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
) -> CaseCreated:
    """Open a case from a report: a new key pair, wrapped for the escrow key, the reporter's
    receipt and every active coordinator; the report encrypted to it. All or nothing."""
    escrow = OrganisationEscrow.objects.first()
    if escrow is None:
        raise EscrowMissing
    pair = keys.generate_keypair()
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
        )
        CaseGrant.objects.bulk_create(
            CaseGrant(
                case=case,
                member=key.member,
                sealed_private=keys.seal(bytes(key.public_key), pair.private),
            )
            for key in _coordinator_keys()
        )
        case_add_entry(case=case, kind=EntryKind.REPORT, content=report)
        case_id = case.pk
        transaction.on_commit(lambda: notify_new_case.enqueue(case_id=case_id))
    security_log.info("case %s created", case.reference)
    return CaseCreated(case=case, receipt=receipt)


def case_withdraw(*, case: Case) -> None:
    """The reporter withdrew the report: crypto-shred it. Every wrap of the case key and every
    ciphertext is deleted, so nothing about its content can be recovered by anyone; only the
    plaintext metadata row remains, marked withdrawn, for aggregate figures."""
    with transaction.atomic():
        case.entries.all().delete()
        case.grants.all().delete()
        Case.objects.filter(pk=case.pk).update(
            status=Status.WITHDRAWN,
            reporter_wrap=None,
            escrow_wrap=b"",
            receipt_lookup=None,
            version=F("version") + 1,
        )
    security_log.info("case %s withdrawn and shredded", case.reference)


def case_reporter_reply(*, case: Case, text: str) -> CaseEntry:
    """A message from the reporter; a case waiting for them goes back to active."""
    with transaction.atomic():
        entry = case_add_entry(case=case, kind=EntryKind.REPORTER_MESSAGE, content={"text": text})
        Case.objects.filter(pk=case.pk, status=Status.WAITING_REPORTER).update(
            status=Status.ACTIVE, version=F("version") + 1
        )
        case_id = case.pk
        transaction.on_commit(lambda: notify_reporter_replied.enqueue(case_id=case_id))
    return entry


def case_team_reply(*, case: Case, author: StaffMember, text: str) -> CaseEntry:
    """A message from the team to the reporter, shown to them when they come back."""
    return case_add_entry(
        case=case, kind=EntryKind.TEAM_MESSAGE, content={"text": text}, author=author
    )
