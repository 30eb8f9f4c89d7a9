"""Reads of the audit log, scoped to the member asking: only auditors read it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from rightsdesk.accounts.models import StaffMember
from rightsdesk.accounts.permissions import Permission
from rightsdesk.audit.models import AuditEntry


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_entries_visible_to(
    member: StaffMember,
    *,
    action: str = "",
    actor: str = "",
    case_reference: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEntry]:
    """Entries matching every filter given, newest first. ``date_to`` includes that whole day."""
    if not member.has_permission(Permission.AUDIT_READ):
        return AuditEntry.objects.none()
    entries = AuditEntry.objects.order_by("-sequence")
    if action:
        entries = entries.filter(action=action)
    if actor:
        entries = entries.filter(actor=actor)
    if case_reference:
        entries = entries.filter(case_reference=case_reference)
    if date_from is not None:
        entries = entries.filter(at__gte=_start_of(date_from))
    if date_to is not None:
        entries = entries.filter(at__lt=_start_of(date_to + timedelta(days=1)))
    return entries
