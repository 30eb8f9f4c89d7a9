"""Restoring a member's access to their cases after their key was reset (a lost password).

A reset retires the member's key pair: every grant sealed to it is marked ``needs_recovery``,
and the member gets a new key pair at their next sign-in. Two ways seal those grants again to the
new key, so that nothing is lost:

(a) the member types the recovery key of their old key; it opens the retired private key, which
    opens each grant, and the case private key inside is sealed to the new public key;
(b) enough escrow trustees bring their shares; the rebuilt escrow private key opens each case's
    escrow wrap, and the case private key is sealed to the member's new public key.

The old private key and the escrow private key exist only in memory, for the length of one call.
Audit entries carry counts, never which cases or anything they contain.

This lives in ``cases`` because grants are case data; ``accounts`` cannot import ``cases``.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet

from rightsdesk.accounts import services as account_services
from rightsdesk.accounts.models import OrganisationEscrow, RetiredStaffKey, StaffKey, StaffMember
from rightsdesk.audit.models import Action
from rightsdesk.audit.services import audit_record
from rightsdesk.cases.models import CaseGrant
from rightsdesk.crypto import keys, passwords
from rightsdesk.crypto.errors import DecryptionFailed

security_log = logging.getLogger("rightsdesk.security")


class RecoveryKeyNotAccepted(Exception):
    """The recovery key opens none of the member's retired keys (mistyped, or the recovery key
    of their current key rather than of the one that was reset)."""


class MemberHasNoKey(Exception):
    """The member has not signed in since the reset, so there is no new key to seal to yet."""


@dataclass(frozen=True)
class RecoveryStatus:
    # Grants still sealed to a retired key, on cases that were not shredded.
    waiting: int
    # Whether a retired key has a recovery-key wrap, so that path (a) can work at all.
    recovery_key_usable: bool
    # Whether the member signed in since the reset, so that a new key exists to seal to.
    has_key: bool


def _waiting_grants(member: StaffMember) -> QuerySet[CaseGrant]:
    # A shredded case (withdrawn or purged) has no escrow wrap and nothing left to read: its
    # grant is not worth restoring, and must not keep the member's notice up forever.
    return CaseGrant.objects.filter(member=member, needs_recovery=True).exclude(
        case__escrow_wrap=b""
    )


def recovery_status(member: StaffMember) -> RecoveryStatus:
    return RecoveryStatus(
        waiting=_waiting_grants(member).count(),
        recovery_key_usable=RetiredStaffKey.objects.filter(member=member)
        .exclude(private_by_recovery=None)
        .exists(),
        has_key=StaffKey.objects.filter(member=member).exists(),
    )


def escrow_threshold() -> int | None:
    """How many trustees' shares rebuild the escrow key, or None without an escrow key."""
    stored = OrganisationEscrow.objects.first()
    return None if stored is None else stored.threshold


def _current_public_key(member: StaffMember) -> bytes:
    public = StaffKey.objects.filter(member=member).values_list("public_key", flat=True).first()
    if public is None:
        raise MemberHasNoKey
    return bytes(public)


def _reseal(grant: CaseGrant, *, case_private: bytes, member_public: bytes) -> bool:
    """Seal the case key to the member's new key, if it really is this case's key.

    A grant can hold a stale key (the case key pair was rotated after the reset); such a grant is
    left as it is rather than sealed again with a key that opens nothing.
    """
    try:
        public = keys.keypair_from_private(case_private).public
    except ValueError:
        return False
    if not hmac.compare_digest(public, bytes(grant.case.public_key)):
        return False
    grant.sealed_private = keys.seal(member_public, case_private)
    grant.needs_recovery = False
    grant.save(update_fields=["sealed_private", "needs_recovery"])
    return True


def _locked_waiting_grants(member: StaffMember) -> QuerySet[CaseGrant]:
    return _waiting_grants(member).select_related("case").select_for_update(of=("self",))


def staff_key_reset(*, member: StaffMember, actor: StaffMember) -> str:
    """Reset a member's key after a lost password; returns the one-time password, shown once.

    The member's grants are marked as needing recovery: they stay sealed to the retired key until
    the member's recovery key or the escrow trustees re-seal them. Raises ``KeyResetRefused``
    (from ``rightsdesk.accounts.services``) for oneself or a deactivated member.
    """
    with transaction.atomic():
        one_time_password = account_services.staff_key_retire(member=member, actor=actor)
        marked = CaseGrant.objects.filter(member=member).update(needs_recovery=True)
        if not _waiting_grants(member).exists():
            # Nothing to restore: the retired key would only keep a notice up for nothing.
            account_services.staff_retired_keys_discard(member=member)
        audit_record(
            action=Action.KEY_RESET,
            actor=actor,
            detail={"member": member.username, "grants": marked},
        )
    return one_time_password


def grants_recover_with_recovery_key(*, member: StaffMember, recovery_key: str) -> int:
    """Re-seal the member's waiting grants with the recovery key of a retired key.

    Returns how many grants were restored. Raises ``RecoveryKeyNotAccepted`` when the key opens
    no retired key (nothing is changed then) and ``MemberHasNoKey`` before a first new sign-in.
    """
    if passwords.normalise_recovery_key(recovery_key) is None:
        raise RecoveryKeyNotAccepted
    member_public = _current_public_key(member)
    old_pairs: list[keys.KeyPair] = []
    for retired in RetiredStaffKey.objects.filter(member=member).exclude(private_by_recovery=None):
        try:
            private = passwords.unwrap_with_recovery_key(
                bytes(retired.private_by_recovery or b""), recovery_key
            )
        except DecryptionFailed:
            continue
        old_pairs.append(keys.keypair_from_private(private))
    if not old_pairs:
        raise RecoveryKeyNotAccepted
    recovered = 0
    with transaction.atomic():
        for grant in _locked_waiting_grants(member):
            for pair in old_pairs:
                try:
                    case_private = keys.unseal(pair, bytes(grant.sealed_private))
                except DecryptionFailed:
                    continue
                if _reseal(grant, case_private=case_private, member_public=member_public):
                    recovered += 1
                    break
        remaining = _waiting_grants(member).count()
        # Retired keys go once nothing waits: until then they keep the member's notice and the
        # administrators' escrow link up (a grant a recovery key cannot open, its case key
        # having been rotated since, still opens with the escrow key).
        if remaining == 0:
            account_services.staff_retired_keys_discard(member=member)
        audit_record(
            action=Action.KEY_RECOVERY,
            actor=member,
            detail={
                "member": member.username,
                "method": "recovery_key",
                "recovered": recovered,
                "remaining": remaining,
            },
        )
    security_log.info(
        "staff member %s restored %s grants with a recovery key", member.pk, recovered
    )
    return recovered


def grants_recover_with_escrow(
    *, member: StaffMember, escrow_private: bytes, actor: StaffMember | None
) -> int:
    """Re-seal the member's waiting grants from each case's escrow wrap.

    ``escrow_private`` is the rebuilt escrow key, checked against the stored public key. Returns
    how many grants were restored; ``actor`` is who ran the ceremony (None: the command line).
    """
    stored = OrganisationEscrow.objects.first()
    if stored is None:
        raise account_services.EscrowNotInitialised
    try:
        escrow_pair = keys.keypair_from_private(escrow_private)
    except ValueError:
        raise account_services.EscrowKeyMismatch from None
    if not hmac.compare_digest(escrow_pair.public, bytes(stored.public_key)):
        raise account_services.EscrowKeyMismatch
    member_public = _current_public_key(member)
    recovered = 0
    with transaction.atomic():
        for grant in _locked_waiting_grants(member):
            try:
                case_private = keys.unseal(escrow_pair, bytes(grant.case.escrow_wrap))
            except DecryptionFailed:
                continue
            if _reseal(grant, case_private=case_private, member_public=member_public):
                recovered += 1
        remaining = _waiting_grants(member).count()
        if remaining == 0:
            account_services.staff_retired_keys_discard(member=member)
        audit_record(
            action=Action.ESCROW_RESTORE,
            actor=actor,
            detail={"member": member.username, "recovered": recovered, "remaining": remaining},
        )
    security_log.info("escrow key restored %s grants of staff member %s", recovered, member.pk)
    return recovered


def grants_recover_with_escrow_shares(
    *, member: StaffMember, shares: Sequence[str], actor: StaffMember | None
) -> int:
    """The escrow ceremony: rebuild the escrow key from trustees' shares, in memory only, and
    re-seal the member's waiting grants with it. Raises ``InvalidShares``,
    ``EscrowNotInitialised``, ``EscrowKeyMismatch`` or ``MemberHasNoKey``; nothing is changed
    then."""
    _current_public_key(member)
    escrow_private = account_services.escrow_key_rebuild(shares=shares)
    return grants_recover_with_escrow(member=member, escrow_private=escrow_private, actor=actor)
