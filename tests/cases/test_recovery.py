"""A lost password loses no case: after a key reset, the old recovery key or the escrow trustees
seal the member's grants again to their new key."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from rightsdesk.accounts import services as account_services
from rightsdesk.accounts.models import ApiToken, RetiredStaffKey, StaffKey, StaffMember
from rightsdesk.accounts.permissions import Role
from rightsdesk.audit.models import Action, AuditEntry
from rightsdesk.cases import recovery, selectors, services
from rightsdesk.cases.models import Case, CaseGrant, Category, EntryKind, Urgency
from rightsdesk.crypto import escrow as escrow_shares
from rightsdesk.crypto import keys, passwords
from rightsdesk.crypto.errors import DecryptionFailed, InvalidShares
from tests.conftest import sign_in
from tests.factories import StaffLogin, make_staff, reveals_share

CANARY = "canary-recovery-5d21e7"


@dataclass
class Holder:
    login: StaffLogin
    recovery_key: str

    @property
    def member(self) -> StaffMember:
        return self.login.member


@pytest.fixture
def shares(db) -> list[str]:
    return account_services.escrow_initialise(shares=3, threshold=2)


def make_holder(role: Role = Role.COORDINATOR) -> Holder:
    """A member who signed in before and kept the recovery key they were shown."""
    login = make_staff(role)
    pair = account_services.staff_key_open(member=login.member, password=login.password)
    recovery_key = account_services.staff_recovery_key_issue(
        member=login.member, private_key=pair.private
    )
    account_services.staff_recovery_key_confirm(member=login.member, typed=recovery_key)
    return Holder(login=login, recovery_key=recovery_key)


def open_case(text: str = CANARY) -> Case:
    """A case granted to every coordinator, with a report and a note encrypted to it."""
    case = services.case_create(
        category=Category.THREATS,
        urgency=Urgency.HIGH,
        language="fa",
        report={"what_happened": text},
    ).case
    services.case_add_entry(case=case, kind=EntryKind.NOTE, content={"text": f"note {text}"})
    return case


def texts(member: StaffMember, case: Case, private: bytes) -> list[str]:
    timeline = selectors.case_timeline(member, case, private)
    return [entry.content.get("what_happened") or entry.content["text"] for entry in timeline]


def reset_and_sign_in_again(holder: Holder, admin: StaffLogin) -> bytes:
    """Reset the key, then do what the member's next sign-in does: make the new key pair."""
    one_time_password = recovery.staff_key_reset(member=holder.member, actor=admin.member)
    holder.member.refresh_from_db()
    assert holder.member.check_password(one_time_password)
    return account_services.staff_key_open(member=holder.member, password=one_time_password).private


def grant_blobs(member: StaffMember) -> dict[int, tuple[bytes, bool]]:
    return {
        grant.case_id: (bytes(grant.sealed_private), grant.needs_recovery)
        for grant in CaseGrant.objects.filter(member=member)
    }


def test_a_reset_retires_the_key_and_locks_the_grants(shares):
    holder = make_holder()
    admin = make_staff(Role.ADMIN)
    cases = [open_case(), open_case()]
    old_key = StaffKey.objects.get(member=holder.member)
    ApiToken.objects.create(
        member=holder.member,
        key_id="k1",
        secret_hash="0" * 64,
        sealed_private=b"sealed",
        expires_at=timezone.now() + timedelta(days=1),
    )

    one_time_password = recovery.staff_key_reset(member=holder.member, actor=admin.member)

    assert len(one_time_password) == 29
    assert not StaffKey.objects.filter(member=holder.member).exists()
    retired = RetiredStaffKey.objects.get(member=holder.member)
    assert bytes(retired.public_key) == bytes(old_key.public_key)
    assert bytes(retired.private_by_recovery or b"") == bytes(old_key.private_by_recovery or b"")
    assert all(grant[1] for grant in grant_blobs(holder.member).values())
    assert set(grant_blobs(holder.member)) == {case.pk for case in cases}
    assert not ApiToken.objects.filter(member=holder.member).exists()
    holder.member.refresh_from_db()
    assert not holder.member.check_password(holder.login.password)
    entry = AuditEntry.objects.get(action=Action.KEY_RESET)
    assert entry.actor == admin.member.username
    assert entry.detail == {"member": holder.member.username, "grants": 2}
    assert entry.case_reference == ""


def test_path_a_the_old_recovery_key_restores_every_grant(shares):
    holder = make_holder()
    admin = make_staff(Role.ADMIN)
    cases = [open_case(f"{CANARY}-{n}") for n in range(2)]
    # A case shredded after the grant was made: nothing left to restore there.
    shredded = open_case("shredded")
    Case.objects.filter(pk=shredded.pk).update(escrow_wrap=b"")

    new_private = reset_and_sign_in_again(holder, admin)
    with pytest.raises((DecryptionFailed, selectors.CaseContentLocked)):
        selectors.case_timeline(holder.member, cases[0], new_private)
    assert recovery.recovery_status(holder.member) == recovery.RecoveryStatus(
        waiting=2, recovery_key_usable=True, has_key=True
    )

    restored = recovery.grants_recover_with_recovery_key(
        member=holder.member, recovery_key=holder.recovery_key.lower().replace("-", " ")
    )

    assert restored == 2
    for number, case in enumerate(cases):
        assert texts(holder.member, case, new_private) == [
            f"{CANARY}-{number}",
            f"note {CANARY}-{number}",
        ]
    assert not RetiredStaffKey.objects.filter(member=holder.member).exists()
    assert recovery.recovery_status(holder.member).waiting == 0
    entry = AuditEntry.objects.get(action=Action.KEY_RECOVERY)
    assert entry.actor == holder.member.username
    assert entry.case_reference == ""
    assert entry.detail == {
        "member": holder.member.username,
        "method": "recovery_key",
        "recovered": 2,
        "remaining": 0,
    }


def test_path_b_escrow_shares_restore_every_grant(shares):
    holder = make_holder()
    admin = make_staff(Role.ADMIN)
    case = open_case()
    new_private = reset_and_sign_in_again(holder, admin)

    restored = recovery.grants_recover_with_escrow_shares(
        member=holder.member, shares=[shares[2], shares[0]], actor=admin.member
    )

    assert restored == 1
    assert texts(holder.member, case, new_private) == [CANARY, f"note {CANARY}"]
    assert not RetiredStaffKey.objects.filter(member=holder.member).exists()
    entry = AuditEntry.objects.get(action=Action.ESCROW_RESTORE)
    assert entry.actor == admin.member.username
    assert entry.detail == {"member": holder.member.username, "recovered": 1, "remaining": 0}
    # Neither the shares nor the keys reach the audit log.
    dump = repr(list(AuditEntry.objects.values()))
    assert not any(reveals_share(share, dump) for share in shares)


def test_escrow_with_an_already_rebuilt_key(shares):
    holder = make_holder()
    admin = make_staff(Role.ADMIN)
    case = open_case()
    new_private = reset_and_sign_in_again(holder, admin)
    escrow_private = escrow_shares.combine_shares(shares[:2])
    assert (
        recovery.grants_recover_with_escrow(
            member=holder.member, escrow_private=escrow_private, actor=None
        )
        == 1
    )
    assert texts(holder.member, case, new_private)[0] == CANARY
    assert AuditEntry.objects.get(action=Action.ESCROW_RESTORE).actor == ""


def test_wrong_recovery_keys_change_nothing(shares):
    holder = make_holder()
    admin = make_staff(Role.ADMIN)
    open_case()
    new_private = reset_and_sign_in_again(holder, admin)
    # The recovery key shown after the reset belongs to the new key: it cannot help.
    new_recovery_key = account_services.staff_recovery_key_issue(
        member=holder.member, private_key=new_private
    )
    before = grant_blobs(holder.member)
    for wrong in [passwords.new_recovery_key(), new_recovery_key, "not a recovery key", ""]:
        with pytest.raises(recovery.RecoveryKeyNotAccepted):
            recovery.grants_recover_with_recovery_key(member=holder.member, recovery_key=wrong)
    assert grant_blobs(holder.member) == before
    assert RetiredStaffKey.objects.filter(member=holder.member).exists()
    assert not AuditEntry.objects.filter(action=Action.KEY_RECOVERY).exists()


def test_wrong_shares_change_nothing(shares):
    holder = make_holder()
    admin = make_staff(Role.ADMIN)
    open_case()
    reset_and_sign_in_again(holder, admin)
    before = grant_blobs(holder.member)
    other_installation = escrow_shares.split_secret(
        keys.generate_keypair().private, shares=3, threshold=2
    )
    with pytest.raises(InvalidShares):
        recovery.grants_recover_with_escrow_shares(
            member=holder.member, shares=shares[:1], actor=admin.member
        )
    with pytest.raises(InvalidShares):
        recovery.grants_recover_with_escrow_shares(
            member=holder.member, shares=[shares[0], other_installation[1]], actor=admin.member
        )
    with pytest.raises(account_services.EscrowKeyMismatch):
        recovery.grants_recover_with_escrow_shares(
            member=holder.member, shares=other_installation[:2], actor=admin.member
        )
    with pytest.raises(account_services.EscrowKeyMismatch):
        recovery.grants_recover_with_escrow(
            member=holder.member, escrow_private=keys.generate_keypair().private, actor=None
        )
    assert grant_blobs(holder.member) == before
    assert not AuditEntry.objects.filter(action=Action.ESCROW_RESTORE).exists()


def test_nothing_can_be_restored_before_the_member_signs_in_again(shares):
    holder = make_holder()
    admin = make_staff(Role.ADMIN)
    open_case()
    recovery.staff_key_reset(member=holder.member, actor=admin.member)
    assert recovery.recovery_status(holder.member).has_key is False
    with pytest.raises(recovery.MemberHasNoKey):
        recovery.grants_recover_with_recovery_key(
            member=holder.member, recovery_key=holder.recovery_key
        )
    with pytest.raises(recovery.MemberHasNoKey):
        recovery.grants_recover_with_escrow_shares(
            member=holder.member, shares=shares[:2], actor=admin.member
        )
    assert all(grant[1] for grant in grant_blobs(holder.member).values())


def test_two_resets_before_a_recovery_still_lose_nothing(shares):
    holder = make_holder()
    admin = make_staff(Role.ADMIN)
    first = open_case("first")
    middle_private = reset_and_sign_in_again(holder, admin)
    middle_recovery_key = account_services.staff_recovery_key_issue(
        member=holder.member, private_key=middle_private
    )
    second = open_case("second")  # sealed to the key in between
    new_private = reset_and_sign_in_again(holder, admin)
    assert RetiredStaffKey.objects.filter(member=holder.member).count() == 2

    assert (
        recovery.grants_recover_with_recovery_key(
            member=holder.member, recovery_key=middle_recovery_key
        )
        == 1
    )
    assert texts(holder.member, second, new_private)[0] == "second"
    assert RetiredStaffKey.objects.filter(member=holder.member).count() == 2
    assert (
        recovery.grants_recover_with_recovery_key(
            member=holder.member, recovery_key=holder.recovery_key
        )
        == 1
    )
    assert texts(holder.member, first, new_private)[0] == "first"
    assert not RetiredStaffKey.objects.filter(member=holder.member).exists()


def test_a_reset_without_grants_keeps_no_retired_key(shares):
    holder = make_holder(Role.HANDLER)
    admin = make_staff(Role.ADMIN)
    recovery.staff_key_reset(member=holder.member, actor=admin.member)
    assert not RetiredStaffKey.objects.filter(member=holder.member).exists()
    assert not StaffKey.objects.filter(member=holder.member).exists()


def test_a_reset_is_refused_for_oneself_and_for_deactivated_members(shares):
    admin = make_staff(Role.ADMIN)
    other = make_staff(Role.ADMIN)
    handler = make_holder(Role.HANDLER)
    StaffMember.objects.filter(pk=handler.member.pk).update(is_active=False)
    coordinator = make_staff(Role.COORDINATOR)
    with pytest.raises(account_services.KeyResetOfSelf):
        recovery.staff_key_reset(member=admin.member, actor=admin.member)
    with pytest.raises(account_services.KeyResetOfInactive):
        recovery.staff_key_reset(member=handler.member, actor=other.member)
    with pytest.raises(account_services.KeyResetRefused):
        recovery.staff_key_reset(member=other.member, actor=coordinator.member)
    assert StaffKey.objects.filter(member=handler.member).exists()
    assert StaffKey.objects.filter(member=admin.member).exists()
    assert not RetiredStaffKey.objects.exists()
    assert not AuditEntry.objects.filter(action=Action.KEY_RESET).exists()
    handler.member.refresh_from_db()
    assert handler.member.check_password(handler.login.password)


def test_a_reset_ends_the_members_sessions_only(shares, client: Client):
    holder = make_holder()
    admin = make_staff(Role.ADMIN)
    sign_in(client, holder.login)
    bystander = make_staff(Role.HANDLER)
    other_client = Client()
    sign_in(other_client, bystander)
    assert Session.objects.count() == 2
    recovery.staff_key_reset(member=holder.member, actor=admin.member)
    assert Session.objects.count() == 1
    assert client.get("/en/staff/").status_code == 302
    assert other_client.get("/en/staff/").status_code == 200
