import time

from django.test import Client
from django.urls import reverse

from rightsdesk.accounts.middleware import SEEN_AT, VERIFIED_AT
from rightsdesk.accounts.permissions import Role

DASHBOARD = "/en/staff/"


def age_session(client: Client, *, verified_ago: float, seen_ago: float) -> None:
    session = client.session
    now = time.time()
    session[VERIFIED_AT] = now - verified_ago
    session[SEEN_AT] = now - seen_ago
    session.save()


def test_session_cookie_is_strict_http_only_and_dies_with_the_browser(client: Client, signed_in):
    signed_in()
    cookie = client.cookies["rightsdesk_session"]
    assert cookie["samesite"] == "Strict"
    assert cookie["httponly"]
    assert not cookie["max-age"]
    assert not cookie["expires"]


def test_idle_session_ends_after_thirty_minutes(client: Client, signed_in):
    signed_in()
    age_session(client, verified_ago=31 * 60, seen_ago=29 * 60)
    assert client.get(DASHBOARD).status_code == 200
    age_session(client, verified_ago=32 * 60, seen_ago=31 * 60)
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    page = client.get(response["Location"])
    assert "Your session ended. Please sign in again." in page.content.decode()


def test_busy_session_still_ends_after_eight_hours(client: Client, signed_in):
    signed_in()
    age_session(client, verified_ago=8 * 3600 - 60, seen_ago=10)
    assert client.get(DASHBOARD).status_code == 200
    age_session(client, verified_ago=8 * 3600 + 60, seen_ago=10)
    assert client.get(DASHBOARD).status_code == 302


def test_activity_moves_the_idle_clock(client: Client, signed_in):
    signed_in()
    age_session(client, verified_ago=600, seen_ago=120)
    client.get(DASHBOARD)
    assert time.time() - client.session[SEEN_AT] < 5


def test_a_session_without_the_two_factor_mark_counts_as_signed_out(client: Client, staff):
    login = staff(Role.HANDLER)
    # Django's own login() alone, as a buggy view might do: not enough to be signed in.
    client.force_login(login.member)
    assert client.get(DASHBOARD).status_code == 302
