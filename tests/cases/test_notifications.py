"""In-app notifications: content-free, for coordinators and for the holders of a case."""

from django.core import mail
from django.test import Client

from rightsdesk.accounts import services as account_services
from rightsdesk.accounts.models import Notification
from rightsdesk.accounts.permissions import Role
from rightsdesk.cases import services
from rightsdesk.cases.tasks import notify_new_case, notify_reporter_replied
from rightsdesk.notifications.services import notification_preference_update, outbox_deliver
from tests.conftest import sign_in
from tests.factories import make_staff


def test_coordinators_see_new_and_urgent_reports_on_their_dashboard(
    client: Client, db, django_capture_on_commit_callbacks
):
    account_services.escrow_initialise(shares=3, threshold=2)
    coordinator = make_staff(Role.COORDINATOR)
    handler = make_staff(Role.HANDLER)
    with django_capture_on_commit_callbacks(execute=True):
        services.case_create(
            category="other", urgency="critical", language="en", report={"what_happened": "x"}
        )
        created = services.case_create(
            category="other", urgency="normal", language="en", report={"what_happened": "secret"}
        )
    assert Notification.objects.filter(member=coordinator.member).count() == 2
    assert not Notification.objects.filter(member=handler.member).exists()
    sign_in(client, coordinator)
    page = client.get("/en/staff/").content.decode()
    assert "Urgent: a report needs attention now." in page
    assert "A new report has arrived." in page
    assert "secret" not in page
    assert created.case.reference not in page
    client.post("/en/staff/notifications/read/")
    assert not Notification.objects.filter(member=coordinator.member, read_at=None).exists()
    assert 'class="unread"' not in client.get("/en/staff/").content.decode()


def test_case_holders_are_told_when_the_reporter_writes(db, django_capture_on_commit_callbacks):
    account_services.escrow_initialise(shares=3, threshold=2)
    coordinator = make_staff(Role.COORDINATOR)
    created = services.case_create(
        category="other", urgency="normal", language="en", report={"what_happened": "x"}
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.case_reporter_reply(case=created.case, text="hello")
    kinds = list(
        Notification.objects.filter(member=coordinator.member).values_list("kind", flat=True)
    )
    assert kinds == [Notification.Kind.REPORTER_REPLIED]


def test_a_critical_report_mails_coordinators_and_the_on_call_list_without_content(db, settings):
    account_services.escrow_initialise(shares=3, threshold=2)
    settings.ONCALL_EMAILS = ["oncall@example.org"]
    coordinator = make_staff(Role.COORDINATOR)
    coordinator.member.email = "coordinator@example.org"
    coordinator.member.save()
    created = services.case_create(
        category="threats", urgency="critical", language="en", report={"what_happened": "x"}
    )
    # The task queues the mail in the outbox; the worker delivers it.
    assert notify_new_case.call(case_id=created.case.pk) == 2
    assert mail.outbox == []
    assert outbox_deliver() == 2
    assert sorted(message.to for message in mail.outbox) == [
        ["coordinator@example.org"],
        ["oncall@example.org"],
    ]
    for message in mail.outbox:
        assert message.subject.startswith("Urgent")
        text = f"{message.subject}\n{message.body}"
        assert created.case.reference not in text
        assert "threat" not in text.lower()
    kinds = list(
        Notification.objects.filter(member=coordinator.member).values_list("kind", flat=True)
    )
    assert kinds == [Notification.Kind.URGENT_REPORT]


def test_reply_mail_follows_the_holders_preferences(db):
    account_services.escrow_initialise(shares=3, threshold=2)
    coordinator = make_staff(Role.COORDINATOR)
    coordinator.member.email = "holder@example.org"
    coordinator.member.save()
    created = services.case_create(
        category="other", urgency="normal", language="en", report={"what_happened": "x"}
    )
    notification_preference_update(member=coordinator.member, email={"email_my_cases": False})
    assert notify_reporter_replied.call(case_id=created.case.pk) == 0
    assert Notification.objects.filter(
        member=coordinator.member, kind=Notification.Kind.REPORTER_REPLIED
    ).exists()
