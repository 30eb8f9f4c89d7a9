"""Need-to-know: assigning grants the key, revoking deletes it, access is asked for and given by
a holder, and nobody else reads a thing."""

from __future__ import annotations

import pytest
from django.test import Client

from rightsdesk.accounts.models import Notification, StaffMember
from rightsdesk.accounts.permissions import Role
from rightsdesk.audit.models import Action, AuditEntry
from rightsdesk.cases import selectors, services
from rightsdesk.cases.models import AccessRequest, Case, CaseGrant, CaseLink, EntryKind
from tests.cases.casework import (
    SECRET,
    Team,
    fresh,
    grant_to,
    make_case,
    make_team,
    private_key,
)
from tests.conftest import sign_in
from tests.factories import StaffLogin, make_staff


@pytest.fixture
def team(db):
    return make_team()


def assign(
    team: Team, case: Case, assignee: StaffLogin | None, *, actor: StaffLogin | None = None
) -> Case:
    actor = actor or team.coordinator
    return services.case_assign(
        case=fresh(case),
        actor=actor.member,
        actor_private=private_key(actor),
        assignee=assignee.member if assignee else None,
        expected_version=fresh(case).version,
    )


def kinds_for(member: StaffMember) -> list[str]:
    return list(Notification.objects.filter(member=member).values_list("kind", flat=True))


def test_assigning_rewraps_the_key_for_the_assignee(team):
    case = make_case()
    assigned = assign(team, case, team.handler)
    assert assigned.assignee == team.handler.member
    grant = CaseGrant.objects.get(case=case, member=team.handler.member)
    assert grant.granted_by == team.coordinator.member
    timeline = selectors.case_timeline(team.handler.member, case, private_key(team.handler))
    assert timeline[0].content["what_happened"] == SECRET
    assert timeline[-1].kind == EntryKind.ASSIGNMENT
    assert timeline[-1].content == {"assignee": team.handler.member.username}
    grant_audit = AuditEntry.objects.get(action=Action.GRANT, case_reference=case.reference)
    assert grant_audit.detail == {"member": team.handler.member.username}
    assert kinds_for(team.handler.member) == [Notification.Kind.CASE_ASSIGNED]
    # Reassigning to nobody keeps the grant; assigning again does not grant twice.
    assert assign(team, case, None).assignee is None
    assign(team, case, team.handler)
    assert CaseGrant.objects.filter(case=case, member=team.handler.member).count() == 1
    assert AuditEntry.objects.filter(action=Action.GRANT).count() == 1


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("deactivated", services.GrantRefused.INACTIVE),
        ("no_key", services.GrantRefused.NO_KEY),
        ("admin", services.GrantRefused.NO_PERMISSION),
    ],
)
def test_some_members_cannot_be_given_a_key(team, kind, reason):
    case = make_case()
    if kind == "deactivated":
        target = make_staff(Role.HANDLER)
        StaffMember.objects.filter(pk=target.member.pk).update(is_active=False)
        target.member.refresh_from_db()
    elif kind == "no_key":
        target = make_staff(Role.HANDLER, enrolled=False)
    else:
        target = make_staff(Role.ADMIN)
    with pytest.raises(services.GrantRefused) as refused:
        assign(team, case, target)
    assert refused.value.reason == reason
    assert not CaseGrant.objects.filter(member=target.member).exists()
    assert fresh(case).assignee is None
    assert fresh(case).version == case.version


def test_only_a_holder_with_case_assign_passes_the_key_on(team):
    case = make_case()
    latecomer = make_staff(Role.COORDINATOR)
    with pytest.raises(services.CaseAccessDenied):
        assign(team, case, team.handler, actor=latecomer)
    grant_to(team, case, team.handler)
    other = make_staff(Role.HANDLER)
    with pytest.raises(services.CaseAccessDenied):
        services.case_grant(
            case=case,
            actor=team.handler.member,
            actor_private=private_key(team.handler),
            member=other.member,
        )
    assert not CaseGrant.objects.filter(member__in=[latecomer.member, other.member]).exists()


def test_revoking_deletes_the_wrap_and_unassigns(client: Client, team):
    case = make_case()
    assign(team, case, team.handler)
    revoked = services.case_revoke(
        case=fresh(case), actor=team.coordinator.member, member=team.handler.member
    )
    assert not revoked.last_holder
    assert not CaseGrant.objects.filter(case=case, member=team.handler.member).exists()
    assert fresh(case).assignee is None
    assert AuditEntry.objects.filter(action=Action.REVOKE, case_reference=case.reference).exists()
    sign_in(client, team.handler)
    assert client.get(f"/en/staff/cases/{case.reference}/").status_code == 404
    with pytest.raises(services.NoSuchGrant):
        services.case_revoke(
            case=fresh(case), actor=team.coordinator.member, member=team.handler.member
        )


def test_revoking_the_last_holder_is_allowed_with_a_warning(client: Client, team):
    case = make_case()
    sign_in(client, team.coordinator)
    response = client.post(
        f"/en/staff/cases/{case.reference}/grants/{team.coordinator.member.pk}/revoke/",
        follow=True,
    )
    page = response.content.decode()
    assert "Nobody on the team holds this case&#x27;s key now." in page
    assert not CaseGrant.objects.filter(case=case).exists()
    # The coordinator still sees the metadata, but no longer the content.
    assert SECRET not in page


def test_the_case_page_lists_holders_with_revoke_buttons_for_assigners(client: Client, team):
    case = make_case()
    assign(team, case, team.handler)
    sign_in(client, team.coordinator)
    page = client.get(f"/en/staff/cases/{case.reference}/").content.decode()
    assert f"/grants/{team.handler.member.pk}/revoke/" in page
    assert "(assignee)" in page
    handler_client = Client()
    sign_in(handler_client, team.handler)
    page = handler_client.get(f"/en/staff/cases/{case.reference}/").content.decode()
    assert "Who holds the case key" in page
    assert "/revoke/" not in page


def test_assigning_through_the_page(client: Client, team):
    case = make_case()
    sign_in(client, team.coordinator)
    url = f"/en/staff/cases/{case.reference}/assign/"
    response = client.post(url, {"assignee": team.handler.member.pk, "version": case.version})
    assert response.status_code == 302
    assert fresh(case).assignee == team.handler.member
    stale = client.post(url, {"assignee": "", "version": case.version})
    assert stale.status_code == 409
    deactivated = make_staff(Role.HANDLER)
    StaffMember.objects.filter(pk=deactivated.member.pk).update(is_active=False)
    response = client.post(url, {"assignee": deactivated.member.pk, "version": fresh(case).version})
    assert "Select a valid choice" in response.content.decode()


def test_access_is_asked_for_and_approved_by_a_holder(client: Client, team):
    case = make_case()
    latecomer = make_staff(Role.COORDINATOR)
    sign_in(client, latecomer)
    response = client.post(f"/en/staff/cases/{case.reference}/access/")
    assert response.status_code == 302
    access_request = AccessRequest.objects.get(case=case, member=latecomer.member)
    assert kinds_for(team.coordinator.member)[-1:] == [Notification.Kind.ACCESS_REQUESTED]
    assert AuditEntry.objects.filter(action=Action.ACCESS_REQUEST).count() == 1
    # Asking again does not make a second request.
    client.post(f"/en/staff/cases/{case.reference}/access/")
    assert AccessRequest.objects.filter(case=case).count() == 1
    assert (
        "You asked for access on"
        in client.get(f"/en/staff/cases/{case.reference}/").content.decode()
    )

    holder = Client()
    sign_in(holder, team.coordinator)
    page = holder.get(f"/en/staff/cases/{case.reference}/").content.decode()
    assert f"/access/{access_request.pk}/" in page
    response = holder.post(
        f"/en/staff/cases/{case.reference}/access/{access_request.pk}/", {"decision": "approve"}
    )
    assert response.status_code == 302
    assert CaseGrant.objects.filter(case=case, member=latecomer.member).exists()
    assert kinds_for(latecomer.member) == [Notification.Kind.ACCESS_ANSWERED]
    decision = AuditEntry.objects.get(action=Action.ACCESS_DECISION)
    assert decision.detail == {"member": latecomer.member.username, "approved": True}
    assert SECRET in client.get(f"/en/staff/cases/{case.reference}/").content.decode()
    # A second answer (another holder, a moment later) changes nothing.
    with pytest.raises(services.AccessRequestClosed):
        services.access_request_decide(
            access_request=AccessRequest.objects.get(pk=access_request.pk),
            actor=team.coordinator.member,
            actor_private=private_key(team.coordinator),
            approve=False,
        )
    with pytest.raises(services.AlreadyGranted):
        services.access_request_create(case=case, actor=latecomer.member)


def test_a_declined_request_grants_nothing(team):
    case = make_case()
    latecomer = make_staff(Role.COORDINATOR)
    access_request = services.access_request_create(case=case, actor=latecomer.member)
    services.access_request_decide(
        access_request=access_request,
        actor=team.coordinator.member,
        actor_private=private_key(team.coordinator),
        approve=False,
    )
    assert access_request.approved is False
    assert not CaseGrant.objects.filter(case=case, member=latecomer.member).exists()


def test_only_a_holder_answers_and_never_for_a_deactivated_member(team):
    case = make_case()
    latecomer = make_staff(Role.COORDINATOR)
    access_request = services.access_request_create(case=case, actor=latecomer.member)
    outsider = make_staff(Role.COORDINATOR)
    with pytest.raises(services.CaseAccessDenied):
        services.access_request_decide(
            access_request=access_request,
            actor=outsider.member,
            actor_private=private_key(outsider),
            approve=True,
        )
    StaffMember.objects.filter(pk=latecomer.member.pk).update(is_active=False)
    access_request.member.refresh_from_db()
    with pytest.raises(services.GrantRefused):
        services.access_request_decide(
            access_request=access_request,
            actor=team.coordinator.member,
            actor_private=private_key(team.coordinator),
            approve=True,
        )
    assert AccessRequest.objects.get(pk=access_request.pk).decided_at is None
    assert not CaseGrant.objects.filter(member=latecomer.member).exists()


def test_a_handler_asks_only_for_a_case_linked_from_one_they_hold(client: Client, team):
    held = make_case()
    linked = make_case()
    unrelated = make_case()
    grant_to(team, held, team.handler)
    first, second = sorted([held, linked], key=lambda case: case.pk)
    CaseLink.objects.create(from_case=first, to_case=second)
    sign_in(client, team.handler)
    # A guessed reference looks exactly like one that does not exist.
    assert client.post(f"/en/staff/cases/{unrelated.reference}/access/").status_code == 404
    assert client.post("/en/staff/cases/RD-NONE-0000/access/").status_code == 404
    response = client.post(f"/en/staff/cases/{linked.reference}/access/")
    assert response.status_code == 302
    assert response["Location"] == "/en/staff/cases/"
    assert AccessRequest.objects.filter(case=linked, member=team.handler.member).exists()
    assert not AccessRequest.objects.filter(case=unrelated).exists()
    # Still no way into the linked case itself until a holder approves.
    assert client.get(f"/en/staff/cases/{linked.reference}/").status_code == 404


def test_the_administrator_reads_nothing(client: Client, team):
    case = make_case()
    sign_in(client, make_staff(Role.ADMIN))
    assert client.get("/en/staff/cases/").status_code == 403
    assert client.get(f"/en/staff/cases/{case.reference}/").status_code == 403
    assert client.post(f"/en/staff/cases/{case.reference}/access/").status_code == 403
