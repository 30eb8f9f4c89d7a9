"""Telling staff that something needs them: in-app notices, and content-free mail through a
durable outbox.

A notice or a mail says only *that* something needs attention and where to sign in, never what a
case is about, its reference, its category or anyone's name: mail passes through servers rightsdesk
does not control, and a mailbox is easier to take than the database.

Mail is never sent from the request or task that decides to send it. :func:`notify` writes one
:class:`OutboundMail` row per recipient in the same transaction as the in-app notices, and
:func:`outbox_deliver` hands due rows to the mail server. Delivery runs in two places:

* right after the transaction commits, as a task (``tasks.outbox_deliver_due``), so that mail
  about a new report leaves within a second or two of the report; and
* on every worker heartbeat (``WORKER_MAINTENANCE``), which is what retries mail that the server
  did not take. The heartbeat loop, not a task chain, owns retries because it keeps running
  whatever happens to a single task, so a row can never be forgotten.

Both may run at once (and production may run several workers): a row is claimed by moving its
``next_attempt_at`` forward with a conditional update, so only one of them sends it.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from rightsdesk.accounts.models import Notification, StaffMember
from rightsdesk.accounts.services import notifications_send
from rightsdesk.audit.models import Action
from rightsdesk.audit.services import audit_record
from rightsdesk.notifications.models import (
    EMAIL_FIELDS,
    NotificationPreference,
    OutboundMail,
)

log = logging.getLogger("rightsdesk.notifications")

# Retries after a failure wait 1 minute, then 2, 4, … up to an hour, and go on for as long as it
# takes: a mail server that is down for a weekend must not cost anyone an urgent notice.
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=1)
# A recipient the server refuses for good (5xx) this many times is given up on.
REJECTIONS_BEFORE_GIVING_UP = 3
# How long a claimed row belongs to the sender that claimed it. Longer than any SMTP exchange
# (the connection timeout is 20 s); if that sender dies mid-way, the row is simply due again.
CLAIM_SECONDS = 5 * 60
# Mails handed to the server in one round; the rest wait for the next round (seconds later).
DELIVERY_BATCH = 50
# Refused mail is kept this long so an operator can see that it happened, then deleted.
KEEP_FAILED = timedelta(days=7)


@dataclass(frozen=True)
class MailText:
    subject: Promise
    body: Promise


# One text per kind, all saying as little as possible. "%(url)s" is the sign-in page.
MAIL_TEXTS: dict[Notification.Kind, MailText] = {
    Notification.Kind.NEW_REPORT: MailText(
        _("A new report has arrived"),
        _("A new report has arrived. Sign in to rightsdesk to read it: %(url)s"),
    ),
    Notification.Kind.URGENT_REPORT: MailText(
        _("Urgent: a report needs attention now"),
        _("A report needs attention now. Sign in to rightsdesk as soon as you can: %(url)s"),
    ),
    Notification.Kind.REPORTER_REPLIED: MailText(
        _("A reporter wrote back"),
        _("A reporter answered on a case you hold. Sign in to rightsdesk to read it: %(url)s"),
    ),
    Notification.Kind.SLA_ESCALATION: MailText(
        _("A case is past its response deadline"),
        _("A case is waiting past its response deadline. Sign in to rightsdesk: %(url)s"),
    ),
    Notification.Kind.CASE_ASSIGNED: MailText(
        _("A case was assigned to you"),
        _("A case was assigned to you. Sign in to rightsdesk to see it: %(url)s"),
    ),
    Notification.Kind.ACCESS_REQUESTED: MailText(
        _("Someone asked for access to a case"),
        _(
            "A team member asked for access to a case you hold. Sign in to rightsdesk to "
            "answer: %(url)s"
        ),
    ),
    Notification.Kind.ACCESS_ANSWERED: MailText(
        _("Your request for access was answered"),
        _("Your request for access to a case was answered. Sign in to rightsdesk: %(url)s"),
    ),
    Notification.Kind.RETENTION_WARNING: MailText(
        _("A case will be purged soon"),
        _(
            "A case you hold will soon be purged under the retention rules. Sign in to "
            "rightsdesk to review it: %(url)s"
        ),
    ),
}

MAIL_FOOTER = _(
    "For safety, this mail says nothing about the case itself. Team members choose which "
    "notices they receive by email on their notification preferences page."
)


def mail_text(kind: Notification.Kind) -> tuple[str, str]:
    """The subject and body for ``kind`` in the site language, with the sign-in address."""
    text = MAIL_TEXTS[kind]
    with translation.override(settings.LANGUAGE_CODE):
        url = settings.PUBLIC_URL + reverse("accounts:login")
        body = str(text.body) % {"url": url}
        return str(text.subject), f"{body}\n\n{MAIL_FOOTER}\n"


def _wants_email(preference: NotificationPreference | None, kind: Notification.Kind) -> bool:
    # A member who never saved preferences has the defaults, read from an unsaved row.
    return (preference or NotificationPreference()).wants_email(kind)


def notify(
    *,
    members: Iterable[StaffMember],
    kind: Notification.Kind,
    extra_emails: Iterable[str] = (),
) -> int:
    """Leave an in-app notice for each active member and queue one content-free mail per person
    who wants mail for ``kind`` (and per address in ``extra_emails``, such as the on-call list).

    Returns the number of mails queued. Each recipient gets a mail of their own, so no one learns
    who else was told.
    """
    kind = Notification.Kind(kind)
    active = [member for member in members if member.is_active]
    preferences = {
        preference.member_id: preference
        for preference in NotificationPreference.objects.filter(
            member__in=[member.pk for member in active]
        )
    }
    recipients: dict[str, str] = {}
    for member in active:
        if member.email and _wants_email(preferences.get(member.pk), kind):
            recipients.setdefault(member.email.strip().lower(), member.email.strip())
    for address in extra_emails:
        if address.strip():
            recipients.setdefault(address.strip().lower(), address.strip())
    subject, body = mail_text(kind)
    now = timezone.now()
    with transaction.atomic():
        notifications_send(members=active, kind=kind)
        OutboundMail.objects.bulk_create(
            OutboundMail(
                recipient=address,
                subject=subject,
                body=body,
                created_at=now,
                next_attempt_at=now,
            )
            for address in sorted(recipients.values())
        )
        if recipients:
            transaction.on_commit(_deliver_soon)
    return len(recipients)


def _deliver_soon() -> None:
    # Imported here: the task module imports this one.
    from rightsdesk.notifications.tasks import outbox_deliver_due

    outbox_deliver_due.enqueue()


# --- delivery -----------------------------------------------------------------------------------


class _ServerUnavailable(Exception):
    """The server cannot take mail right now; nothing more is tried this round."""


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failure: 1 min, 2, 4, … capped at 1 h."""
    delay: timedelta = FIRST_RETRY * 2 ** min(max(attempts - 1, 0), 16)
    return min(delay, LONGEST_RETRY)


def _describe(error: BaseException) -> str:
    """A short, address-free description: the server's text may quote addresses, so only the
    kind of error and the SMTP code are kept."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = sorted({code for code, _message in error.recipients.values()})
        return "recipient refused " + ",".join(str(code) for code in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{type(error).__name__} {error.smtp_code}"
    if isinstance(error, TimeoutError):
        return "timed out"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    return type(error).__name__


def _is_rejection(error: BaseException) -> bool:
    """A permanent (5xx) answer about this one message or recipient. A refused *sender* or a
    failed login is the server's configuration, not the recipient's, and is retried instead."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _message in error.recipients.values())
    if isinstance(error, smtplib.SMTPDataError):
        return error.smtp_code >= 500
    return False


def _connection_lost(error: BaseException) -> bool:
    """Whether the error leaves the connection unusable for the rest of the round."""
    if isinstance(error, smtplib.SMTPRecipientsRefused | smtplib.SMTPDataError):
        return False
    return isinstance(error, OSError | smtplib.SMTPException)


def _claim_due(now: datetime) -> list[OutboundMail]:
    due = OutboundMail.objects.filter(failed_at=None, next_attempt_at__lte=now).values_list(
        "pk", "next_attempt_at"
    )[:DELIVERY_BATCH]
    claimed: list[int] = []
    for pk, due_at in due:
        # Only one sender wins the update; the others see zero rows changed and move on.
        if OutboundMail.objects.filter(pk=pk, failed_at=None, next_attempt_at=due_at).update(
            next_attempt_at=now + timedelta(seconds=CLAIM_SECONDS)
        ):
            claimed.append(pk)
    return list(OutboundMail.objects.filter(pk__in=claimed).order_by("created_at", "pk"))


def _record_failure(mail: OutboundMail, error: BaseException, now: datetime) -> None:
    mail.attempts += 1
    mail.last_error = _describe(error)[:100]
    if _is_rejection(error):
        mail.rejections += 1
    if mail.rejections >= REJECTIONS_BEFORE_GIVING_UP:
        mail.failed_at = now
        log.error(
            "mail #%d was refused by the mail server %d times (%s); giving up on it",
            mail.pk,
            REJECTIONS_BEFORE_GIVING_UP,
            mail.last_error,
        )
    else:
        mail.next_attempt_at = now + retry_delay(mail.attempts)
        log.warning(
            "mail #%d not delivered (%s), attempt %d; trying again at %s",
            mail.pk,
            mail.last_error,
            mail.attempts,
            mail.next_attempt_at.isoformat(timespec="seconds"),
        )
    mail.save(
        update_fields=["attempts", "last_error", "failed_at", "next_attempt_at", "rejections"]
    )


def outbox_deliver(*, now: datetime | None = None) -> int:
    """Hand the due mails to the mail server; return how many it accepted.

    A delivered row is deleted at once. A mail the server could not take (connection refused,
    timeout, a 4xx answer, a lost connection) stays, with ``attempts`` counted up and
    ``next_attempt_at`` pushed back by :func:`retry_delay`; it is never dropped. A recipient
    refused for good (5xx) is given up on after ``REJECTIONS_BEFORE_GIVING_UP`` refusals. Logs
    name mails by number, never by address.

    ``now`` is for tests, which move time forward instead of sleeping.
    """
    now = now or timezone.now()
    mails = _claim_due(now)
    if not mails:
        return 0
    connection = mailers.default
    delivered = 0
    try:
        try:
            connection.open()
        except (OSError, smtplib.SMTPException) as error:
            raise _ServerUnavailable from error
        for index, mail in enumerate(mails):
            message = EmailMessage(
                subject=mail.subject, body=mail.body, from_email=None, to=[mail.recipient]
            )
            try:
                accepted = connection.send_messages([message])
            except ValueError as error:
                # The address cannot even be written into an SMTP command; no retry will help.
                mail.attempts += 1
                mail.failed_at = now
                mail.last_error = "invalid address"
                mail.save(update_fields=["attempts", "failed_at", "last_error"])
                log.error(
                    "mail #%d has an unusable address (%s); giving up",
                    mail.pk,
                    error.__class__.__name__,
                )
                continue
            except (OSError, smtplib.SMTPException) as error:
                _record_failure(mail, error, now)
                if _connection_lost(error):
                    for waiting in mails[index + 1 :]:
                        _record_failure(waiting, error, now)
                    break
                continue
            if accepted:
                mail.delete()
                delivered += 1
    except _ServerUnavailable as unavailable:
        cause = unavailable.__cause__ or unavailable
        for mail in mails:
            _record_failure(mail, cause, now)
    finally:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            connection.close()
    if delivered:
        log.info("delivered %d notification mails", delivered)
    return delivered


def outbox_purge_failed(*, now: datetime | None = None) -> int:
    """Delete mail given up on more than ``KEEP_FAILED`` ago, so the table does not grow."""
    now = now or timezone.now()
    deleted, _per_model = OutboundMail.objects.filter(failed_at__lt=now - KEEP_FAILED).delete()
    return deleted


# --- preferences --------------------------------------------------------------------------------


def notification_preference_update(*, member: StaffMember, email: dict[str, bool]) -> None:
    """Set which kinds of notice ``member`` also receives by email.

    ``email`` maps the preference fields (``EMAIL_FIELDS``) to on/off; a field left out keeps
    its value.
    """
    unknown = set(email) - set(EMAIL_FIELDS)
    if unknown:
        raise ValueError(f"unknown preference fields: {sorted(unknown)}")
    with transaction.atomic():
        preference, _created = NotificationPreference.objects.select_for_update().get_or_create(
            member=member
        )
        for field, wanted in email.items():
            setattr(preference, field, wanted)
        preference.save()
        audit_record(
            action=Action.SETTINGS_CHANGE,
            actor=member,
            detail={
                "setting": "notification_email",
                "on": sorted(field for field in EMAIL_FIELDS if getattr(preference, field)),
            },
        )
