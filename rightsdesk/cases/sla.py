"""Response deadlines: when a case must be acknowledged, and who is told when it is not.

Each urgency has a policy (``SLA_MINUTES`` in the settings): minutes after a report arrives by
which the team must first write to the reporter, then when every coordinator is told, then
(optionally) when the on-call lead is told. A case nobody has answered in time climbs a ladder,
one step at a time and each step exactly once:

1. breached: its assignee is told (the coordinators, when nobody is assigned);
2. every active coordinator is told;
3. the on-call lead is told (``ONCALL_LEAD`` members in the app, ``ONCALL_EMAILS`` by mail).

The worker runs :func:`sla_check` about once a minute. Everything here reads and writes only
plaintext metadata (urgency, status and timestamps): escalating never needs the case key, and
the notices say only that a case is past its deadline, never which one or what it is about.
"""

from __future__ import annotations

import logging
import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import IntEnum

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, QuerySet

from rightsdesk.accounts.models import Notification, StaffMember
from rightsdesk.accounts.permissions import Role
from rightsdesk.audit.models import Action
from rightsdesk.audit.services import audit_record
from rightsdesk.cases.models import Case, Status, Urgency
from rightsdesk.core import clock
from rightsdesk.notifications.services import notify

log = logging.getLogger("rightsdesk.sla")

# Cases still waiting on the team. A closed, merged or withdrawn case has no deadline.
OPEN_STATUSES = (
    Status.NEW,
    Status.TRIAGE,
    Status.ACTIVE,
    Status.WAITING_REPORTER,
    Status.WAITING_PARTNER,
)
# Cases whose response and resolution times the statistics count.
FINISHED_STATUSES = (Status.RESOLVED, Status.REJECTED)

SLA_CHECK_SECONDS = 60
_check_due = clock.Every(SLA_CHECK_SECONDS)


class Level(IntEnum):
    """How far up the ladder a case has been escalated (``Case.escalation_level``)."""

    NONE = 0
    BREACHED = 1
    COORDINATORS = 2
    ONCALL = 3


@dataclass(frozen=True)
class SlaPolicy:
    acknowledge: timedelta
    coordinators: timedelta
    oncall: timedelta | None

    def level_at(self, *, acknowledge_by: datetime, now: datetime) -> Level:
        """The step a case deadlined ``acknowledge_by`` should have reached by ``now``.

        The later steps are measured from the deadline, not from the arrival, so that a
        deadline moved (say, because the urgency changed) moves the whole ladder with it.
        """
        late = now - acknowledge_by
        if late <= timedelta(0):
            return Level.NONE
        if self.oncall is not None and late > self.oncall - self.acknowledge:
            return Level.ONCALL
        if late > self.coordinators - self.acknowledge:
            return Level.COORDINATORS
        return Level.BREACHED


def sla_policy(urgency: Urgency | str) -> SlaPolicy:
    minutes = settings.SLA_MINUTES.get(str(urgency)) or settings.SLA_MINUTES[Urgency.NORMAL]
    acknowledge = minutes[0]
    coordinators = minutes[1] if len(minutes) > 1 else acknowledge
    oncall = minutes[2] if len(minutes) > 2 else None
    return SlaPolicy(
        acknowledge=timedelta(minutes=acknowledge),
        coordinators=timedelta(minutes=coordinators),
        oncall=None if oncall is None else timedelta(minutes=oncall),
    )


def acknowledge_deadline(*, urgency: Urgency | str, opened_at: datetime) -> datetime:
    """When the team must first have written to the reporter of a case opened at ``opened_at``."""
    return opened_at + sla_policy(urgency).acknowledge


@dataclass
class SlaReport:
    """What one check did: the references that newly breached, and each escalated case's new
    level. References are plaintext metadata, for the operator's eyes; nothing else is here."""

    breached: list[str] = field(default_factory=list)
    escalated: dict[str, int] = field(default_factory=dict)


def _waiting_cases() -> QuerySet[Case]:
    return Case.objects.filter(
        first_response_at__isnull=True, status__in=OPEN_STATUSES, purged_at__isnull=True
    )


def _locked(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Lock the rows for this transaction, passing over any another worker holds right now.

    SQLite has no row locks; there rightsdesk's transactions take the write lock when they
    start (``transaction_mode=IMMEDIATE``), so two checks run one after the other and the second
    sees the first one's work. The conditional update in :func:`_take_steps` guards both.
    """
    if connection.features.has_select_for_update_skip_locked:
        return cases.select_for_update(skip_locked=True, of=("self",))
    return cases


def _fill_missing_deadlines() -> None:
    """Give a deadline to waiting cases opened before deadlines existed (from their arrival)."""
    for urgency in Urgency:
        _waiting_cases().filter(acknowledge_by__isnull=True, urgency=urgency).update(
            acknowledge_by=F("created_at") + sla_policy(urgency).acknowledge
        )


def _active_coordinators() -> QuerySet[StaffMember]:
    return StaffMember.objects.filter(role=Role.COORDINATOR, is_active=True)


def _told_at(level: Level, case: Case) -> list[StaffMember]:
    """Who is told when a case reaches ``level`` (one of the three steps above NONE)."""
    if level is Level.BREACHED:
        assignee = case.assignee
        if assignee is not None and assignee.is_active:
            return [assignee]
        return list(_active_coordinators())
    if level is Level.COORDINATORS:
        return list(_active_coordinators())
    return list(StaffMember.objects.filter(username__in=settings.ONCALL_LEAD, is_active=True))


def _recipients(case: Case, levels: Iterable[Level]) -> list[StaffMember]:
    """Everyone to tell for the steps reached, each member once even when several are reached
    in one check (after the worker was stopped for a while)."""
    members: dict[int, StaffMember] = {}
    for level in levels:
        for member in _told_at(level, case):
            members.setdefault(member.pk, member)
    return list(members.values())


def _take_steps(*, case: Case, target: Level, now: datetime) -> bool:
    """Climb from the level ``case`` had when it was read up to ``target``: record it, tell the
    people of each step reached, audit it. Returns False, telling nobody, when another check
    has changed the level since (each step is taken, and announced, once)."""
    changes: dict[str, object] = {"escalation_level": int(target)}
    if case.sla_breached_at is None:
        changes["sla_breached_at"] = now
    if not Case.objects.filter(pk=case.pk, escalation_level=case.escalation_level).update(
        **changes
    ):
        return False
    reached = [Level(value) for value in range(case.escalation_level + 1, target + 1)]
    notify(
        members=_recipients(case, reached),
        kind=Notification.Kind.SLA_ESCALATION,
        extra_emails=tuple(settings.ONCALL_EMAILS) if Level.ONCALL in reached else (),
    )
    audit_record(
        action=Action.CASE_UPDATE,
        case_reference=case.reference,
        detail={"sla": "escalated", "escalation_level": int(target)},
    )
    return True


def _escalate(*, case_id: int, now: datetime, report: SlaReport) -> None:
    with transaction.atomic():
        case = _locked(_waiting_cases().filter(pk=case_id)).select_related("assignee").first()
        if case is None or case.acknowledge_by is None:
            return
        target = sla_policy(case.urgency).level_at(acknowledge_by=case.acknowledge_by, now=now)
        if target <= case.escalation_level or not _take_steps(case=case, target=target, now=now):
            return
    if case.sla_breached_at is None:
        report.breached.append(case.reference)
    report.escalated[case.reference] = int(target)


def sla_check(*, now: datetime | None = None) -> SlaReport:
    """Escalate every case past its deadline that the team has not yet answered.

    Idempotent and safe to run in several workers at once: each step is taken once per case.
    """
    moment = now or clock.now()
    _fill_missing_deadlines()
    report = SlaReport()
    overdue = _waiting_cases().filter(acknowledge_by__lt=moment, escalation_level__lt=max(Level))
    for case_id in list(overdue.values_list("pk", flat=True)):
        _escalate(case_id=case_id, now=moment, report=report)
    if report.escalated:
        log.info(
            "%d case(s) escalated, %d newly past their deadline",
            len(report.escalated),
            len(report.breached),
        )
    return report


def sla_check_when_due() -> SlaReport | None:
    """The worker's maintenance job: :func:`sla_check`, at most once a minute."""
    if not _check_due.due():
        return None
    return sla_check()


@dataclass(frozen=True)
class ResponseTimes:
    """How fast the team answered and resolved finished cases of one urgency.

    ``percentile`` values are the nearest-rank percentile asked for (90th by default): that
    share of cases were answered (or resolved) within it. None where no case counts.
    """

    urgency: str
    cases: int
    answered: int
    first_response_median: timedelta | None
    first_response_percentile: timedelta | None
    resolution_median: timedelta | None
    resolution_percentile: timedelta | None


def _median(values: list[float]) -> timedelta | None:
    return timedelta(seconds=statistics.median(values)) if values else None


def _percentile(values: list[float], percent: int) -> timedelta | None:
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(percent / 100 * len(ordered)))
    return timedelta(seconds=ordered[rank - 1])


def sla_statistics(
    *,
    closed_since: datetime | None = None,
    closed_before: datetime | None = None,
    percentile: int = 90,
) -> dict[str, ResponseTimes]:
    """Median and percentile first-response and resolution times per urgency, over resolved and
    rejected cases closed in the period (purged ones too: their timestamps stay)."""
    if not 0 < percentile <= 100:
        raise ValueError("percentile must be between 1 and 100")
    finished = Case.objects.filter(status__in=FINISHED_STATUSES, closed_at__isnull=False)
    if closed_since is not None:
        finished = finished.filter(closed_at__gte=closed_since)
    if closed_before is not None:
        finished = finished.filter(closed_at__lt=closed_before)
    first_responses: dict[str, list[float]] = {urgency: [] for urgency in Urgency}
    resolutions: dict[str, list[float]] = {urgency: [] for urgency in Urgency}
    for urgency, created_at, first_response_at, closed_at in finished.values_list(
        "urgency", "created_at", "first_response_at", "closed_at"
    ):
        if urgency not in resolutions or closed_at is None:
            continue
        resolutions[urgency].append((closed_at - created_at).total_seconds())
        if first_response_at is not None:
            first_responses[urgency].append((first_response_at - created_at).total_seconds())
    return {
        urgency: ResponseTimes(
            urgency=urgency,
            cases=len(resolutions[urgency]),
            answered=len(first_responses[urgency]),
            first_response_median=_median(first_responses[urgency]),
            first_response_percentile=_percentile(first_responses[urgency], percentile),
            resolution_median=_median(resolutions[urgency]),
            resolution_percentile=_percentile(resolutions[urgency], percentile),
        )
        for urgency in Urgency
    }
