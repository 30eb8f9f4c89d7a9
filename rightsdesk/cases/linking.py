"""Related cases: links between two cases, and merging a duplicate into the case it repeats.

A link is plaintext metadata (two references that belong together) and needs only that the
member may see both cases. A merge moves content, so it needs both case keys: the duplicate's
entries and files are decrypted and encrypted again to the target case's key, then the
duplicate is shredded (its ciphertexts, files and grants deleted) and left as a closed row that
points to the target. Keeping a second encrypted copy would only add a place where the content
could leak from, with nobody left to read it.
"""

from __future__ import annotations

import hashlib
import io
import json
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from rightsdesk.accounts.models import StaffMember
from rightsdesk.audit.models import Action
from rightsdesk.audit.services import audit_record
from rightsdesk.cases import selectors, storage
from rightsdesk.cases.contexts import entry_context, file_context
from rightsdesk.cases.models import (
    AccessRequest,
    Case,
    CaseEntry,
    CaseLink,
    EntryKind,
    EvidenceFile,
    Status,
)
from rightsdesk.cases.services import case_add_entry
from rightsdesk.crypto import envelope, keys
from rightsdesk.crypto.errors import DecryptionFailed

# A case in one of these states has no content left to merge, or was merged already.
CLOSED_FOR_MERGE = frozenset({Status.MERGED, Status.WITHDRAWN})


class SameCase(Exception):
    """A case cannot be linked to, or merged into, itself."""


class AlreadyLinked(Exception):
    pass


class NotLinked(Exception):
    pass


class CaseClosedForMerge(Exception):
    """One of the two cases was merged already, withdrawn or purged: nothing can move."""


@dataclass(frozen=True)
class MergeResult:
    into: Case
    entries: int
    files: int


def normalise_reference(typed: str) -> str:
    """A reference as stored: people paste them with spaces around or type them in lower case."""
    return typed.strip().upper()


def _visible(actor: StaffMember, case: Case) -> None:
    if not selectors.cases_visible_to(actor).filter(pk=case.pk).exists():
        raise selectors.CaseNotFound(case.reference)


def _other(actor: StaffMember, case: Case, other_reference: str) -> Case:
    _visible(actor, case)
    other = selectors.case_for(actor, normalise_reference(other_reference))
    if other.pk == case.pk:
        raise SameCase(case.reference)
    return other


def _pair_filter(first: Case, second: Case) -> Q:
    low, high = sorted((first.pk, second.pk))
    return Q(from_case_id=low, to_case_id=high)


def linked_cases(member: StaffMember, case: Case) -> list[Case]:
    """The cases linked to ``case`` that ``member`` may see, oldest link first. A link to a case
    they may not see is left out, so the list does not reveal that case's reference."""
    links = CaseLink.objects.filter(Q(from_case=case) | Q(to_case=case)).order_by("created_at")
    other_ids = [
        link.to_case_id if link.from_case_id == case.pk else link.from_case_id for link in links
    ]
    visible = {
        other.pk: other for other in selectors.cases_visible_to(member).filter(pk__in=other_ids)
    }
    return [visible[other_id] for other_id in other_ids if other_id in visible]


def case_link(*, actor: StaffMember, case: Case, other_reference: str) -> CaseLink:
    """Record that two cases belong together (same attacker, same event). Both must be visible
    to the actor; the pair is stored once, lower id first."""
    other = _other(actor, case, other_reference)
    low, high = sorted((case, other), key=lambda item: item.pk)
    with transaction.atomic():
        if CaseLink.objects.filter(_pair_filter(case, other)).exists():
            raise AlreadyLinked(other.reference)
        link = CaseLink.objects.create(from_case=low, to_case=high, created_by=actor)
        audit_record(
            action=Action.CASE_LINK,
            actor=actor,
            case_reference=case.reference,
            detail={"other": other.reference},
        )
    return link


def case_unlink(*, actor: StaffMember, case: Case, other_reference: str) -> None:
    other = _other(actor, case, other_reference)
    with transaction.atomic():
        removed, _by_model = CaseLink.objects.filter(_pair_filter(case, other)).delete()
        if not removed:
            raise NotLinked(other.reference)
        audit_record(
            action=Action.CASE_LINK,
            actor=actor,
            case_reference=case.reference,
            detail={"other": other.reference, "removed": True},
        )


def _check_open(case: Case) -> None:
    if case.status in CLOSED_FOR_MERGE or case.purged_at is not None:
        raise CaseClosedForMerge(case.reference)


def _opened(pair: keys.KeyPair, blob: bytes, context: bytes) -> dict[str, Any]:
    content: dict[str, Any] = json.loads(envelope.decrypt_with(pair, blob, context=context))
    return content


def _file_content(evidence: EvidenceFile, pair: keys.KeyPair) -> tuple[dict[str, Any], bytes]:
    """A file's full description and content, checked against the digest sealed with it."""
    file_uuid = str(evidence.uuid)
    description = _opened(pair, bytes(evidence.sealed_meta), file_context(file_uuid))
    try:
        content = storage.evidence_read(file_uuid, pair)
    except (DecryptionFailed, FileNotFoundError):
        raise selectors.EvidenceCorrupted(file_uuid) from None
    if hashlib.blake2b(content).hexdigest() != description.get("blake2b"):
        raise selectors.EvidenceCorrupted(file_uuid)
    return description, content


def case_merge(
    *, actor: StaffMember, duplicate: Case, into: Case, actor_private: bytes
) -> MergeResult:
    """Move everything in ``duplicate`` into ``into`` and close the duplicate as merged.

    The actor must hold the keys of both cases. On the target, a MERGE entry names the
    duplicate's reference; each of the duplicate's entries follows as a new entry of the same
    kind and author, its original time in its content (``original_created_at``). Files are
    decrypted and encrypted again to the target's key, under new names. Links of the duplicate
    move to the target, and a legal hold on the duplicate carries over, so a merge cannot be
    used to escape one. The duplicate keeps its metadata, its receipt look-up and its escrow
    and reporter wraps, so that a returning reporter is still recognised; its content and
    grants are deleted.

    Database changes are one transaction. New files are written before it commits and removed
    if it fails; the duplicate's files are removed once it has committed.

    Raises ``SameCase``, ``CaseClosedForMerge``, ``selectors.CaseNotFound``,
    ``selectors.CaseContentLocked`` and ``selectors.EvidenceCorrupted`` (nothing is merged when a
    file cannot be copied whole).
    """
    if duplicate.pk == into.pk:
        raise SameCase(duplicate.reference)
    for case in (duplicate, into):
        _visible(actor, case)
        _check_open(case)
    duplicate_pair = selectors.case_keypair_for(actor, duplicate, actor_private)
    # Holding the target's key is what makes the actor someone who may add to it wholesale.
    selectors.case_keypair_for(actor, into, actor_private)

    written: list[str] = []
    old_files: list[str] = []
    try:
        with transaction.atomic():
            locked = {
                case.pk: case
                for case in Case.objects.select_for_update()
                .filter(pk__in=[duplicate.pk, into.pk])
                .order_by("pk")
            }
            for case in locked.values():
                _check_open(case)
            duplicate = locked[duplicate.pk]
            into = locked[into.pk]
            entries = list(duplicate.entries.select_related("author"))
            files = list(duplicate.files.all())
            old_files = [str(evidence.uuid) for evidence in files]
            case_add_entry(
                case=into,
                kind=EntryKind.MERGE,
                content={
                    "merged_from": duplicate.reference,
                    "entries": len(entries),
                    "files": len(files),
                },
                author=actor,
            )
            copies: dict[int, CaseEntry] = {}
            for entry in entries:
                content = _opened(
                    duplicate_pair,
                    bytes(entry.ciphertext),
                    entry_context(duplicate.reference, str(entry.uuid)),
                )
                copies[entry.pk] = case_add_entry(
                    case=into,
                    kind=EntryKind(entry.kind),
                    content={
                        **content,
                        "merged_from": duplicate.reference,
                        "original_created_at": entry.created_at.isoformat(),
                    },
                    author=entry.author,
                )
            for evidence in files:
                description, data = _file_content(evidence, duplicate_pair)
                file_uuid = str(uuid.uuid4())
                written.append(file_uuid)
                storage.evidence_write(file_uuid, bytes(into.public_key), io.BytesIO(data))
                EvidenceFile.objects.create(
                    uuid=file_uuid,
                    case=into,
                    entry=copies.get(evidence.entry_id) if evidence.entry_id else None,
                    sealed_meta=envelope.encrypt_to(
                        bytes(into.public_key),
                        json.dumps(description, ensure_ascii=False).encode("utf-8"),
                        context=file_context(file_uuid),
                    ),
                )
            _move_links(duplicate=duplicate, into=into, actor=actor)
            now = timezone.now()
            duplicate.files.all().delete()
            duplicate.entries.all().delete()
            duplicate.grants.all().delete()
            AccessRequest.objects.filter(case=duplicate, decided_at__isnull=True).delete()
            Case.objects.filter(pk=duplicate.pk).update(
                status=Status.MERGED,
                merged_into=into,
                search_digest=None,
                closed_at=now,
                updated_at=now,
                version=F("version") + 1,
            )
            Case.objects.filter(pk=into.pk).update(
                updated_at=now,
                version=F("version") + 1,
                legal_hold=into.legal_hold or duplicate.legal_hold,
            )
            detail = {"entries": len(entries), "files": len(files)}
            audit_record(
                action=Action.CASE_MERGE,
                actor=actor,
                case_reference=duplicate.reference,
                detail={**detail, "into": into.reference},
            )
            audit_record(
                action=Action.CASE_MERGE,
                actor=actor,
                case_reference=into.reference,
                detail={**detail, "merged_from": duplicate.reference},
            )
    except BaseException:
        for file_uuid in written:
            storage.evidence_delete(file_uuid)
        raise
    for file_uuid in old_files:
        storage.evidence_delete(file_uuid)
    into.refresh_from_db()
    return MergeResult(into=into, entries=len(entries), files=len(files))


def _move_links(*, duplicate: Case, into: Case, actor: StaffMember) -> None:
    """Whatever the duplicate was linked to, the target is now linked to."""
    links = CaseLink.objects.filter(Q(from_case=duplicate) | Q(to_case=duplicate))
    for link in links:
        other_id = link.to_case_id if link.from_case_id == duplicate.pk else link.from_case_id
        if other_id == into.pk:
            continue
        low, high = sorted((other_id, into.pk))
        CaseLink.objects.get_or_create(
            from_case_id=low, to_case_id=high, defaults={"created_by": actor}
        )
    links.delete()
