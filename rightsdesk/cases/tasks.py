"""Background work for cases, run by the task worker."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.utils import translation
from django.utils.translation import gettext as _

from rightsdesk.accounts.models import Notification, StaffMember
from rightsdesk.accounts.permissions import Role
from rightsdesk.accounts.services import notifications_send
from rightsdesk.cases.models import Case, Urgency

log = logging.getLogger("rightsdesk.notifications")


@task
def notify_new_case(*, case_id: int) -> int:
    """Tell coordinators (and, for a critical report, the on-call list) that a report arrived.

    The message is content-free: it says that something arrived and how urgent it is, never what
    it is about, who sent it or its reference. Mail passes through servers we do not control.
    """
    case = Case.objects.filter(pk=case_id).only("urgency").first()
    if case is None:
        return 0
    coordinators = StaffMember.objects.filter(role=Role.COORDINATOR, is_active=True)
    critical = case.urgency == Urgency.CRITICAL
    notifications_send(
        members=coordinators,
        kind=Notification.Kind.URGENT_REPORT if critical else Notification.Kind.NEW_REPORT,
    )
    recipients = set(coordinators.exclude(email="").values_list("email", flat=True))
    if critical:
        recipients.update(settings.ONCALL_EMAILS)
    if not recipients:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        if critical:
            subject = _("Urgent: a report needs attention now")
            body = _(
                "Someone reported an immediate danger of physical harm. Sign in to rightsdesk "
                "now to read it: %(url)s"
            )
        else:
            subject = _("A new report has arrived")
            body = _("A new report has arrived. Sign in to rightsdesk to read it: %(url)s")
        body = body % {"url": settings.PUBLIC_URL + "/"}
    send_mail(subject, body, None, sorted(recipients))
    log.info("notified %d people of a new report", len(recipients))
    return len(recipients)


@task
def notify_reporter_replied(*, case_id: int) -> int:
    """Tell the members holding a case that its reporter wrote back; content-free like above."""
    holders = StaffMember.objects.filter(case_grants__case_id=case_id, is_active=True).distinct()
    notifications_send(members=holders, kind=Notification.Kind.REPORTER_REPLIED)
    recipients = sorted(set(holders.exclude(email="").values_list("email", flat=True)))
    if not recipients:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("A reporter wrote back")
        body = _(
            "A reporter answered on a case you hold. Sign in to rightsdesk to read it: %(url)s"
        )
        body = body % {"url": settings.PUBLIC_URL + "/"}
    send_mail(subject, body, None, recipients)
    return len(recipients)
