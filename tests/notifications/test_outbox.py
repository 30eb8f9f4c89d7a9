"""The outbox against a real SMTP server on loopback: delivery, retries, refusals."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from rightsdesk.accounts.models import Notification
from rightsdesk.accounts.permissions import Role
from rightsdesk.notifications import services
from rightsdesk.notifications.models import OutboundMail
from rightsdesk.notifications.services import notify, outbox_deliver, outbox_purge_failed
from tests.factories import make_staff
from tests.notifications.conftest import MailServer

pytestmark = pytest.mark.django_db


def coordinator_with_email(address: str):
    login = make_staff(Role.COORDINATOR, enrolled=False)
    login.member.email = address
    login.member.save()
    return login.member


def test_a_mail_reaches_the_server_says_nothing_and_leaves_no_row(smtp_server: MailServer):
    member = coordinator_with_email("coordinator@example.org")
    assert notify(members=[member], kind=Notification.Kind.URGENT_REPORT) == 1
    assert outbox_deliver() == 1
    [message] = smtp_server.messages
    assert message["To"] == "coordinator@example.org"
    assert message["Subject"] == "Urgent: a report needs attention now"
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    body = payload.decode()
    assert f"{settings.PUBLIC_URL}/en/staff/sign-in/" in body
    assert "says nothing about the case" in body
    assert not OutboundMail.objects.exists()


def test_mail_waits_while_the_server_is_down_and_goes_when_it_is_back(
    smtp_server: MailServer, caplog: pytest.LogCaptureFixture
):
    member = coordinator_with_email("coordinator@example.org")
    notify(members=[member], kind=Notification.Kind.NEW_REPORT)
    smtp_server.stop()
    now = timezone.now()
    with caplog.at_level(logging.WARNING, logger="rightsdesk.notifications"):
        assert outbox_deliver(now=now) == 0
    mail = OutboundMail.objects.get()
    assert mail.attempts == 1
    assert mail.next_attempt_at == now + timedelta(minutes=1)
    assert mail.last_error == "connection refused"
    assert mail.failed_at is None
    assert "example.org" not in caplog.text
    assert f"mail #{mail.pk} not delivered" in caplog.text

    smtp_server.start()
    # Not yet due: nothing is tried before the back-off is over.
    assert outbox_deliver(now=now + timedelta(seconds=30)) == 0
    assert smtp_server.messages == []
    assert OutboundMail.objects.get().attempts == 1
    assert outbox_deliver(now=now + timedelta(minutes=1, seconds=1)) == 1
    assert [message["To"] for message in smtp_server.messages] == ["coordinator@example.org"]
    assert not OutboundMail.objects.exists()


def test_each_recipient_gets_a_mail_of_their_own(smtp_server: MailServer):
    first = coordinator_with_email("first@example.org")
    second = coordinator_with_email("Second@example.org")
    queued = notify(
        members=[first, second],
        kind=Notification.Kind.URGENT_REPORT,
        extra_emails=["oncall@example.org", "second@example.org", " "],
    )
    assert queued == 3
    assert outbox_deliver() == 3
    recipients = sorted(message["To"] for message in smtp_server.messages)
    assert recipients == ["Second@example.org", "first@example.org", "oncall@example.org"]


def test_a_busy_server_is_tried_again_later(smtp_server: MailServer):
    smtp_server.handler.answers["busy@example.org"] = "451 4.3.0 try again later"
    notify(
        members=[coordinator_with_email("busy@example.org")],
        kind=Notification.Kind.CASE_ASSIGNED,
    )
    now = timezone.now()
    for attempt in range(1, 6):
        assert outbox_deliver(now=now) == 0
        mail = OutboundMail.objects.get()
        assert mail.attempts == attempt
        assert mail.failed_at is None
        assert mail.last_error == "recipient refused 451"
        assert mail.next_attempt_at == now + services.retry_delay(attempt)
        now = mail.next_attempt_at
    del smtp_server.handler.answers["busy@example.org"]
    assert outbox_deliver(now=now) == 1


def test_a_recipient_refused_for_good_is_given_up_after_a_few_tries(
    smtp_server: MailServer, caplog: pytest.LogCaptureFixture
):
    smtp_server.handler.answers["gone@example.org"] = "550 5.1.1 no such mailbox"
    notify(
        members=[coordinator_with_email("gone@example.org")],
        kind=Notification.Kind.NEW_REPORT,
        extra_emails=["oncall@example.org"],
    )
    now = timezone.now()
    with caplog.at_level(logging.WARNING, logger="rightsdesk.notifications"):
        for _attempt in range(services.REJECTIONS_BEFORE_GIVING_UP):
            outbox_deliver(now=now)
            now += services.LONGEST_RETRY
    # The other recipient was not held back by the refusal.
    assert [message["To"] for message in smtp_server.messages] == ["oncall@example.org"]
    refused = OutboundMail.objects.get()
    assert refused.failed_at is not None
    assert refused.rejections == services.REJECTIONS_BEFORE_GIVING_UP
    assert refused.last_error == "recipient refused 550"
    assert "giving up" in caplog.text
    assert "gone@example.org" not in caplog.text
    # Never tried again, and forgotten after a week.
    assert outbox_deliver(now=now + timedelta(days=1)) == 0
    assert outbox_purge_failed(now=now + timedelta(days=1)) == 0
    assert outbox_purge_failed(now=now + services.KEEP_FAILED) == 1
    assert not OutboundMail.objects.exists()


def test_a_refusal_after_a_long_outage_is_not_taken_as_final(smtp_server: MailServer):
    notify(members=[coordinator_with_email("a@example.org")], kind=Notification.Kind.NEW_REPORT)
    smtp_server.stop()
    now = timezone.now()
    for _attempt in range(5):
        outbox_deliver(now=now)
        now += services.LONGEST_RETRY
    smtp_server.start()
    smtp_server.handler.answers["a@example.org"] = "550 5.1.1 no such mailbox"
    outbox_deliver(now=now)
    mail = OutboundMail.objects.get()
    assert (mail.attempts, mail.rejections, mail.failed_at) == (6, 1, None)


def test_an_address_that_cannot_be_written_is_given_up_at_once(smtp_server: MailServer):
    notify(members=[], kind=Notification.Kind.NEW_REPORT, extra_emails=["not an address"])
    assert outbox_deliver() == 0
    mail = OutboundMail.objects.get()
    assert mail.failed_at is not None
    assert mail.last_error == "invalid address"


def test_a_mail_claimed_by_another_sender_is_not_sent_twice(smtp_server: MailServer):
    notify(members=[coordinator_with_email("a@example.org")], kind=Notification.Kind.NEW_REPORT)
    now = timezone.now()
    mail = OutboundMail.objects.get()
    # Another worker claimed it a moment ago (as _claim_due does).
    OutboundMail.objects.filter(pk=mail.pk).update(
        next_attempt_at=now + timedelta(seconds=services.CLAIM_SECONDS)
    )
    assert outbox_deliver(now=now) == 0
    assert smtp_server.messages == []
    # If that sender died, the mail is due again once the claim runs out.
    later = now + timedelta(seconds=services.CLAIM_SECONDS)
    assert outbox_deliver(now=later) == 1


def test_retry_delays_double_from_a_minute_up_to_an_hour():
    delays = [services.retry_delay(attempt) for attempt in range(1, 9)]
    assert delays[:4] == [timedelta(minutes=minutes) for minutes in (1, 2, 4, 8)]
    assert delays[-1] == timedelta(hours=1)
    assert services.retry_delay(10_000) == timedelta(hours=1)


def test_the_worker_delivers_and_purges_on_its_heartbeat():
    jobs = [import_string(path) for path in settings.WORKER_MAINTENANCE]
    assert outbox_deliver in jobs
    assert outbox_purge_failed in jobs
