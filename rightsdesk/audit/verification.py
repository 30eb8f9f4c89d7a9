"""Checking the audit log's chain, end to end, in constant memory.

The walk goes through the entries in sequence order, a batch at a time (keyset pagination, so no
cursor or transaction is held open while millions of rows are read), and stops at the first entry
that is not what the chain says it should be. It reads the head before the walk and checks only
the entries up to it, so that entries appended while it runs are neither reported as faults nor
hidden: the next run checks them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import models
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from rightsdesk.audit.chain import GENESIS, entry_digest
from rightsdesk.audit.models import AuditEntry, AuditHead
from rightsdesk.audit.services import audit_key

BATCH_SIZE = 2000

_FIELDS = ("sequence", "at", "actor", "action", "case_reference", "detail", "previous_hash")
_Row = tuple[int, datetime, str, str, str, dict[str, Any], str, str]


class ChainFault(models.TextChoices):
    EDITED = "edited", _("edited: its content no longer matches its hash")
    MISSING = "missing", _("missing: the entry was deleted")
    REORDERED = "reordered", _("reordered: it does not follow the entry before it")
    HEAD_MISMATCH = (
        "head_mismatch",
        _("head mismatch: the log's head does not match its newest entry"),
    )


@dataclass(frozen=True)
class VerificationResult:
    """What a walk of the chain found. ``fault`` and ``fault_sequence`` name the first bad entry."""

    entries_checked: int
    head_sequence: int
    head_hash: str
    fault: ChainFault | None = None
    fault_sequence: int | None = None

    @property
    def intact(self) -> bool:
        return self.fault is None

    def summary(self) -> str:
        """One line for the command line, in the active language."""
        if self.fault is None:
            return (
                f"audit chain intact: {self.entries_checked} entries checked, "
                f"head #{self.head_sequence} {self.head_hash or GENESIS}"
            )
        return (
            f"audit chain broken at entry #{self.fault_sequence}: {self.fault.label} "
            f"({self.entries_checked} entries intact)"
        )


def _rows(up_to: int) -> Iterator[_Row]:
    """Entries 1..up_to in sequence order, BATCH_SIZE rows in memory at a time."""
    after = 0
    while True:
        batch = list(
            AuditEntry.objects.filter(sequence__gt=after, sequence__lte=up_to)
            .order_by("sequence")
            .values_list(*_FIELDS, "entry_hash")[:BATCH_SIZE]
        )
        if not batch:
            return
        yield from batch
        after = batch[-1][0]


def _digest(row: _Row, key: bytes) -> str:
    sequence, at, actor, action, case_reference, detail, previous_hash, _entry_hash = row
    return entry_digest(
        key,
        sequence=sequence,
        at=at,
        actor=actor,
        action=action,
        case_reference=case_reference,
        detail=detail,
        previous_hash=previous_hash,
    )


def _read_head() -> tuple[int, str]:
    head = AuditHead.objects.filter(pk=1).values_list("sequence", "entry_hash").first()
    return head if head is not None else (0, "")


def audit_verify() -> VerificationResult:
    """Walk the whole chain and report the first entry that was edited, deleted or moved, or a
    head that no longer matches the newest entry (the end of the log was cut off or added to)."""
    key = audit_key()
    head_sequence, head_hash = _read_head()
    expected_sequence = 1
    previous_hash = GENESIS
    checked = 0

    def broken(fault: ChainFault, sequence: int) -> VerificationResult:
        return VerificationResult(checked, head_sequence, head_hash, fault, sequence)

    for row in _rows(head_sequence):
        sequence, row_previous, entry_hash = row[0], row[6], row[7]
        if sequence != expected_sequence:
            # Sequences are unique and read in order, so a jump means entries are gone.
            return broken(ChainFault.MISSING, expected_sequence)
        if row_previous != previous_hash:
            # An entry that names another existing entry as its predecessor was moved; one that
            # names an entry no longer in the log lost its predecessor (deleted, then renumbered).
            moved = AuditEntry.objects.filter(entry_hash=row_previous).exists()
            return broken(ChainFault.REORDERED if moved else ChainFault.MISSING, sequence)
        if _digest(row, key) != entry_hash:
            return broken(ChainFault.EDITED, sequence)
        previous_hash = entry_hash
        checked += 1
        expected_sequence += 1

    if checked != head_sequence:
        # The head names entries beyond the last one left: the newest were deleted.
        return broken(ChainFault.HEAD_MISMATCH, checked + 1)
    if previous_hash != (head_hash or GENESIS):
        return broken(ChainFault.HEAD_MISMATCH, head_sequence)
    # Entries beyond the head: either appended since the head was read (then the head has moved
    # past them by now), or written without moving the head, which only tampering does. The
    # newest entry is read before the head, so an entry appended in between cannot be mistaken.
    newest = AuditEntry.objects.aggregate(newest=Max("sequence"))["newest"] or 0
    if newest > head_sequence and _read_head()[0] < newest:
        return broken(ChainFault.HEAD_MISMATCH, head_sequence + 1)
    return VerificationResult(checked, head_sequence, head_hash)
