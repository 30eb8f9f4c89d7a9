"""Every change to staff accounts goes through these functions."""

from __future__ import annotations

import hmac
import logging
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import SESSION_KEY, authenticate, password_validation
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rightsdesk.accounts import throttle, totp
from rightsdesk.accounts.models import (
    ApiToken,
    Notification,
    OrganisationEscrow,
    RetiredStaffKey,
    StaffKey,
    StaffMember,
    TotpDevice,
    username_validator,
)
from rightsdesk.accounts.permissions import Permission, Role
from rightsdesk.audit.models import Action
from rightsdesk.audit.services import audit_record
from rightsdesk.crypto import escrow, keys, passwords
from rightsdesk.crypto.errors import WrongPassword

security_log = logging.getLogger("rightsdesk.security")


class SignInFailed(Exception):
    """Wrong username, password or code. Deliberately says no more than that."""


class SignInThrottled(Exception):
    def __init__(self, wait_seconds: int) -> None:
        super().__init__(f"wait {wait_seconds} s")
        self.wait_seconds = wait_seconds


class EnrolmentCodeInvalid(Exception):
    """The code typed while setting up an authenticator does not match (or was used already)."""


class RecoveryKeyMismatch(Exception):
    """The recovery key typed back does not open the member's key."""


class PasswordChangeRefused(Exception):
    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


class EscrowExists(Exception):
    """The organisation already has an escrow key; replacing it is a separate, audited process."""


class StaffMemberInvalid(ValueError):
    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class SignInResult:
    member: StaffMember
    needs_enrolment: bool
    # The member's unwrapped private key, to be kept only in the session keyring.
    private_key: bytes
    recovery_confirmed: bool


def staff_member_create(
    *,
    username: str,
    role: str,
    password: str,
    display_name: str = "",
    email: str = "",
    check_password_strength: bool = True,
) -> tuple[StaffMember, str]:
    """Create a member with an authenticator waiting to be confirmed.

    Returns the member and the one-time ``otpauth://`` URI of the new seed: it is shown once to
    whoever runs the command and never stored in readable form.
    """
    username = username.strip().lower()
    problems: list[str] = []
    try:
        username_validator(username)
    except ValidationError as error:
        problems.extend(error.messages)
    if role not in Role.values:
        problems.append(f"unknown role {role!r}; choose one of {', '.join(Role.values)}")
    if StaffMember.objects.filter(username=username).exists():
        problems.append(f"a staff member named {username!r} exists already")
    member = StaffMember(username=username, role=role, display_name=display_name, email=email)
    if check_password_strength:
        try:
            password_validation.validate_password(password, member)
        except ValidationError as error:
            problems.extend(error.messages)
    if problems:
        raise StaffMemberInvalid([str(problem) for problem in problems])
    member.set_password(password)
    seed = totp.new_seed()
    with transaction.atomic():
        member.save()
        TotpDevice.objects.create(
            member=member, encrypted_seed=totp.encrypt_seed(seed, member_id=member.pk)
        )
        audit_record(action=Action.MEMBER_CHANGE, detail={"created": username, "role": role})
    security_log.info("staff member %s created with role %s", member.pk, role)
    return member, totp.provisioning_uri(seed, username=username, issuer=settings.SITE_NAME)


def _accept_code(device: TotpDevice, code: str, *, now: float | None) -> bool:
    seed = totp.decrypt_seed(device.encrypted_seed, member_id=device.member_id)
    step = totp.matching_step(seed, code, last_used_step=device.last_used_step, now=now)
    if step is None:
        return False
    # The conditional update makes two simultaneous uses of one code race safely: one wins.
    fields: dict[str, object] = {"last_used_step": step}
    if device.confirmed_at is None:
        fields["confirmed_at"] = timezone.now()
    won = TotpDevice.objects.filter(pk=device.pk, last_used_step__lt=step).update(**fields)
    return won == 1


def staff_sign_in(
    *, username: str, password: str, code: str, client_address: str, now: float | None = None
) -> SignInResult:
    """Check a sign-in. Raises SignInThrottled, SignInFailed, or returns who signed in.

    A member whose authenticator is not yet confirmed may leave the code empty and is sent to
    enrolment; one who set it up from the enrolment link may give a code and is signed in.
    """
    moment = timezone.now()
    account_key = throttle.throttle_key("account", username.strip().lower())
    client_key = throttle.throttle_key("client", client_address)
    wait = max(
        throttle.seconds_to_wait(account_key, throttle.account_policy(), now=moment),
        throttle.seconds_to_wait(client_key, throttle.client_policy(), now=moment),
    )
    if wait:
        raise SignInThrottled(wait)

    member = authenticate(None, username=username.strip().lower(), password=password)
    result: SignInResult | None = None
    if isinstance(member, StaffMember):
        device, _created = TotpDevice.objects.get_or_create(
            member=member,
            defaults={"encrypted_seed": totp.encrypt_seed(totp.new_seed(), member_id=member.pk)},
        )
        needs_enrolment = not device.confirmed and not code.strip()
        if needs_enrolment or _accept_code(device, code, now=now):
            try:
                key = staff_key_open(member=member, password=password)
            except WrongPassword:
                # The password was changed without re-wrapping the key (never through
                # rightsdesk); only key recovery can help, so refuse rather than half sign in.
                security_log.warning(
                    "staff member %s has a key their password cannot open", member.pk
                )
                audit_record(action=Action.SIGN_IN_FAILED, detail={"username": member.username})
                raise SignInFailed from None
            result = SignInResult(
                member,
                needs_enrolment=needs_enrolment,
                private_key=key.private,
                recovery_confirmed=member.key.recovery_confirmed_at is not None,
            )

    if result is None:
        throttle.record_failure(account_key, now=moment)
        throttle.record_failure(client_key, now=moment)
        # The name typed is recorded only when it is a member's: a stranger's guess, or a
        # password typed into the wrong box, never reaches the log. The address never does.
        typed = username.strip().lower()
        known = StaffMember.objects.filter(username=typed).exists()
        audit_record(action=Action.SIGN_IN_FAILED, detail={"username": typed} if known else {})
        security_log.info("sign-in failed")
        raise SignInFailed
    throttle.forget(account_key)
    # A member still setting up their authenticator has passed the password check only; the
    # entry says so, and the sign-in completes when they confirm a code.
    audit_record(
        action=Action.SIGN_IN,
        actor=result.member,
        detail={"authenticator_enrolment": True} if result.needs_enrolment else {},
    )
    security_log.info("staff member %s passed the password check", result.member.pk)
    return result


def totp_enrolment_confirm(*, member: StaffMember, code: str, now: float | None = None) -> None:
    device = member.totp
    if device.confirmed or not _accept_code(device, code, now=now):
        raise EnrolmentCodeInvalid
    security_log.info("staff member %s confirmed an authenticator", member.pk)


def totp_enrolment_details(*, member: StaffMember) -> tuple[str, str]:
    """The seed (for typing by hand) and its otpauth URI, for a member still enrolling."""
    device = member.totp
    seed = totp.decrypt_seed(device.encrypted_seed, member_id=member.pk)
    return seed, totp.provisioning_uri(seed, username=member.username, issuer=settings.SITE_NAME)


def _kdf() -> passwords.KdfParams:
    return settings.STAFF_KEY_KDF


def staff_key_open(*, member: StaffMember, password: str) -> keys.KeyPair:
    """The member's key pair, created on first use and unwrapped with their password.

    Only ever called after the password was verified. When the stored Argon2id parameters are
    weaker than today's, the private key is wrapped again with the current ones.
    """
    existing = StaffKey.objects.filter(member=member).first()
    if existing is None:
        pair = keys.generate_keypair()
        StaffKey.objects.create(
            member=member,
            public_key=pair.public,
            private_by_password=passwords.wrap_with_password(pair.private, password, params=_kdf()),
        )
        security_log.info("staff member %s received a key pair", member.pk)
        return pair
    blob = bytes(existing.private_by_password)
    pair = keys.keypair_from_private(passwords.unwrap_with_password(blob, password))
    stored = passwords.kdf_params_of(blob)
    wanted = _kdf()
    if stored.opslimit < wanted.opslimit or stored.memlimit < wanted.memlimit:
        existing.private_by_password = passwords.wrap_with_password(
            pair.private, password, params=wanted
        )
        existing.save(update_fields=["private_by_password"])
    return pair


def staff_recovery_key_issue(*, member: StaffMember, private_key: bytes) -> str:
    """A new recovery key, replacing any unconfirmed one. Shown once, never stored."""
    recovery_key = passwords.new_recovery_key()
    StaffKey.objects.filter(member=member).update(
        private_by_recovery=passwords.wrap_with_recovery_key(private_key, recovery_key),
        recovery_confirmed_at=None,
    )
    return recovery_key


def staff_recovery_key_confirm(*, member: StaffMember, typed: str) -> None:
    """Check that the member kept their recovery key by having them type it back."""
    key = StaffKey.objects.get(member=member)
    normalised = passwords.normalise_recovery_key(typed)
    if key.private_by_recovery is None or normalised is None:
        raise RecoveryKeyMismatch
    try:
        passwords.unwrap_with_recovery_key(bytes(key.private_by_recovery), normalised)
    except WrongPassword:
        raise RecoveryKeyMismatch from None
    key.recovery_confirmed_at = timezone.now()
    key.save(update_fields=["recovery_confirmed_at"])
    security_log.info("staff member %s confirmed a recovery key", member.pk)


def staff_password_change(*, member: StaffMember, current_password: str, new_password: str) -> None:
    """Change the password and re-wrap the private key under it, in one transaction."""
    if not member.check_password(current_password):
        raise PasswordChangeRefused([_("Your current password is not correct.")])
    try:
        password_validation.validate_password(new_password, member)
    except ValidationError as error:
        raise PasswordChangeRefused([str(message) for message in error.messages]) from None
    with transaction.atomic():
        pair = staff_key_open(member=member, password=current_password)
        StaffKey.objects.filter(member=member).update(
            private_by_password=passwords.wrap_with_password(
                pair.private, new_password, params=_kdf()
            )
        )
        member.set_password(new_password)
        member.must_change_password = False
        member.save(update_fields=["password", "must_change_password"])
    security_log.info("staff member %s changed their password", member.pk)


def escrow_initialise(*, shares: int, threshold: int) -> list[str]:
    """Create the organisation escrow key pair; store the public half, return the shares once."""
    if OrganisationEscrow.objects.exists():
        raise EscrowExists
    pair = keys.generate_keypair()
    mnemonics = escrow.split_secret(pair.private, shares=shares, threshold=threshold)
    with transaction.atomic():
        OrganisationEscrow.objects.create(
            public_key=pair.public, shares=shares, threshold=threshold
        )
        audit_record(
            action=Action.SETTINGS_CHANGE,
            detail={"escrow_key": "created", "shares": shares, "threshold": threshold},
        )
    security_log.info("organisation escrow key created, %s of %s shares", threshold, shares)
    return mnemonics


def notifications_send(*, members: Iterable[StaffMember], kind: str) -> int:
    """Leave a content-free in-app notice for each member."""
    notices = [Notification(member=member, kind=kind) for member in members]
    Notification.objects.bulk_create(notices)
    return len(notices)


def notifications_mark_read(*, member: StaffMember) -> int:
    return Notification.objects.filter(member=member, read_at=None).update(read_at=timezone.now())


# Key reset and escrow (lost passwords) ---------------------------------------------------------


class KeyResetRefused(Exception):
    """The acting member may not reset this member's key."""


class KeyResetOfSelf(KeyResetRefused):
    """Nobody resets their own key: a second administrator does, so one account alone cannot
    turn itself into a fresh one."""


class KeyResetOfInactive(KeyResetRefused):
    """A deactivated member cannot sign in, so a one-time password for them would only be a
    live credential nobody needs. Reactivating the account comes first, as its own step."""


class EscrowNotInitialised(Exception):
    """The installation has no organisation escrow key (``init-escrow`` was never run)."""


class EscrowKeyMismatch(Exception):
    """The shares rebuild a key, but not this installation's escrow key: shares of another
    installation, or a passphrase that differs from the one used when they were made."""


ONE_TIME_PASSWORD_ALPHABET = "23456789abcdefghjkmnpqrstvwxyz"  # noqa: S105 (an alphabet, not a password)
"""Lower case without 0, 1, i, l, o or u: easy to read aloud or copy from paper."""
ONE_TIME_PASSWORD_SYMBOLS = 24
"""24 symbols of the 30 above: about 117 bits, printed as 6 groups of 4."""


def _one_time_password() -> str:
    symbols = "".join(
        secrets.choice(ONE_TIME_PASSWORD_ALPHABET) for _position in range(ONE_TIME_PASSWORD_SYMBOLS)
    )
    return "-".join(symbols[i : i + 4] for i in range(0, len(symbols), 4))


def _staff_sessions_end(member: StaffMember) -> int:
    """Delete the member's stored sessions, with the sealed private key each one holds.

    A new password hash already makes Django refuse those sessions; deleting them also leaves no
    sealed copy of the retired key behind. Sessions are opaque rows, so each is decoded: a team's
    handful of live sessions makes that cheap.
    """
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get(SESSION_KEY)) == str(member.pk):
            session.delete()
            ended += 1
    return ended


def staff_key_retire(*, member: StaffMember, actor: StaffMember) -> str:
    """The accounts half of resetting a member's key after a lost password.

    Sets a random one-time password (returned, to be handed over out of band), keeps the old
    public key and its recovery-key wrap as a ``RetiredStaffKey``, deletes the current key (a new
    pair is made at the member's next sign-in, and the recovery-key gate then shows a new recovery
    key), and ends the member's sessions and API tokens.

    Call it through ``rightsdesk.cases.recovery.staff_key_reset``, which in the same transaction
    marks the member's case grants as needing recovery and records the reset in the audit log;
    accounts cannot reach the grants itself.
    """
    if member.pk == actor.pk:
        raise KeyResetOfSelf
    if not actor.has_permission(Permission.STAFF_MANAGE):
        raise KeyResetRefused
    one_time_password = _one_time_password()
    with transaction.atomic():
        locked = StaffMember.objects.select_for_update().get(pk=member.pk)
        if not locked.is_active:
            raise KeyResetOfInactive
        current = StaffKey.objects.filter(member=locked).first()
        if current is not None:
            RetiredStaffKey.objects.create(
                member=locked,
                public_key=bytes(current.public_key),
                private_by_recovery=(
                    None
                    if current.private_by_recovery is None
                    else bytes(current.private_by_recovery)
                ),
            )
            current.delete()
        locked.set_password(one_time_password)
        locked.must_change_password = True
        locked.save(update_fields=["password", "must_change_password"])
        ApiToken.objects.filter(member=locked).delete()
        _staff_sessions_end(locked)
    security_log.info("staff member %s had their key reset by %s", member.pk, actor.pk)
    return one_time_password


def staff_retired_keys_discard(*, member: StaffMember) -> int:
    """Forget the member's retired keys once no grant waits to be opened with them."""
    deleted, _by_model = RetiredStaffKey.objects.filter(member=member).delete()
    return deleted


def escrow_key_rebuild(*, shares: Sequence[str]) -> bytes:
    """The organisation escrow private key, rebuilt in memory from trustees' shares.

    Checked against the stored public key, so a wrong passphrase or another installation's
    shares are refused rather than used. Raises ``EscrowNotInitialised``, ``InvalidShares`` (too
    few, mistyped, mixed) or ``EscrowKeyMismatch``. The caller must not keep the result.
    """
    stored = OrganisationEscrow.objects.first()
    if stored is None:
        raise EscrowNotInitialised
    secret = escrow.combine_shares(list(shares))
    try:
        public = keys.keypair_from_private(secret).public
    except ValueError:
        raise EscrowKeyMismatch from None
    if not hmac.compare_digest(public, bytes(stored.public_key)):
        raise EscrowKeyMismatch
    security_log.info("organisation escrow key rebuilt from shares")
    return secret


class ReauthenticationFailed(Exception):
    """The password or the code typed to confirm a dangerous action is wrong. Which of the two
    is deliberately not said."""


def staff_reauthenticate(
    *, member: StaffMember, password: str, code: str, now: float | None = None
) -> None:
    """Check, without signing in again, that the signed-in member is at the keyboard: their
    password and a fresh authenticator code, before a dangerous action such as an export.

    Failures count towards the same per-account delays as sign-in, so this cannot be used to
    guess a password faster than the sign-in page allows. Raises ``SignInThrottled`` or
    ``ReauthenticationFailed``.
    """
    moment = timezone.now()
    account_key = throttle.throttle_key("account", member.username)
    wait = throttle.seconds_to_wait(account_key, throttle.account_policy(), now=moment)
    if wait:
        raise SignInThrottled(wait)
    # Both checks always run, so the time taken does not tell which one failed.
    password_ok = member.check_password(password)
    device = TotpDevice.objects.filter(member=member).first()
    code_ok = device is not None and device.confirmed and _accept_code(device, code, now=now)
    if not (password_ok and code_ok):
        throttle.record_failure(account_key, now=moment)
        security_log.info("staff member %s failed to confirm their identity", member.pk)
        raise ReauthenticationFailed
    throttle.forget(account_key)
