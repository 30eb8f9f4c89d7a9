"""Every change to staff accounts goes through these functions."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rightsdesk.accounts import throttle, totp
from rightsdesk.accounts.models import (
    Notification,
    OrganisationEscrow,
    StaffKey,
    StaffMember,
    TotpDevice,
    username_validator,
)
from rightsdesk.accounts.permissions import Role
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
        security_log.info("sign-in failed")
        raise SignInFailed
    throttle.forget(account_key)
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
        member.save(update_fields=["password"])
    security_log.info("staff member %s changed their password", member.pk)


def escrow_initialise(*, shares: int, threshold: int) -> list[str]:
    """Create the organisation escrow key pair; store the public half, return the shares once."""
    if OrganisationEscrow.objects.exists():
        raise EscrowExists
    pair = keys.generate_keypair()
    mnemonics = escrow.split_secret(pair.private, shares=shares, threshold=threshold)
    OrganisationEscrow.objects.create(public_key=pair.public, shares=shares, threshold=threshold)
    security_log.info("organisation escrow key created, %s of %s shares", threshold, shares)
    return mnemonics


def notifications_send(*, members: Iterable[StaffMember], kind: str) -> int:
    """Leave a content-free in-app notice for each member."""
    notices = [Notification(member=member, kind=kind) for member in members]
    Notification.objects.bulk_create(notices)
    return len(notices)


def notifications_mark_read(*, member: StaffMember) -> int:
    return Notification.objects.filter(member=member, read_at=None).update(read_at=timezone.now())
