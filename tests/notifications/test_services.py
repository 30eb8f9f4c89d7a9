"""notify(): in-app notices for everyone, mail for those who want it, never any content."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import translation

from rightsdesk.accounts.models import Notification
from rightsdesk.accounts.permissions import Role
from rightsdesk.audit.models import Action, AuditEntry
from rightsdesk.notifications import services
from rightsdesk.notifications.models import (
    EMAIL_FIELD_FOR_KIND,
    EMAIL_FIELDS,
    NotificationPreference,
    OutboundMail,
)
from rightsdesk.notifications.services import notify
from tests.factories import make_staff

pytestmark = pytest.mark.django_db


def member_with_email(address: str, role: Role = Role.HANDLER):
    member = make_staff(role, enrolled=False).member
    member.email = address
    member.save()
    return member


def test_every_kind_has_a_mail_and_a_preference():
    assert set(services.MAIL_TEXTS) == set(Notification.Kind)
    assert set(EMAIL_FIELD_FOR_KIND) == set(Notification.Kind)
    assert set(EMAIL_FIELD_FOR_KIND.values()) == set(EMAIL_FIELDS)


@pytest.mark.parametrize("kind", list(Notification.Kind))
def test_mails_name_only_the_sign_in_page(kind: Notification.Kind, settings):
    subject, body = services.mail_text(kind)
    assert subject
    urls = [word for word in body.split() if "://" in word]
    assert urls == [f"{settings.PUBLIC_URL}/en/staff/sign-in/"]
    assert "RD-" not in subject + body


def test_mails_are_written_in_the_site_language_whoever_triggers_them(settings):
    with translation.override("ar"):
        _subject, body = services.mail_text(Notification.Kind.NEW_REPORT)
    assert "/en/staff/sign-in/" in body
    settings.LANGUAGE_CODE = "fr"
    with translation.override("en"):
        subject, body = services.mail_text(Notification.Kind.NEW_REPORT)
    assert subject == "Un nouveau signalement est arrivé"
    assert "/fr/staff/sign-in/" in body


def test_everyone_is_notified_in_the_app_and_mailed_by_preference():
    wants_mail = member_with_email("yes@example.org")
    no_mail = member_with_email("no@example.org")
    NotificationPreference.objects.create(member=no_mail, email_new_reports=False)
    no_address = make_staff(Role.HANDLER, enrolled=False).member
    gone = member_with_email("gone@example.org")
    gone.is_active = False
    gone.save()

    queued = notify(
        members=[wants_mail, no_mail, no_address, gone], kind=Notification.Kind.NEW_REPORT
    )

    assert queued == 1
    assert list(OutboundMail.objects.values_list("recipient", flat=True)) == ["yes@example.org"]
    notified = set(Notification.objects.values_list("member", flat=True))
    assert notified == {wants_mail.pk, no_mail.pk, no_address.pk}
    # The same member still wants the urgent ones.
    assert notify(members=[no_mail], kind=Notification.Kind.URGENT_REPORT) == 1


def test_nobody_to_tell_queues_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert notify(members=[], kind=Notification.Kind.NEW_REPORT) == 0
    assert callbacks == []
    assert not OutboundMail.objects.exists()


def test_queued_mail_leaves_as_soon_as_the_transaction_commits(
    django_capture_on_commit_callbacks,
):
    member = member_with_email("holder@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            members=[member],
            kind=Notification.Kind.ACCESS_REQUESTED,
            extra_emails=["oncall@example.org"],
        )
    assert sorted(message.to[0] for message in mail.outbox) == [
        "holder@example.org",
        "oncall@example.org",
    ]
    assert all(len(message.to) == 1 for message in mail.outbox)
    assert not OutboundMail.objects.exists()


def test_saving_preferences_is_audited_without_content():
    member = make_staff(Role.AUDITOR, enrolled=False).member
    services.notification_preference_update(
        member=member, email={"email_new_reports": False, "email_retention": False}
    )
    preference = NotificationPreference.objects.get(member=member)
    assert not preference.wants_email(Notification.Kind.NEW_REPORT)
    assert preference.wants_email(Notification.Kind.SLA_ESCALATION)
    entry = AuditEntry.objects.get(action=Action.SETTINGS_CHANGE)
    assert entry.actor == member.username
    assert entry.detail == {
        "setting": "notification_email",
        "on": ["email_access", "email_my_cases", "email_urgent"],
    }
    with pytest.raises(ValueError, match="unknown preference fields"):
        services.notification_preference_update(member=member, email={"email_all": True})
