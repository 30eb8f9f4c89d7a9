"""Signing in, failing to and signing out leave entries that say who, never with what secret
or from where."""

from __future__ import annotations

import pytest
from django.db.models import QuerySet
from django.test import Client

from rightsdesk.accounts.permissions import Role
from rightsdesk.audit.models import Action, AuditEntry
from rightsdesk.audit.verification import audit_verify
from tests.conftest import sign_in
from tests.factories import make_staff

LOGIN = "/en/staff/sign-in/"
ADDRESS = "203.0.113.77"


def post_login(client: Client, username: str, password: str, code: str = ""):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "code": code},
        REMOTE_ADDR=ADDRESS,
    )


def sign_in_events() -> QuerySet[AuditEntry]:
    """The log without the entries that record the test's accounts being created."""
    return AuditEntry.objects.exclude(action=Action.MEMBER_CHANGE)


def everything_recorded() -> str:
    return "\n".join(
        str(row) for row in AuditEntry.objects.values_list("actor", "case_reference", "detail")
    )


def test_a_sign_in_is_recorded(client: Client, db):
    login = make_staff(Role.HANDLER, username="amira")
    sign_in(client, login)
    entry = sign_in_events().get()
    assert (entry.action, entry.actor, entry.case_reference, entry.detail) == (
        Action.SIGN_IN,
        "amira",
        "",
        {},
    )
    assert login.password not in everything_recorded()


def test_a_first_sign_in_says_the_authenticator_is_still_to_be_set_up(client: Client, db):
    login = make_staff(Role.HANDLER, username="amira", enrolled=False)
    response = post_login(client, "amira", login.password)
    assert response.status_code == 302
    entry = sign_in_events().get()
    assert (entry.action, entry.actor) == (Action.SIGN_IN, "amira")
    assert entry.detail == {"authenticator_enrolment": True}


@pytest.mark.parametrize("mistake", ["password", "code"])
def test_a_failed_sign_in_names_the_account_tried(client: Client, db, mistake: str):
    login = make_staff(Role.HANDLER, username="amira")
    password = "wrong password here" if mistake == "password" else login.password
    code = login.code() if mistake == "password" else "not-a-code"
    post_login(client, "  Amira ", password, code)
    entry = sign_in_events().get()
    assert (entry.action, entry.actor, entry.detail) == (
        Action.SIGN_IN_FAILED,
        "",
        {"username": "amira"},
    )
    recorded = everything_recorded()
    assert "wrong password here" not in recorded
    assert login.password not in recorded
    assert ADDRESS not in recorded


def test_a_failed_sign_in_under_an_unknown_name_keeps_no_name(client: Client, db):
    make_staff(Role.HANDLER, username="amira")
    post_login(client, "nobody-by-this-name", "a guess")
    entry = sign_in_events().get()
    assert (entry.action, entry.actor, entry.detail) == (Action.SIGN_IN_FAILED, "", {})
    assert "nobody-by-this-name" not in everything_recorded()


def test_a_password_typed_into_the_name_box_is_not_kept(client: Client, db):
    login = make_staff(Role.HANDLER, username="amira")
    post_login(client, login.password, login.password)
    assert sign_in_events().get().detail == {}
    assert login.password not in everything_recorded()


def test_a_deactivated_account_is_still_named(client: Client, db):
    login = make_staff(Role.HANDLER, username="amira")
    login.member.is_active = False
    login.member.save(update_fields=["is_active"])
    post_login(client, "amira", login.password, login.code())
    assert sign_in_events().get().detail == {"username": "amira"}


def test_a_key_the_password_cannot_open_is_a_failed_sign_in(client: Client, db):
    login = make_staff(Role.HANDLER, username="amira")
    # A password set behind rightsdesk's back, without re-wrapping the member's key.
    login.member.set_password("another password entirely")
    login.member.save(update_fields=["password"])
    post_login(client, "amira", "another password entirely", login.code())
    entry = sign_in_events().get()
    assert (entry.action, entry.detail) == (Action.SIGN_IN_FAILED, {"username": "amira"})
    assert "another password entirely" not in everything_recorded()


def test_refusals_while_throttled_are_not_recorded(client: Client, db):
    """They cost an attacker nothing and never reach the password check; recording each one
    would let anyone fill the log. The failures that caused the delay are recorded."""
    login = make_staff(Role.HANDLER, username="amira")
    for _attempt in range(3):
        post_login(client, "amira", "wrong")
    response = post_login(client, "amira", login.password, login.code())
    assert "Too many attempts" in response.content.decode()
    assert list(sign_in_events().values_list("action", flat=True)) == [Action.SIGN_IN_FAILED] * 3


def test_a_sign_out_is_recorded(client: Client, db):
    sign_in(client, make_staff(Role.AUDITOR, username="amira"))
    response = client.post("/en/staff/sign-out/")
    assert response.status_code == 302
    entry = AuditEntry.objects.order_by("-sequence").first()
    assert entry is not None
    assert (entry.action, entry.actor, entry.detail) == (Action.SIGN_OUT, "amira", {})


def test_sign_in_events_keep_the_chain_intact(client: Client, db):
    login = make_staff(Role.HANDLER, username="amira")
    post_login(client, "amira", "wrong")
    post_login(client, "ghost", "wrong")
    sign_in(client, login)
    client.post("/en/staff/sign-out/")
    result = audit_verify()
    assert result.intact
    assert result.entries_checked == 5  # with the account being created
