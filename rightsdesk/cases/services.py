"""Every change to cases goes through these functions; each owns its transaction."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import secrets
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F

from rightsdesk.accounts.models import OrganisationEscrow, StaffKey, StaffMember
from rightsdesk.accounts.permissions import Role
from rightsdesk.cases import storage
from rightsdesk.cases.contexts import entry_context, file_context, receipt_lookup
from rightsdesk.cases.models import (
    Case,
    CaseEntry,
    CaseGrant,
    Category,
    EntryKind,
    EvidenceFile,
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
    stored = [str(value) for value in case.files.values_list("uuid", flat=True)]
    with transaction.atomic():
        case.files.all().delete()
        case.entries.all().delete()
        case.grants.all().delete()
        Case.objects.filter(pk=case.pk).update(
            status=Status.WITHDRAWN,
            reporter_wrap=None,
            escrow_wrap=b"",
            receipt_lookup=None,
            version=F("version") + 1,
        )
    for file_uuid in stored:
        storage.evidence_delete(file_uuid)
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
