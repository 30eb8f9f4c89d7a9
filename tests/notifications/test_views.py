"""The notification list and the email preferences page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from rightsdesk.accounts.models import Notification
from rightsdesk.accounts.permissions import Role
from rightsdesk.notifications.models import NotificationPreference
from rightsdesk.notifications.views import PAGE_SIZE
from tests.conftest import sign_in
from tests.factories import make_staff

pytestmark = pytest.mark.django_db

LIST = "/en/staff/notifications/"
PREFERENCES = "/en/staff/notifications/preferences/"


def test_the_list_shows_only_my_notifications_newest_first_and_marks_unread(client: Client):
    me = make_staff(Role.TRANSLATOR)
    other = make_staff(Role.COORDINATOR)
    now = timezone.now()
    old = Notification.objects.create(member=me.member, kind=Notification.Kind.CASE_ASSIGNED)
    Notification.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=1), read_at=now)
    Notification.objects.create(member=me.member, kind=Notification.Kind.RETENTION_WARNING)
    Notification.objects.create(member=other.member, kind=Notification.Kind.URGENT_REPORT)
    sign_in(client, me)

    page = client.get(LIST).content.decode()

    assert page.index("A case you hold will be purged soon.") < page.index(
        "A case was assigned to you."
    )
    assert "Urgent" not in page
    assert page.count('class="unread"') == 1
    assert "You have 1 unread notification." in page
    assert 'href="/en/staff/notifications/"' in page  # the staff navigation links here


def test_the_list_is_paginated(client: Client):
    me = make_staff(Role.HANDLER)
    Notification.objects.bulk_create(
        Notification(member=me.member, kind=Notification.Kind.NEW_REPORT)
        for _ in range(PAGE_SIZE + 3)
    )
    sign_in(client, me)
    first = client.get(LIST)
    assert len(first.context["page"].object_list) == PAGE_SIZE
    assert "?page=2" in first.content.decode()
    second = client.get(LIST, {"page": "2"})
    assert len(second.context["page"].object_list) == 3
    # A page number that makes no sense shows the first page rather than an error.
    assert client.get(LIST, {"page": "x"}).status_code == 200


def test_mark_all_read_from_the_list(client: Client):
    me = make_staff(Role.ADMIN)
    other = make_staff(Role.ADMIN)
    Notification.objects.create(member=me.member, kind=Notification.Kind.ACCESS_ANSWERED)
    Notification.objects.create(member=other.member, kind=Notification.Kind.ACCESS_ANSWERED)
    sign_in(client, me)
    assert "Mark all as read" in client.get(LIST).content.decode()

    response = client.post("/en/staff/notifications/mark-read/", follow=True)

    assert response.redirect_chain == [(LIST, 302)]
    page = response.content.decode()
    assert "All notifications are marked as read." in page
    assert 'class="unread"' not in page
    assert "Mark all as read" not in page
    assert Notification.objects.get(member=other.member).read_at is None


def test_preferences_start_from_the_defaults_and_are_saved(client: Client):
    me = make_staff(Role.PARTNER_LIAISON)
    sign_in(client, me)
    page = client.get(PREFERENCES).content.decode()
    assert page.count('type="checkbox"') == 5
    assert page.count("checked") == 5
    assert "Your account has no email address" in page

    response = client.post(PREFERENCES, {"email_urgent": "on", "email_access": "on"}, follow=True)

    assert response.redirect_chain == [(PREFERENCES, 302)]
    page = response.content.decode()
    assert "Your notification preferences were saved." in page
    assert page.count("checked") == 2
    preference = NotificationPreference.objects.get(member=me.member)
    assert (preference.email_urgent, preference.email_new_reports) == (True, False)
    assert (preference.email_my_cases, preference.email_access) == (False, True)
    assert preference.email_retention is False


def test_every_checkbox_has_a_label(client: Client):
    me = make_staff(Role.CONTENT_EDITOR)
    me.member.email = "editor@example.org"
    me.member.save()
    sign_in(client, me)
    response = client.get(PREFERENCES)
    page = response.content.decode()
    assert "Your account has no email address" not in page
    for field in response.context["form"]:
        assert f'<label for="{field.id_for_label}">' in page


def test_the_preferences_form_needs_its_csrf_token(client: Client):
    sign_in(client, make_staff(Role.HANDLER))
    browser = client
    browser.handler.enforce_csrf_checks = True
    assert browser.post(PREFERENCES, {}).status_code == 403
    assert not NotificationPreference.objects.exists()
    token = str(browser.get(PREFERENCES).context["csrf_token"])
    response = browser.post(PREFERENCES, {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert not NotificationPreference.objects.get().email_urgent
