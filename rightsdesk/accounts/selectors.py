"""Reads of staff accounts, always for someone allowed to see them."""

from __future__ import annotations

from django.db.models import QuerySet

from rightsdesk.accounts.models import Notification, StaffMember
from rightsdesk.accounts.permissions import Permission


def staff_members_visible_to(actor: StaffMember) -> QuerySet[StaffMember]:
    if not actor.has_permission(Permission.STAFF_MANAGE):
        return StaffMember.objects.none()
    return StaffMember.objects.select_related("totp").order_by("username")


def pending_member(member_id: object) -> StaffMember | None:
    """The member a half-finished sign-in belongs to, if still active."""
    if not isinstance(member_id, int):
        return None
    return StaffMember.objects.select_related("totp").filter(pk=member_id, is_active=True).first()


def notifications_for(member: StaffMember, *, limit: int = 20) -> list[Notification]:
    return list(Notification.objects.filter(member=member)[:limit])
