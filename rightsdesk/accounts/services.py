"""Every change to staff accounts goes through these functions."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from rightsdesk.accounts import throttle, totp
from rightsdesk.accounts.models import StaffMember, TotpDevice, username_validator
from rightsdesk.accounts.permissions import Role

security_log = logging.getLogger("rightsdesk.security")


class SignInFailed(Exception):
    """Wrong username, password or code. Deliberately says no more than that."""


class SignInThrottled(Exception):
    def __init__(self, wait_seconds: int) -> None:
        super().__init__(f"wait {wait_seconds} s")
        self.wait_seconds = wait_seconds


class EnrolmentCodeInvalid(Exception):
    """The code typed while setting up an authenticator does not match (or was used already)."""


class StaffMemberInvalid(ValueError):
    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class SignInResult:
    member: StaffMember
    needs_enrolment: bool


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
        if device.confirmed or code.strip():
            if _accept_code(device, code, now=now):
                result = SignInResult(member, needs_enrolment=False)
        else:
            result = SignInResult(member, needs_enrolment=True)

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
