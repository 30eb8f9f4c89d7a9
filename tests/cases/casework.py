"""Shared set-up for the case workspace tests: a team, and cases made through the services."""

from __future__ import annotations

from dataclasses import dataclass

from rightsdesk.accounts import services as account_services
from rightsdesk.accounts.permissions import Role
from rightsdesk.cases import services
from rightsdesk.cases.models import Case
from tests.factories import StaffLogin, make_staff

SECRET = "canary-5d1e-workspace-secret"


@dataclass
class Team:
    coordinator: StaffLogin
    handler: StaffLogin


def private_key(login: StaffLogin) -> bytes:
    """The member's private key, as the keyring would hold it after sign-in."""
    return account_services.staff_key_open(member=login.member, password=login.password).private


def make_team() -> Team:
    """An escrow key, then a coordinator (who will hold every new case) and a handler."""
    account_services.escrow_initialise(shares=3, threshold=2)
    return Team(coordinator=make_staff(Role.COORDINATOR), handler=make_staff(Role.HANDLER))


def make_case(*, urgency: str = "normal", category: str = "other", language: str = "en") -> Case:
    created = services.case_create(
        category=category,
        urgency=urgency,
        language=language,
        report={"what_happened": SECRET, "danger": False},
    )
    return created.case


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def grant_to(team: Team, case: Case, login: StaffLogin) -> None:
    """Give ``login`` the case key, as the team's coordinator."""
    services.case_grant(
        case=case,
        actor=team.coordinator.member,
        actor_private=private_key(team.coordinator),
        member=login.member,
    )
