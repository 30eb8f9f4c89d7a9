"""Signing in: password and code together, enrolment on first sign-in, generic errors, delays."""

import time
from datetime import timedelta

import pyotp
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rightsdesk.accounts.models import LoginThrottle
from rightsdesk.accounts.permissions import Role
from tests.conftest import sign_in

LOGIN = "/en/staff/sign-in/"
ENROL = "/en/staff/sign-in/authenticator/"
GENERIC = "The username, password or code is not correct."


def post_login(client: Client, username: str, password: str, code: str = "", **extra: str):
    return client.post(LOGIN, {"username": username, "password": password, "code": code, **extra})


def test_sign_in_with_password_and_code(client: Client, staff):
    login = staff(Role.COORDINATOR)
    sign_in(client, login)
    response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == 200
    assert "Coordinator" in response.content.decode()
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("mistake", ["password", "code", "username", "empty-code"])
def test_every_mistake_gets_the_same_generic_message(client: Client, staff, mistake: str):
    login = staff()
    values = {
        "username": login.member.username,
        "password": login.password,
        "code": login.code(),
    }
    if mistake == "password":
        values["password"] = "wrong password here"
    elif mistake == "code":
        values["code"] = "000000" if login.code() != "000000" else "111111"
    elif mistake == "username":
        values["username"] = "nobody-by-this-name"
    else:
        values["code"] = ""
    response = client.post(LOGIN, values)
    assert response.status_code == 200
    html = response.content.decode()
    assert GENERIC in html
    # What the person typed is kept, except the secrets.
    assert f'value="{values["username"]}"' in html
    assert values["password"] not in html
    assert "_auth_user_id" not in client.session


def test_inactive_member_cannot_sign_in(client: Client, staff):
    login = staff()
    login.member.is_active = False
    login.member.save()
    response = post_login(client, login.member.username, login.password, login.code())
    assert GENERIC in response.content.decode()


def test_a_code_cannot_be_used_twice(client: Client, staff):
    login = staff()
    code = login.code()
    sign_in(client, login)
    client.post(reverse("accounts:logout"))
    response = post_login(client, login.member.username, login.password, code)
    assert GENERIC in response.content.decode()


def test_username_is_case_insensitive_and_trimmed(client: Client, staff):
    login = staff(username="amina")
    response = post_login(client, "  AMINA ", login.password, login.code())
    assert response.status_code == 302


def test_first_sign_in_requires_enrolment_before_anything_else(client: Client, staff):
    login = staff(Role.ADMIN, enrolled=False)
    response = post_login(client, login.member.username, login.password)
    assert response.status_code == 302
    assert response["Location"].startswith(ENROL)
    # Not signed in yet: every staff page still sends back to sign-in.
    dashboard = client.get(reverse("accounts:dashboard"))
    assert dashboard.status_code == 302
    assert dashboard["Location"].startswith(LOGIN)

    page = client.get(ENROL)
    html = page.content.decode()
    assert "<svg" in html
    assert '<path d="M4 4h7' in html
    shown_seed = login.seed[:4] + " " + login.seed[4:8]
    assert shown_seed in html

    wrong = client.post(ENROL, {"code": "000000" if login.code() != "000000" else "111111"})
    assert "That code is not right" in wrong.content.decode()

    done = client.post(ENROL, {"code": login.code()})
    assert done.status_code == 302
    assert done["Location"] == reverse("accounts:recovery-key")
    login.member.totp.refresh_from_db()
    assert login.member.totp.confirmed
    # Next comes the recovery key; nothing else opens until it is confirmed.
    assert client.get(reverse("accounts:dashboard"))["Location"] == reverse("accounts:recovery-key")
    recovery_page = client.get(reverse("accounts:recovery-key")).content.decode()
    shown = recovery_page.split('<p class="recovery-key" dir="ltr"><code>')[1].split("<")[0]
    confirmed = client.post(reverse("accounts:recovery-key"), {"key": shown.lower()})
    assert confirmed["Location"] == reverse("accounts:dashboard")
    assert client.get(reverse("accounts:dashboard")).status_code == 200


def test_enrolment_by_link_lets_a_code_through_on_first_sign_in(client: Client, staff):
    login = staff(enrolled=False)
    response = post_login(client, login.member.username, login.password, login.code())
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:recovery-key")


def test_enrolment_page_needs_a_password_first(client: Client, db):
    response = client.get(ENROL)
    assert response.status_code == 302
    assert response["Location"] == LOGIN


def test_abandoned_enrolment_expires(client: Client, staff, settings):
    login = staff(enrolled=False)
    post_login(client, login.member.username, login.password)
    settings.LOGIN_PENDING_SECONDS = -1
    response = client.get(ENROL)
    assert response.status_code == 302
    assert response["Location"] == LOGIN


def test_next_is_followed_only_within_the_site(client: Client, staff):
    login = staff(Role.ADMIN)
    members = reverse("accounts:members")
    response = post_login(client, login.member.username, login.password, login.code(), next=members)
    assert response["Location"] == members
    client.post(reverse("accounts:logout"))
    evil = post_login(
        client,
        login.member.username,
        login.password,
        pyotp.TOTP(login.seed).at(time.time() + 30),
        next="https://evil.example/",
    )
    assert evil["Location"] == reverse("accounts:dashboard")


def test_delays_grow_after_a_few_failures_and_say_how_long(client: Client, staff):
    login = staff()
    for _attempt in range(3):
        assert GENERIC in post_login(client, login.member.username, "wrong").content.decode()
    throttled = post_login(client, login.member.username, login.password, login.code())
    html = throttled.content.decode()
    assert "Too many attempts. Please wait 1 second and try again." in html
    assert "_auth_user_id" not in client.session


def test_delay_applies_to_unknown_names_too(client: Client, db):
    for _attempt in range(4):
        response = post_login(client, "ghost", "wrong")
    assert "Too many attempts" in response.content.decode()


def test_nobody_is_locked_out_for_good(client: Client, staff):
    login = staff()
    for _attempt in range(12):
        post_login(client, login.member.username, "wrong")
    # Pretend the longest delay has passed.
    LoginThrottle.objects.update(last_failure_at=timezone.now() - timedelta(minutes=2))
    response = post_login(client, login.member.username, login.password, login.code())
    assert response.status_code == 302


def test_delay_caps_and_failures_are_forgotten_after_an_hour(client: Client, staff, settings):
    login = staff()
    for _attempt in range(40):
        LoginThrottle.objects.update(last_failure_at=timezone.now() - timedelta(minutes=5))
        post_login(client, login.member.username, "wrong")
    response = post_login(client, login.member.username, login.password, login.code())
    assert f"wait {settings.LOGIN_DELAY_CAP_SECONDS} seconds" in response.content.decode()
    LoginThrottle.objects.update(last_failure_at=timezone.now() - timedelta(hours=2))
    assert (
        post_login(client, login.member.username, login.password, login.code()).status_code == 302
    )


def test_one_client_guessing_many_names_is_slowed_down(client: Client, db, settings):
    for attempt in range(settings.LOGIN_FREE_FAILURES * 10):
        post_login(client, f"name{attempt}", "wrong")
    response = post_login(client, "someone-new", "wrong")
    assert "Too many attempts" in response.content.decode()


def test_throttle_stores_only_keyed_hashes(client: Client, db):
    post_login(client, "visible-name", "wrong", REMOTE_ADDR="203.0.113.5")
    keys = " ".join(LoginThrottle.objects.values_list("key", flat=True))
    assert "visible-name" not in keys
    assert "203.0.113.5" not in keys
    assert "127.0.0.1" not in keys


def test_sign_in_form_requires_csrf(staff):
    login = staff()
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        LOGIN,
        {"username": login.member.username, "password": login.password, "code": login.code()},
    )
    assert response.status_code == 403
    page = strict.get(LOGIN)
    token = page.cookies["csrftoken"].value
    response = strict.post(
        LOGIN,
        {
            "username": login.member.username,
            "password": login.password,
            "code": login.code(),
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 302


def test_signed_in_member_visiting_sign_in_goes_to_the_dashboard(client: Client, signed_in):
    signed_in()
    response = client.get(LOGIN)
    assert response["Location"] == reverse("accounts:dashboard")


def test_sign_out_needs_post_and_ends_the_session_on_the_server(client: Client, signed_in):
    signed_in()
    old_key = client.session.session_key
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response["Location"] == LOGIN
    # Replaying the old cookie does not bring the session back.
    replay = Client()
    replay.cookies["rightsdesk_session"] = old_key or ""
    assert replay.get(reverse("accounts:dashboard")).status_code == 302


def test_no_referrer_form_posts_pass_only_when_the_browser_says_same_origin(staff):
    """Browsers send Origin: null under no-referrer; Sec-Fetch-Site tells who really posted."""
    login = staff()
    browser = Client(enforce_csrf_checks=True)
    token = browser.get(LOGIN).cookies["csrftoken"].value
    values = {
        "username": login.member.username,
        "password": login.password,
        "code": login.code(),
        "csrfmiddlewaretoken": token,
    }
    forged = browser.post(LOGIN, values, HTTP_ORIGIN="null", HTTP_SEC_FETCH_SITE="cross-site")
    assert forged.status_code == 403
    no_fetch_metadata = browser.post(LOGIN, values, HTTP_ORIGIN="null")
    assert no_fetch_metadata.status_code == 403
    ours = browser.post(LOGIN, values, HTTP_ORIGIN="null", HTTP_SEC_FETCH_SITE="same-origin")
    assert ours.status_code == 302
