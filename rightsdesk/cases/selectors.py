"""Reads of cases, always scoped to the member asking."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet, Value

from rightsdesk.accounts.models import StaffMember
from rightsdesk.accounts.permissions import ROLE_PERMISSIONS, Permission
from rightsdesk.cases import storage
from rightsdesk.cases.contexts import entry_context, file_context, receipt_lookup
from rightsdesk.cases.models import (
    AccessRequest,
    Case,
    CaseGrant,
    CaseLink,
    Category,
    EntryKind,
    EvidenceFile,
    Status,
    Urgency,
)
from rightsdesk.core import clock
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


# --- the queue ----------------------------------------------------------------------------------

CLOSED_STATUSES: frozenset[Status] = frozenset(
    {Status.RESOLVED, Status.REJECTED, Status.MERGED, Status.WITHDRAWN}
)
# Django computes ``Status.values`` afresh each time; the queue asks thousands of times a page.
STATUS_VALUES: frozenset[str] = frozenset(Status.values)
OPEN = "open"
CLOSED = "closed"
ALL = "all"
QUEUE_PAGE_SIZE = 50
# The queue's order: most urgent first, then oldest first (it has waited longest). The urgency
# values sort alphabetically in exactly that order (critical < high < normal), so the database
# can sort on the plain column and use the (status, urgency, created_at) index; a test keeps
# this true if a level is ever added.
QUEUE_ORDER = ("urgency", "created_at", "id")


@dataclass(frozen=True)
class QueueFilters:
    """What the queue shows. ``status`` is OPEN, CLOSED, ALL or one Status value."""

    status: str = OPEN
    urgency: str = ""
    category: str = ""
    language: str = ""
    mine: bool = False
    unassigned: bool = False
    breached: bool = False


@dataclass(frozen=True)
class QueueCounts:
    """How many cases each choice would show, given the other choices made."""

    status: dict[str, int]
    urgency: dict[str, int]
    category: dict[str, int]
    language: dict[str, int]
    mine: int
    unassigned: int
    breached: int
    # How many cases the chosen filters show.
    total: int = 0


def closed_q() -> Q:
    """Closed: resolved, rejected, merged, withdrawn, or purged whatever its last status."""
    return Q(status__in=CLOSED_STATUSES) | Q(purged_at__isnull=False)


def breached_q(now: datetime) -> Q:
    """Past the acknowledgement deadline with no answer yet, or marked breached by the worker."""
    return Q(sla_breached_at__isnull=False) | Q(
        first_response_at__isnull=True, acknowledge_by__lt=now
    )


def _status_q(value: str) -> Q:
    if value == CLOSED:
        return closed_q()
    if value == ALL:
        return Q()
    if value == OPEN or value not in STATUS_VALUES:
        return ~closed_q()
    return Q(status=value)


def _queue_q(filters: QueueFilters, member: StaffMember, now: datetime, *, without: str = "") -> Q:
    condition = Q()
    if without != "status":
        condition &= _status_q(filters.status)
    for facet in ("urgency", "category", "language"):
        value = getattr(filters, facet)
        if value and without != facet:
            condition &= Q(**{facet: value})
    if without != "flags":
        if filters.mine:
            condition &= Q(assignee=member)
        if filters.unassigned:
            condition &= Q(assignee__isnull=True)
        if filters.breached:
            condition &= breached_q(now)
    return condition


class _Group(NamedTuple):
    """One row of the queue's grouped count: how many visible cases share these values. A tuple,
    straight from the database row (flags are 0/1 on SQLite), cheap to keep in the cache."""

    status: str
    urgency: str
    category: str
    language: str
    mine: bool
    unassigned: bool
    breached: bool
    purged: bool
    cases: int

    def closed(self) -> bool:
        return self.status in CLOSED_STATUSES or bool(self.purged)


# Which filter leaves a group out, as bits: a group counts towards a filter's choices when no
# other filter leaves it out.
_BY_STATUS, _BY_URGENCY, _BY_CATEGORY, _BY_LANGUAGE, _BY_FLAGS = 1, 2, 4, 8, 16


def _refused_by(group: _Group, filters: QueueFilters) -> int:
    refused = 0 if _status_passes(filters.status, group) else _BY_STATUS
    if filters.urgency and group.urgency != filters.urgency:
        refused |= _BY_URGENCY
    if filters.category and group.category != filters.category:
        refused |= _BY_CATEGORY
    if filters.language and group.language != filters.language:
        refused |= _BY_LANGUAGE
    if (
        (filters.mine and not group.mine)
        or (filters.unassigned and not group.unassigned)
        or (filters.breached and not group.breached)
    ):
        refused |= _BY_FLAGS
    return refused


def _status_passes(wanted: str, group: _Group) -> bool:
    if wanted == ALL:
        return True
    if wanted == CLOSED:
        return group.closed()
    if wanted == OPEN or wanted not in STATUS_VALUES:
        return not group.closed()
    return group.status == wanted


def _groups(visible: QuerySet[Case], member: StaffMember, now: datetime) -> list[_Group]:
    """Every visible case counted once, grouped by the values the filters look at, from which
    every count is worked out. Open cases (the work) are counted live, with the partial index
    on open cases; closed ones (the history, most of the table) are counted at most
    ``CASE_QUEUE_CLOSED_COUNT_SECONDS`` ago, since they change only when a case closes."""
    closed_key = f"case-queue-closed:{member.pk}:{member.role}"
    closed: list[_Group] | None = cache.get(closed_key)
    if closed is None:
        closed = _grouped(visible.filter(closed_q()), member, now, closed=True)
        cache.set(closed_key, closed, settings.CASE_QUEUE_CLOSED_COUNT_SECONDS)
    return _grouped(visible.filter(~closed_q()), member, now, closed=False) + closed


def _grouped(
    visible: QuerySet[Case], member: StaffMember, now: datetime, *, closed: bool
) -> list[_Group]:
    """One grouped count query: a few hundred rows even for 100,000 cases. For open cases it
    reads only columns of the ``case_queue_open_counts`` index, so PostgreSQL can count from
    the index alone (open cases are never purged, and ``COUNT(*)`` needs no column)."""

    def flag(condition: Q) -> ExpressionWrapper[Q]:
        return ExpressionWrapper(condition, output_field=BooleanField())

    rows = (
        visible.annotate(
            is_mine=flag(Q(assignee=member)),
            is_unassigned=flag(Q(assignee__isnull=True)),
            is_breached=flag(breached_q(now)),
            is_purged=(
                flag(Q(purged_at__isnull=False)) if closed else Value(False, BooleanField())
            ),
        )
        .values_list(
            "status",
            "urgency",
            "category",
            "language",
            "is_mine",
            "is_unassigned",
            "is_breached",
            "is_purged",
        )
        .annotate(n=Count("*"))
        .order_by()
    )
    return [_Group._make(row) for row in rows]


def _queue_counts(groups: list[_Group], filters: QueueFilters) -> QueueCounts:
    """Every count beside the filters in one pass: a group counts towards a choice when no
    other filter leaves it out (so each count says what choosing it would show)."""
    status: dict[str, int] = {OPEN: 0, CLOSED: 0, ALL: 0}
    urgency: dict[str, int] = {}
    category: dict[str, int] = {}
    language: dict[str, int] = {}
    mine = unassigned = breached = total = 0
    for group in groups:
        refused = _refused_by(group, filters)
        if refused & (refused - 1):  # left out by two filters or more: counts nowhere
            continue
        count = group.cases
        if not refused:
            total += count
        if not refused & ~_BY_STATUS:
            status[group.status] = status.get(group.status, 0) + count
            status[CLOSED if group.closed() else OPEN] += count
            status[ALL] += count
        if not refused & ~_BY_URGENCY:
            urgency[group.urgency] = urgency.get(group.urgency, 0) + count
        if not refused & ~_BY_CATEGORY:
            category[group.category] = category.get(group.category, 0) + count
        if not refused & ~_BY_LANGUAGE:
            language[group.language] = language.get(group.language, 0) + count
        if not refused & ~_BY_FLAGS:
            mine += count if group.mine else 0
            unassigned += count if group.unassigned else 0
            breached += count if group.breached else 0
    return QueueCounts(
        status=status,
        urgency=urgency,
        category=category,
        language=language,
        mine=mine,
        unassigned=unassigned,
        breached=breached,
        total=total,
    )


def case_queue(
    member: StaffMember, filters: QueueFilters, *, now: datetime | None = None
) -> tuple[QuerySet[Case], QueueCounts]:
    """The queue for ``member`` (only cases they may see) and the counts beside each filter.

    Two queries whatever the number of cases: one grouped count from which every filter's count
    and the page total are worked out, and the page itself with its assignee joined in (give
    the total to :class:`QueuePaginator` so that paging does not count again).
    """
    now = now or clock.now()
    visible = cases_visible_to(member)
    cases = (
        visible.filter(_queue_q(filters, member, now))
        .select_related("assignee")
        .annotate(breached=ExpressionWrapper(breached_q(now), output_field=BooleanField()))
        .order_by(*QUEUE_ORDER)
    )
    return cases, _queue_counts(_groups(visible, member, now), filters)


class QueuePaginator(Paginator):  # type: ignore[type-arg]
    """Pages of the queue whose length is already known from the grouped count."""

    def __init__(self, cases: QuerySet[Case], counts: QueueCounts) -> None:
        super().__init__(cases, QUEUE_PAGE_SIZE)
        self.__dict__["count"] = counts.total


QUEUE_STATUS_CHOICES = [OPEN, CLOSED, ALL, *Status.values]
QUEUE_URGENCIES = Urgency.values
QUEUE_CATEGORIES = Category.values


# --- the case page ------------------------------------------------------------------------------


def current_tags(timeline: list[TimelineEntry]) -> list[str]:
    """The newest TAGS entry wins; a case never tagged has none."""
    for entry in reversed(timeline):
        if entry.kind == EntryKind.TAGS:
            return [str(tag) for tag in entry.content.get("tags", [])]
    return []


def case_holders(case: Case) -> QuerySet[CaseGrant]:
    """Who holds the case key (plaintext metadata: the need-to-know list itself)."""
    return CaseGrant.objects.filter(case=case).select_related("member").order_by("member__username")


def case_open_access_requests(case: Case) -> QuerySet[AccessRequest]:
    return AccessRequest.objects.filter(case=case, decided_at__isnull=True).select_related("member")


def access_request_for(case: Case, request_id: int) -> AccessRequest:
    access_request = (
        AccessRequest.objects.filter(case=case, pk=request_id).select_related("member").first()
    )
    if access_request is None:
        raise CaseNotFound(case.reference)
    return access_request


def members_who_may_hold_cases() -> QuerySet[StaffMember]:
    """Active members with a key pair whose role works on cases: who may be given a case key."""
    roles = [role for role, perms in ROLE_PERMISSIONS.items() if Permission.CASE_WORK in perms]
    return StaffMember.objects.filter(is_active=True, role__in=roles, key__isnull=False).order_by(
        "username"
    )


def may_request_access(*, case: Case, member: StaffMember) -> bool:
    """Who may ask for a case's key: a case worker who legitimately knows the case exists,
    because they see it in the queue (coordinators) or it is linked from a case they hold.
    A handler who merely guesses a reference learns nothing: they get the same 404 as for a
    case that does not exist."""
    if not member.has_permission(Permission.CASE_WORK):
        return False
    if member.has_permission(Permission.CASE_LIST):
        return True
    held = CaseGrant.objects.filter(member=member).values("case_id")
    if held.filter(case=case).exists():
        return True
    return CaseLink.objects.filter(
        Q(from_case=case, to_case__in=held) | Q(to_case=case, from_case__in=held)
    ).exists()


def case_requestable_by(member: StaffMember, reference: str) -> Case:
    """A case ``member`` may ask access to; CaseNotFound (a 404) for any other reference."""
    case = Case.objects.filter(reference=reference).first()
    if case is None or not may_request_access(case=case, member=member):
        raise CaseNotFound(reference)
    return case
