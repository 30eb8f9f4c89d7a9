"""Retention: finished cases are crypto-shredded a while after they close.

A resolved, rejected or merged case is purged ``RETENTION_DAYS`` after ``closed_at``. The member
holding it (its assignee, or the coordinators when nobody is assigned) is warned
``RETENTION_WARNING_DAYS`` before, once; a case is never purged before that warning is that old,
so a worker that was stopped for a while delays purges instead of skipping the warning. A legal
hold pauses both. A withdrawn case is shredded when it is withdrawn (``case_withdraw``); should
one still hold anything readable, retention shreds it at its next run.

Purging is crypto-shredding (:func:`case_shred`): every wrap of the case key, every ciphertext
and every evidence file is deleted, so nobody, not even with the escrow shares, can read the case
again. The plaintext metadata row stays for aggregate figures, marked ``purged_at``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet

from rightsdesk.accounts.models import Notification, StaffMember
from rightsdesk.accounts.permissions import Role
from rightsdesk.audit.models import Action
from rightsdesk.audit.services import audit_record
from rightsdesk.cases import storage
from rightsdesk.cases.models import (
    AccessRequest,
    Case,
    CaseEntry,
    CaseGrant,
    EvidenceFile,
    Status,
)
from rightsdesk.core import clock
from rightsdesk.notifications.services import notify

log = logging.getLogger("rightsdesk.retention")

# Finished cases kept for RETENTION_DAYS after they closed.
RETAINED_STATUSES = (Status.RESOLVED, Status.REJECTED, Status.MERGED)

# The worker looks a few times a day: purges are due by the day, not by the minute.
RETENTION_RUN_SECONDS = 6 * 60 * 60
_run_due = clock.Every(RETENTION_RUN_SECONDS)


def case_shred(*, case: Case, at: datetime, status: Status | None = None) -> None:
    """Crypto-shred a case: delete every wrap of its key (grants, escrow, reporter), every entry,
    every evidence row and file, and every access request; forget the receipt's look-up id.

    Only the plaintext metadata row remains, with ``purged_at`` set (and ``status``, if given).
    The public key stays: it reveals nothing and opens nothing. Files are deleted after the rows,
    so a failure half-way leaves either the whole case or rows that no longer name the files.
    """
    with transaction.atomic():
        files = EvidenceFile.objects.filter(case=case)
        stored = [str(value) for value in files.values_list("uuid", flat=True)]
        files.delete()
        CaseEntry.objects.filter(case=case).delete()
        CaseGrant.objects.filter(case=case).delete()
        AccessRequest.objects.filter(case=case).delete()
        changes: dict[str, object] = {
            "reporter_wrap": None,
            "escrow_wrap": b"",
            "search_digest": None,
            "receipt_lookup": None,
            "purged_at": at,
            "version": F("version") + 1,
        }
        if status is not None:
            changes["status"] = status
        Case.objects.filter(pk=case.pk).update(**changes)
    for file_uuid in stored:
        storage.evidence_delete(file_uuid)


@dataclass
class RetentionReport:
    """References warned and purged (or, in a dry run, that would be). Nothing else."""

    dry_run: bool
    warned: list[str] = field(default_factory=list)
    purged: list[str] = field(default_factory=list)


def _unheld() -> QuerySet[Case]:
    return Case.objects.filter(legal_hold=False, purged_at__isnull=True)


def _due_for_warning(now: datetime) -> QuerySet[Case]:
    warn_from = now - timedelta(days=settings.RETENTION_DAYS - settings.RETENTION_WARNING_DAYS)
    # A warning given before the case last closed (it was reopened since) does not count.
    return _unheld().filter(
        Q(purge_warned_at__isnull=True) | Q(purge_warned_at__lt=F("closed_at")),
        status__in=RETAINED_STATUSES,
        closed_at__lte=warn_from,
    )


def _holds_anything(case: OuterRef) -> Q:
    return (
        Exists(CaseEntry.objects.filter(case=case))
        | Exists(EvidenceFile.objects.filter(case=case))
        | Exists(CaseGrant.objects.filter(case=case))
        | Exists(AccessRequest.objects.filter(case=case))
        | Q(reporter_wrap__isnull=False)
        | Q(receipt_lookup__isnull=False)
        | ~Q(escrow_wrap=b"")
    )


def _due_for_purge(now: datetime) -> QuerySet[Case]:
    expired = Q(
        status__in=RETAINED_STATUSES,
        closed_at__lte=now - timedelta(days=settings.RETENTION_DAYS),
        purge_warned_at__gte=F("closed_at"),
        purge_warned_at__lte=now - timedelta(days=settings.RETENTION_WARNING_DAYS),
    )
    withdrawn = Q(status=Status.WITHDRAWN) & _holds_anything(OuterRef("pk"))
    return _unheld().filter(expired | withdrawn)


def _locked(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Lock the rows, passing over any another worker holds (see ``sla._locked`` for SQLite)."""
    if connection.features.has_select_for_update_skip_locked:
        return cases.select_for_update(skip_locked=True, of=("self",))
    return cases


def _holders(case: Case) -> list[StaffMember]:
    assignee = case.assignee
    if assignee is not None and assignee.is_active:
        return [assignee]
    return list(StaffMember.objects.filter(role=Role.COORDINATOR, is_active=True))


def _warn(*, case_id: int, now: datetime) -> str | None:
    with transaction.atomic():
        # The conditions are checked again under the lock: a hold set since the listing wins.
        case = _locked(_due_for_warning(now).filter(pk=case_id)).select_related("assignee").first()
        if case is None:
            return None
        Case.objects.filter(pk=case.pk).update(purge_warned_at=now)
        notify(members=_holders(case), kind=Notification.Kind.RETENTION_WARNING)
        audit_record(
            action=Action.RETENTION_WARNING,
            case_reference=case.reference,
            detail={"purge_after_days": settings.RETENTION_WARNING_DAYS},
        )
    return case.reference


def _purge(*, case_id: int, now: datetime) -> str | None:
    with transaction.atomic():
        case = _locked(_due_for_purge(now).filter(pk=case_id)).first()
        if case is None:
            return None
        audit_record(
            action=Action.PURGE, case_reference=case.reference, detail={"status": case.status}
        )
        # Last, because it deletes the files: nothing after it can fail and keep the rows.
        case_shred(case=case, at=now)
    return case.reference


def _references(cases: QuerySet[Case]) -> list[str]:
    return list(cases.order_by("closed_at", "pk").values_list("reference", flat=True))


def _ids(cases: QuerySet[Case]) -> list[int]:
    return list(cases.order_by("closed_at", "pk").values_list("pk", flat=True))


def retention_run(*, now: datetime | None = None, dry_run: bool = False) -> RetentionReport:
    """Warn of coming purges, then purge what is due. A dry run only lists what it would do."""
    moment = now or clock.now()
    report = RetentionReport(dry_run=dry_run)
    if dry_run:
        report.warned = _references(_due_for_warning(moment))
        report.purged = _references(_due_for_purge(moment))
        return report
    for case_id in _ids(_due_for_warning(moment)):
        reference = _warn(case_id=case_id, now=moment)
        if reference is not None:
            report.warned.append(reference)
    # Listed after the warnings, so that with RETENTION_WARNING_DAYS=0 one run does both.
    for case_id in _ids(_due_for_purge(moment)):
        reference = _purge(case_id=case_id, now=moment)
        if reference is not None:
            report.purged.append(reference)
    if report.warned or report.purged:
        log.info("retention: %d case(s) warned, %d purged", len(report.warned), len(report.purged))
    return report


def retention_run_when_due() -> RetentionReport | None:
    """The worker's maintenance job: :func:`retention_run`, a few times a day."""
    if not _run_due.due():
        return None
    return retention_run()
