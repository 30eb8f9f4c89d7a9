"""The demo data set: one staff account per role, with well-known, insecure passwords.

It exists so that a newcomer can sign in a minute after cloning. It refuses to touch an
installation that has real staff accounts.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import pyotp

from rightsdesk.accounts import services as account_services
from rightsdesk.accounts import totp
from rightsdesk.accounts.models import OrganisationEscrow, StaffMember
from rightsdesk.accounts.permissions import Role

DEMO_PREFIX = "demo-"


class RealInstallation(Exception):
    """Staff accounts that are not demo accounts exist: demo data must not be mixed in."""


class NotADemoAccount(Exception):
    pass


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    password: str
    enrolment_uri: str
    enrolled: bool


def demo_username(role: Role) -> str:
    return DEMO_PREFIX + role.value.replace("_", "-")


def demo_password(role: Role) -> str:
    return f"{role.value.replace('_', '-')}-insecure-demo"


def demo_load() -> list[DemoAccount]:
    """Create the demo accounts that are missing; return every demo account's sign-in details."""
    if StaffMember.objects.exclude(username__startswith=DEMO_PREFIX).exists():
        raise RealInstallation
    accounts = []
    for role in Role:
        username = demo_username(role)
        member = StaffMember.objects.filter(username=username).first()
        if member is None:
            member, _uri = account_services.staff_member_create(
                username=username,
                role=role.value,
                password=demo_password(role),
                display_name=f"Demo {role.label}",
                check_password_strength=False,
            )
        _seed, uri = account_services.totp_enrolment_details(member=member)
        accounts.append(
            DemoAccount(username, role, demo_password(role), uri, member.totp.confirmed)
        )
    return accounts


def demo_escrow() -> list[str] | None:
    """Create the demo's escrow key (3 of 5) when missing; the shares are returned only then."""
    if OrganisationEscrow.objects.exists():
        return None
    return account_services.escrow_initialise(shares=5, threshold=3)


def demo_current_code(username: str, *, now: float | None = None) -> str:
    """The code a demo account's authenticator shows now, for people without a phone at hand."""
    if not username.startswith(DEMO_PREFIX):
        raise NotADemoAccount(username)
    member = StaffMember.objects.select_related("totp").filter(username=username).first()
    if member is None:
        raise NotADemoAccount(username)
    seed = totp.decrypt_seed(member.totp.encrypted_seed, member_id=member.pk)
    return pyotp.TOTP(seed).at(time.time() if now is None else now)
