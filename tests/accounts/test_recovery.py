"""Lost passwords through the pages and the command: an administrator resets a member's key, the
member signs in with a one-time password, and their old recovery key or the escrow trustees give
them their cases back."""

from __future__ import annotations

import io
import re
import time

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from rightsdesk.accounts import services as account_services
from rightsdesk.accounts.models import RetiredStaffKey, StaffKey
from rightsdesk.accounts.permissions import Role
from rightsdesk.audit.models import Action, AuditEntry
from rightsdesk.cases import recovery
from rightsdesk.cases.models import Case, CaseGrant
from rightsdesk.crypto import escrow as escrow_shares
from rightsdesk.crypto import keys, passwords
from tests.cases.test_recovery import CANARY, Holder, make_holder, open_case
from tests.conftest import sign_in
from tests.factories import StaffLogin, make_staff, reveals_share

NEW_PASSWORD = "a fresh and rather long passphrase"


@pytest.fixture
def shares(db) -> list[str]:
    return account_services.escrow_initialise(shares=3, threshold=2)


def shown_secret(response) -> str:
    """The one-time password or recovery key a page shows once."""
    match = re.search(
        r'class="recovery-key" dir="ltr"><code>([^<]+)</code>', response.content.decode()
    )
    assert match, response.content.decode()[:3000]
    return match.group(1)


def reset_on_the_page(admin_client: Client, holder: Holder) -> str:
    url = reverse("accounts:member-key-reset", kwargs={"username": holder.member.username})
    response = admin_client.post(
        url, {"confirm": "on", "password": "correct horse battery staple 42"}
    )
    assert response.status_code == 200
    return shown_secret(response)


def sign_in_after_reset(client: Client, holder: Holder, one_time_password: str) -> None:
    """Sign in with the one-time password, keep the new recovery key, change the password."""
    response = client.post(
        reverse("accounts:login"),
        {
            "username": holder.member.username,
            "password": one_time_password,
            "code": holder.login.code(at=time.time() + 30),
        },
    )
    assert response["Location"] == reverse("accounts:recovery-key")
    new_recovery_key = shown_secret(client.get(reverse("accounts:recovery-key")))
    response = client.post(reverse("accounts:recovery-key"), {"key": new_recovery_key})
    assert response["Location"] == reverse("accounts:dashboard")
    # Until the member chooses their own password, every other page leads to that form.
    response = client.get(reverse("cases:list"))
    assert response["Location"] == reverse("accounts:password-change")
    assert (
        "one-time password from an administrator"
        in client.get(reverse("accounts:password-change")).content.decode()
    )
    response = client.post(
        reverse("accounts:password-change"),
        {
            "current_password": one_time_password,
            "new_password": NEW_PASSWORD,
            "new_password_again": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    holder.member.refresh_from_db()
    assert not holder.member.must_change_password
    assert client.get(reverse("cases:list")).status_code == 200


def case_page(client: Client, case: Case) -> str:
    response = client.get(reverse("cases:detail", kwargs={"reference": case.reference}))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def admin_client(shares) -> Client:
    client = Client()
    sign_in(client, make_staff(Role.ADMIN))
    return client


def test_members_page_offers_a_reset_for_others_only(admin_client: Client, shares):
    holder = make_holder()
    page = admin_client.get(reverse("accounts:members")).content.decode()
    assert reverse("accounts:member-key-reset", kwargs={"username": holder.member.username}) in page
    own = admin_client.get(reverse("accounts:dashboard")).wsgi_request.user.username
    assert reverse("accounts:member-key-reset", kwargs={"username": own}) not in page


def test_the_reset_needs_confirmation_and_the_admins_password(admin_client: Client, shares):
    holder = make_holder()
    url = reverse("accounts:member-key-reset", kwargs={"username": holder.member.username})
    page = admin_client.get(url).content.decode()
    assert "Reset the key of" in page
    unconfirmed = admin_client.post(url, {"password": "correct horse battery staple 42"})
    assert unconfirmed.status_code == 200
    assert "This field is required." in unconfirmed.content.decode()
    wrong_password = admin_client.post(url, {"confirm": "on", "password": "not my password"})
    assert "That is not your password." in wrong_password.content.decode()
    # The box stays ticked; the password is never sent back.
    assert "checked" in wrong_password.content.decode()
    assert "not my password" not in wrong_password.content.decode()
    assert StaffKey.objects.filter(member=holder.member).exists()
    assert not AuditEntry.objects.filter(action=Action.KEY_RESET).exists()


def test_resetting_oneself_or_a_deactivated_member_is_refused(admin_client: Client, shares):
    own = admin_client.get(reverse("accounts:dashboard")).wsgi_request.user
    url = reverse("accounts:member-key-reset", kwargs={"username": own.username})
    form = {"confirm": "on", "password": "correct horse battery staple 42"}
    response = admin_client.post(url, form)
    assert "You cannot reset your own key." in response.content.decode()
    gone = make_staff(Role.HANDLER)
    gone.member.is_active = False
    gone.member.save()
    url = reverse("accounts:member-key-reset", kwargs={"username": gone.member.username})
    assert "This account is deactivated." in admin_client.post(url, form).content.decode()
    assert StaffKey.objects.filter(member=gone.member).exists()
    missing = reverse("accounts:member-key-reset", kwargs={"username": "nobody-here"})
    assert admin_client.post(missing, form).status_code == 404


def test_path_a_end_to_end_through_the_pages(admin_client: Client, shares):
    holder = make_holder()
    case = open_case()
    member_client = Client()
    sign_in(member_client, holder.login)
    assert CANARY in case_page(member_client, case)

    one_time_password = reset_on_the_page(admin_client, holder)
    # The member was signed out everywhere.
    assert member_client.get(reverse("accounts:dashboard")).status_code == 302

    member_client = Client()
    sign_in_after_reset(member_client, holder, one_time_password)
    dashboard = member_client.get(reverse("accounts:dashboard")).content.decode()
    assert reverse("accounts:account-recover") in dashboard
    assert CaseGrant.objects.get(member=holder.member, case=case).needs_recovery
    assert CANARY not in case_page(member_client, case)

    recover = reverse("accounts:account-recover")
    page = member_client.get(recover).content.decode()
    assert "1 case you held is locked" in page
    wrong = passwords.new_recovery_key()
    response = member_client.post(recover, {"recovery_key": wrong})
    assert response.status_code == 200
    assert "That recovery key does not open your previous key." in response.content.decode()
    assert wrong in response.content.decode()  # what was typed stays in the box
    assert CaseGrant.objects.get(member=holder.member, case=case).needs_recovery

    response = member_client.post(recover, {"recovery_key": holder.recovery_key}, follow=True)
    assert "Access to 1 case is restored." in response.content.decode()
    assert reverse("accounts:account-recover") not in response.content.decode()
    assert CANARY in case_page(member_client, case)
    # Nothing is left to restore: the page sends the member back.
    assert member_client.get(recover)["Location"] == reverse("accounts:dashboard")


def test_the_recover_page_without_a_recovery_key_points_to_the_trustees(
    admin_client: Client, shares
):
    holder = make_holder()
    open_case()
    StaffKey.objects.filter(member=holder.member).update(private_by_recovery=None)
    one_time_password = reset_on_the_page(admin_client, holder)
    member_client = Client()
    sign_in_after_reset(member_client, holder, one_time_password)
    recover = reverse("accounts:account-recover")
    assert "escrow trustees can restore" in member_client.get(recover).content.decode()
    response = member_client.post(recover, {"recovery_key": holder.recovery_key})
    assert response.status_code == 200
    assert CaseGrant.objects.get(member=holder.member).needs_recovery


def test_path_b_end_to_end_through_the_escrow_page(admin_client: Client, shares):
    holder = make_holder()
    case = open_case()
    one_time_password = reset_on_the_page(admin_client, holder)
    url = reverse("accounts:member-escrow-restore", kwargs={"username": holder.member.username})
    # Before the member signs in again there is no new key to seal to.
    assert "has not signed in since" in admin_client.get(url).content.decode()
    member_client = Client()
    sign_in_after_reset(member_client, holder, one_time_password)

    page = admin_client.get(url)
    assert "no-store" in page["Cache-Control"]
    assert page.content.decode().count("<textarea") == 2
    members = admin_client.get(reverse("accounts:members")).content.decode()
    assert url in members

    missing = admin_client.post(url, {"share_1": shares[0], "share_2": ""})
    assert "This field is required." in missing.content.decode()
    assert shares[0] in missing.content.decode()  # nothing typed is lost
    other = escrow_shares.split_secret(keys.generate_keypair().private, shares=3, threshold=2)
    mismatch = admin_client.post(url, {"share_1": other[0], "share_2": other[1]})
    assert "not this installation&#x27;s escrow key" in mismatch.content.decode()
    garbled = admin_client.post(url, {"share_1": shares[0], "share_2": shares[0]})
    assert "These shares do not rebuild the escrow key." in garbled.content.decode()
    assert CaseGrant.objects.get(member=holder.member).needs_recovery
    # The shares are never kept in the session.
    session_dump = repr(dict(admin_client.session.items()))
    assert not reveals_share(shares[0], session_dump)

    response = admin_client.post(url, {"share_1": shares[1], "share_2": shares[2]}, follow=True)
    assert "Access to 1 case is restored." in response.content.decode()
    assert CANARY in case_page(member_client, case)
    assert AuditEntry.objects.get(action=Action.ESCROW_RESTORE).detail["recovered"] == 1
    assert "Nothing waits to be restored" in admin_client.get(url).content.decode()


def test_the_recovery_forms_refuse_posts_without_a_csrf_token(shares):
    holder = make_holder()
    admin = make_staff(Role.ADMIN)
    strict = Client(enforce_csrf_checks=True)
    token = strict.get(reverse("accounts:login")).cookies["csrftoken"].value
    response = strict.post(
        reverse("accounts:login"),
        {
            "username": admin.member.username,
            "password": admin.password,
            "code": admin.code(),
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 302
    url = reverse("accounts:member-key-reset", kwargs={"username": holder.member.username})
    refused = strict.post(url, {"confirm": "on", "password": admin.password})
    assert refused.status_code == 403
    assert StaffKey.objects.filter(member=holder.member).exists()
    strict.get(url)
    accepted = strict.post(
        url,
        {
            "confirm": "on",
            "password": admin.password,
            "csrfmiddlewaretoken": strict.cookies["csrftoken"].value,
        },
    )
    assert accepted.status_code == 200
    assert not StaffKey.objects.filter(member=holder.member).exists()


def _reset_and_sign_in(holder: Holder, admin: StaffLogin) -> None:
    one_time_password = recovery.staff_key_reset(member=holder.member, actor=admin.member)
    account_services.staff_key_open(member=holder.member, password=one_time_password)


def test_the_command_restores_from_shares_on_standard_input(shares):
    holder = make_holder()
    admin = make_staff(Role.ADMIN)
    open_case()
    open_case()
    _reset_and_sign_in(holder, admin)
    out = io.StringIO()
    call_command(
        "escrow-restore",
        "--member",
        holder.member.username.upper(),
        stdin=io.StringIO(f"\n{shares[0]}\n\n{shares[2]}\n"),
        stdout=out,
    )
    assert "Restored access to 2 case(s)" in out.getvalue()
    assert "0 still waiting" in out.getvalue()
    assert shares[0] not in out.getvalue()
    assert not CaseGrant.objects.filter(member=holder.member, needs_recovery=True).exists()
    assert not RetiredStaffKey.objects.filter(member=holder.member).exists()
    entry = AuditEntry.objects.get(action=Action.ESCROW_RESTORE)
    assert (entry.actor, entry.detail["recovered"]) == ("", 2)
    again = io.StringIO()
    call_command("escrow-restore", "--member", holder.member.username, stdout=again)
    assert "Nothing waits to be restored" in again.getvalue()


def test_the_command_explains_what_is_wrong(shares):
    holder = make_holder()
    admin = make_staff(Role.ADMIN)
    open_case()
    with pytest.raises(CommandError, match="no staff member"):
        call_command("escrow-restore", "--member", "nobody-here", stdin=io.StringIO(""))
    recovery.staff_key_reset(member=holder.member, actor=admin.member)
    with pytest.raises(CommandError, match="has not signed in since the key reset"):
        call_command("escrow-restore", "--member", holder.member.username, stdin=io.StringIO(""))
    _reset_and_sign_in(holder, make_staff(Role.ADMIN))
    with pytest.raises(CommandError, match="2 different shares are needed"):
        call_command(
            "escrow-restore", "--member", holder.member.username, stdin=io.StringIO(shares[0])
        )
    words = shares[1].split()
    words[3] = "zzzz"
    with pytest.raises(CommandError, match="share 2, word 4") as refused:
        call_command(
            "escrow-restore",
            "--member",
            holder.member.username,
            stdin=io.StringIO(f"{shares[0]}\n{' '.join(words)}\n"),
        )
    assert not reveals_share(shares[0], str(refused.value))
    other = escrow_shares.split_secret(keys.generate_keypair().private, shares=2, threshold=2)
    with pytest.raises(CommandError, match="not this installation's escrow key"):
        call_command(
            "escrow-restore",
            "--member",
            holder.member.username,
            stdin=io.StringIO("\n".join(other)),
        )
    assert CaseGrant.objects.get(member=holder.member).needs_recovery


@pytest.mark.django_db
def test_the_command_needs_an_escrow_key():
    holder = make_holder(Role.HANDLER)
    with pytest.raises(CommandError, match="no escrow key"):
        call_command("escrow-restore", "--member", holder.member.username, stdin=io.StringIO(""))


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_command_asks_for_each_share_without_echo_at_a_terminal(shares, monkeypatch):
    holder = make_holder()
    open_case()
    _reset_and_sign_in(holder, make_staff(Role.ADMIN))
    typed: list[str] = [shares[1], shares[0]]
    prompts: list[str] = []

    def hidden_input(prompt: str) -> str:
        prompts.append(prompt)
        return typed.pop(0)

    monkeypatch.setattr("getpass.getpass", hidden_input)
    out = io.StringIO()
    call_command("escrow-restore", "--member", holder.member.username, stdin=Terminal(), stdout=out)
    assert prompts == ["Share 1 (not shown): ", "Share 2 (not shown): "]
    assert "Restored access to 1 case(s)" in out.getvalue()
