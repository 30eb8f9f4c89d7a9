"""Staff key pairs: made at first sign-in, wrapped under the password and a recovery key."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from rightsdesk.accounts import services
from rightsdesk.accounts.keyring import COOKIE, SESSION_FIELD, keyring_private_key
from rightsdesk.accounts.models import StaffKey
from rightsdesk.crypto import keys, passwords
from rightsdesk.crypto.errors import WrongPassword
from tests.conftest import sign_in
from tests.factories import make_staff


def test_first_sign_in_creates_a_key_pair_stored_only_wrapped(client: Client, db):
    login = make_staff(enrolled=False)
    assert not StaffKey.objects.filter(member=login.member).exists()
    client.post(
        "/en/staff/sign-in/",
        {"username": login.member.username, "password": login.password, "code": login.code()},
    )
    key = StaffKey.objects.get(member=login.member)
    private = passwords.unwrap_with_password(bytes(key.private_by_password), login.password)
    assert keys.keypair_from_private(private).public == bytes(key.public_key)
    assert private not in bytes(key.private_by_password)
    assert key.recovery_confirmed_at is None


def test_the_private_key_lives_split_between_session_and_cookie(client: Client, db):
    login = make_staff()
    sign_in(client, login)
    cookie = client.cookies[COOKIE]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Strict"
    assert not cookie["max-age"]
    sealed = client.session[SESSION_FIELD]
    assert cookie.value not in sealed

    class Request:
        session = client.session
        COOKIES = {COOKIE: cookie.value}

    private = keyring_private_key(Request(), member_id=login.member.pk)  # type: ignore[arg-type]
    assert private is not None
    assert keys.keypair_from_private(private).public == bytes(login.member.key.public_key)
    # The session alone (what a database thief gets) opens nothing.
    Request.COOKIES = {}
    assert keyring_private_key(Request(), member_id=login.member.pk) is None  # type: ignore[arg-type]
    Request.COOKIES = {COOKIE: "AAAA" + cookie.value[4:]}
    assert keyring_private_key(Request(), member_id=login.member.pk) is None  # type: ignore[arg-type]


def test_signing_out_deletes_the_key_cookie(client: Client, db):
    sign_in(client, make_staff())
    response = client.post(reverse("accounts:logout"))
    assert response.cookies[COOKIE].value == ""
    assert response.cookies[COOKIE]["max-age"] == 0


def test_a_wrong_recovery_key_is_not_accepted(client: Client, db):
    login = make_staff(enrolled=False)
    client.post(
        "/en/staff/sign-in/",
        {"username": login.member.username, "password": login.password, "code": login.code()},
    )
    client.get(reverse("accounts:recovery-key"))
    wrong = passwords.new_recovery_key()
    response = client.post(reverse("accounts:recovery-key"), {"key": wrong})
    assert "That is not the recovery key shown above" in response.content.decode()
    garbage = client.post(reverse("accounts:recovery-key"), {"key": "not a key!"})
    assert "That is not the recovery key shown above" in garbage.content.decode()
    assert StaffKey.objects.get(member=login.member).recovery_confirmed_at is None


def test_the_recovery_key_opens_the_private_key(db):
    login = make_staff(enrolled=False)
    pair = services.staff_key_open(member=login.member, password=login.password)
    recovery_key = services.staff_recovery_key_issue(member=login.member, private_key=pair.private)
    stored = StaffKey.objects.get(member=login.member).private_by_recovery
    assert stored is not None
    assert passwords.unwrap_with_recovery_key(bytes(stored), recovery_key) == pair.private


def test_password_change_rewraps_the_key(client: Client, db):
    login = make_staff()
    sign_in(client, login)
    before = bytes(login.member.key.public_key)
    response = client.post(
        reverse("accounts:password-change"),
        {
            "current_password": login.password,
            "new_password": "a brand new long passphrase",
            "new_password_again": "a brand new long passphrase",
        },
    )
    assert response.status_code == 302
    # Still signed in on this device.
    assert client.get(reverse("accounts:dashboard")).status_code == 200
    key = StaffKey.objects.get(member=login.member)
    private = passwords.unwrap_with_password(
        bytes(key.private_by_password), "a brand new long passphrase"
    )
    assert keys.keypair_from_private(private).public == before
    with pytest.raises(WrongPassword):
        passwords.unwrap_with_password(bytes(key.private_by_password), login.password)


@pytest.mark.parametrize(
    ("current", "new", "again", "message"),
    [
        (
            "wrong current password",
            "a brand new long passphrase",
            "a brand new long passphrase",
            "Your current password is not correct.",
        ),
        (None, "short", "short", "This password is too short."),
        (None, "a brand new long passphrase", "something else entirely", "are not the same"),
    ],
)
def test_password_change_explains_refusals(client: Client, db, current, new, again, message):
    login = make_staff()
    sign_in(client, login)
    response = client.post(
        reverse("accounts:password-change"),
        {
            "current_password": current or login.password,
            "new_password": new,
            "new_password_again": again,
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    login.member.refresh_from_db()
    assert login.member.check_password(login.password)


def test_stored_weak_kdf_parameters_are_raised_at_sign_in(db, settings):
    login = make_staff()
    settings.STAFF_KEY_KDF = passwords.KdfParams(
        opslimit=passwords.FAST_KDF_FOR_TESTS.opslimit + 1,
        memlimit=passwords.FAST_KDF_FOR_TESTS.memlimit,
    )
    services.staff_key_open(member=login.member, password=login.password)
    blob = bytes(StaffKey.objects.get(member=login.member).private_by_password)
    assert passwords.kdf_params_of(blob) == settings.STAFF_KEY_KDF


def test_changepassword_command_is_refused():
    with pytest.raises(CommandError, match="could not open the member's private key"):
        call_command("changepassword", "someone")


@pytest.mark.django_db
def test_init_escrow_prints_shares_once():
    out = io.StringIO()
    call_command("init-escrow", "--shares", "5", "--threshold", "3", stdout=out)
    assert out.getvalue().count("Share ") == 5
    with pytest.raises(CommandError, match="already has an escrow key"):
        call_command("init-escrow")


@pytest.mark.django_db
def test_init_escrow_explains_bad_numbers():
    with pytest.raises(CommandError):
        call_command("init-escrow", "--shares", "2", "--threshold", "3")
