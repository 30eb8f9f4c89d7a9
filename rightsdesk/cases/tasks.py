"""Background work for cases, run by the task worker."""

from __future__ import annotations

from django.conf import settings
from django.tasks import task

from rightsdesk.accounts.models import Notification, StaffMember
from rightsdesk.accounts.permissions import Role
from rightsdesk.cases.models import Case, Urgency
from rightsdesk.notifications.services import notify


@task
def notify_new_case(*, case_id: int) -> int:
    """Tell coordinators (and, for a critical report, the on-call list) that a report arrived.

    The notice and the mail are content-free: they say that something arrived and how urgent it
    is, never what it is about, who sent it or its reference. Returns the number of mails queued.
    """
    case = Case.objects.filter(pk=case_id).only("urgency").first()
    if case is None:
        return 0
    coordinators = StaffMember.objects.filter(role=Role.COORDINATOR, is_active=True)
    if case.urgency == Urgency.CRITICAL:
        return notify(
            members=coordinators,
            kind=Notification.Kind.URGENT_REPORT,
            extra_emails=settings.ONCALL_EMAILS,
        )
    return notify(members=coordinators, kind=Notification.Kind.NEW_REPORT)


@task
def notify_reporter_replied(*, case_id: int) -> int:
    """Tell the members holding a case that its reporter wrote back; content-free like above."""
    holders = StaffMember.objects.filter(case_grants__case_id=case_id, is_active=True).distinct()
    return notify(members=holders, kind=Notification.Kind.REPORTER_REPLIED)
