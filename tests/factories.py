"""Test data, made through the same services the product uses."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass

import pyotp

from rightsdesk.accounts import services, totp
from rightsdesk.accounts.models import StaffMember
from rightsdesk.accounts.permissions import Role

PASSWORD = "correct horse battery staple 42"
_numbers = itertools.count(1)


@dataclass
class StaffLogin:
    member: StaffMember
    password: str
    seed: str

    def code(self, *, at: float | None = None) -> str:
        return pyotp.TOTP(self.seed).at(time.time() if at is None else at)


def make_staff(
    role: Role | str = Role.HANDLER,
    *,
    username: str | None = None,
    enrolled: bool = True,
    password: str = PASSWORD,
) -> StaffLogin:
    member, uri = services.staff_member_create(
        username=username or f"member{next(_numbers)}",
        role=str(role),
        password=password,
        check_password_strength=False,
    )
    seed = pyotp.parse_uri(uri).secret
    if enrolled:
        # Confirm the authenticator with a code from the previous time step, so that the code of
        # the current step is still unused when the test signs in.
        services.totp_enrolment_confirm(
            member=member, code=pyotp.TOTP(seed).at(time.time() - totp.PERIOD)
        )
        # A member who signed in before has a key pair and a confirmed recovery key.
        pair = services.staff_key_open(member=member, password=password)
        recovery_key = services.staff_recovery_key_issue(member=member, private_key=pair.private)
        services.staff_recovery_key_confirm(member=member, typed=recovery_key)
        member.refresh_from_db()
    return StaffLogin(member=member, password=password, seed=seed)


def reveals_share(share: str, text: str) -> bool:
    """Whether any three consecutive words of an escrow share appear in ``text``.

    A single share word is a poor probe: short words of the share word list ("main", "grant",
    "member") turn up inside ordinary text by chance. Three words in their order do not.
    """
    words = share.split()
    return any(" ".join(words[i : i + 3]) in text for i in range(len(words) - 2))
