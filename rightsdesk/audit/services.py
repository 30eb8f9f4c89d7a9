"""Writing to the audit log. Every service that reads case content or changes who may read it
records an entry here, inside its own transaction, so the record and the act stand or fall
together."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import transaction

from rightsdesk.audit.chain import GENESIS, entry_digest
from rightsdesk.audit.models import Action, AuditEntry, AuditHead


def audit_key() -> bytes:
    return settings.AUDIT_KEY.encode("utf-8")


def _actor_name(actor: object) -> str:
    if actor is None:
        return ""
    if isinstance(actor, str):
        return actor
    return str(getattr(actor, "username", ""))


def audit_record(
    *,
    action: Action,
    actor: object = None,
    case_reference: str = "",
    detail: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEntry:
    """Append one entry. ``detail`` holds only identifiers and plaintext metadata, never content.

    ``actor`` is a staff member, a username, or None for the system (the worker, a reporter).
    """
    detail = detail or {}
    with transaction.atomic():
        head, _created = AuditHead.objects.select_for_update().get_or_create(pk=1)
        entry = AuditEntry(
            sequence=head.sequence + 1,
            at=(at or datetime.now(tz=UTC)).astimezone(UTC),
            actor=_actor_name(actor),
            action=action,
            case_reference=case_reference,
            detail=detail,
            previous_hash=head.entry_hash or GENESIS,
        )
        entry.entry_hash = entry_digest(
            audit_key(),
            sequence=entry.sequence,
            at=entry.at,
            actor=entry.actor,
            action=entry.action,
            case_reference=entry.case_reference,
            detail=entry.detail,
            previous_hash=entry.previous_hash,
        )
        entry.save()
        head.sequence = entry.sequence
        head.entry_hash = entry.entry_hash
        head.save(update_fields=["sequence", "entry_hash"])
    return entry
