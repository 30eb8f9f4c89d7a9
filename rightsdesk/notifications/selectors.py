"""Reads for the notification pages, always scoped to the member who asks."""

from __future__ import annotations

from django.db.models import QuerySet

from rightsdesk.accounts.models import Notification, StaffMember
from rightsdesk.notifications.models import NotificationPreference


def notifications_of(member: StaffMember) -> QuerySet[Notification]:
    """The member's own in-app notices, newest first."""
    return Notification.objects.filter(member=member).order_by("-created_at", "-id")


def unread_count(member: StaffMember) -> int:
    return Notification.objects.filter(member=member, read_at=None).count()


def notification_preference_of(member: StaffMember) -> NotificationPreference:
    """The member's saved preferences, or (unsaved) the defaults if they never chose."""
    preference = NotificationPreference.objects.filter(member=member).first()
    return preference or NotificationPreference(member=member)
