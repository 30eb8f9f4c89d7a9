"""Staff notifications: who wants mail about what, and the outbox that carries the mail.

Everything here is content-free by construction. A mail names only that something needs
attention and where to sign in; it never carries a case reference, category or name, because it
passes through mail servers rightsdesk does not control.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from rightsdesk.accounts.models import Notification, StaffMember

Kind = Notification.Kind


class NotificationPreference(models.Model):
    """Which kinds of notice a member also wants by email (the in-app notice always comes).

    A member without a row has the defaults below: mail for everything that asks for action.
    Kinds are grouped so the form stays short; EMAIL_FIELD_FOR_KIND maps each kind to its group.
    """

    member = models.OneToOneField(
        StaffMember, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_urgent = models.BooleanField(
        _("urgent reports and missed response deadlines"), default=True
    )
    email_new_reports = models.BooleanField(_("new reports"), default=True)
    email_my_cases = models.BooleanField(
        _("cases assigned to me and replies from reporters on cases I hold"), default=True
    )
    email_access = models.BooleanField(_("requests for access and their answers"), default=True)
    email_retention = models.BooleanField(_("cases I hold that will soon be purged"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"notification preferences of {self.member_id}"

    def wants_email(self, kind: str) -> bool:
        return bool(getattr(self, EMAIL_FIELD_FOR_KIND[Kind(kind)]))


EMAIL_FIELD_FOR_KIND: dict[Notification.Kind, str] = {
    Kind.URGENT_REPORT: "email_urgent",
    Kind.SLA_ESCALATION: "email_urgent",
    Kind.NEW_REPORT: "email_new_reports",
    Kind.CASE_ASSIGNED: "email_my_cases",
    Kind.REPORTER_REPLIED: "email_my_cases",
    Kind.ACCESS_REQUESTED: "email_access",
    Kind.ACCESS_ANSWERED: "email_access",
    Kind.RETENTION_WARNING: "email_retention",
}

EMAIL_FIELDS: tuple[str, ...] = (
    "email_urgent",
    "email_new_reports",
    "email_my_cases",
    "email_access",
    "email_retention",
)


class OutboundMail(models.Model):
    """One content-free mail to one recipient, kept until the mail server accepted it.

    The row is the durable queue: a mail server that is down or answers "try later" only moves
    ``next_attempt_at`` on. A delivered row is deleted at once, so the table holds only what is
    still on its way (and, for a while, what was refused for good).
    """

    recipient = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    # Of those attempts, how many ended in a permanent refusal (5xx) of the recipient or message.
    rejections = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    # Set when the mail server refused the recipient for good, repeatedly; never retried again.
    failed_at = models.DateTimeField(null=True, blank=True)
    # The kind of failure and the SMTP code, never the server's text (it may quote addresses).
    last_error = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["next_attempt_at", "id"]
        indexes = [models.Index(fields=["failed_at", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"mail #{self.pk}"
