"""The lifecycle and optimistic locking: no update is ever lost, and the page says why."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connection
from django.test import Client

from rightsdesk.accounts.models import StaffMember
from rightsdesk.audit.models import Action, AuditEntry
from rightsdesk.cases import selectors, services
from rightsdesk.cases.forms import StatusForm, TagsForm
from rightsdesk.cases.models import Case, CaseEntry, EntryKind, Status
from tests.cases.casework import SECRET, fresh, make_case, make_team, private_key
from tests.conftest import sign_in


@pytest.fixture
def team(db):
    return make_team()


def change(case: Case, actor: StaffMember, status: str, reason: str = "") -> Case:
    return services.case_change_status(
        case=fresh(case),
        actor=actor,
        status=status,
        expected_version=fresh(case).version,
        reason=reason,
    )


def test_a_case_walks_its_lifecycle_and_each_step_is_recorded(team):
    case = make_case()
    actor = team.coordinator.member
    for status in ("triage", "active", "waiting_reporter", "active", "waiting_partner"):
        case = change(case, actor, status)
        assert case.status == status
        assert case.closed_at is None
    case = change(case, actor, "resolved", reason="helped with a takedown")
    assert case.closed_at is not None
    case = change(case, actor, "active")
    assert case.closed_at is None, "reopening clears the closing time"
    timeline = selectors.case_timeline(actor, case, private_key(team.coordinator))
    steps = [entry.content for entry in timeline if entry.kind == EntryKind.STATUS_CHANGE]
    assert [(step["from"], step["to"]) for step in steps][-2:] == [
        ("waiting_partner", "resolved"),
        ("resolved", "active"),
    ]
    assert steps[-2]["reason"] == "helped with a takedown"
    # The reason is content: encrypted on the timeline, never in the audit log.
    audited = AuditEntry.objects.filter(action=Action.CASE_STATUS, case_reference=case.reference)
    assert audited.count() == 7
    assert all("reason" not in entry.detail for entry in audited)
    assert all(b"takedown" not in bytes(entry.ciphertext) for entry in CaseEntry.objects.all())


def test_a_step_outside_the_lifecycle_is_refused_and_changes_nothing(team):
    case = make_case()
    with pytest.raises(services.TransitionNotAllowed):
        change(case, team.coordinator.member, "resolved")
    with pytest.raises(services.TransitionNotAllowed):
        change(case, team.coordinator.member, "merged")
    assert fresh(case).status == Status.NEW
    assert fresh(case).version == case.version


def test_merged_and_withdrawn_cases_go_nowhere_and_the_form_never_offers_merging():
    assert services.allowed_transitions("merged") == frozenset()
    assert services.allowed_transitions("withdrawn") == frozenset()
    for status in Status:
        offered = {
            value for value, _label in StatusForm(current=status).fields["status"].widget.choices
        }
        assert "merged" not in offered
        assert offered == {value.value for value in services.TRANSITIONS[status]}


def test_rejecting_needs_a_reason(team):
    case = make_case()
    with pytest.raises(services.ReasonRequired):
        change(case, team.coordinator.member, "rejected", reason="   ")
    assert change(case, team.coordinator.member, "rejected", reason="spam").status == "rejected"


def test_a_handler_without_the_key_cannot_change_the_status(team):
    case = make_case()
    with pytest.raises(services.CaseAccessDenied):
        change(case, team.handler.member, "triage")


def test_two_changes_on_the_same_version_one_wins_the_other_is_told(team):
    case = make_case()
    version = case.version
    services.case_change_status(
        case=fresh(case), actor=team.coordinator.member, status="triage", expected_version=version
    )
    with pytest.raises(services.CaseChanged):
        services.case_change_status(
            case=case,
            actor=team.coordinator.member,
            status="rejected",
            reason="x",
            expected_version=version,
        )
    # A stale object with the right number is caught by the database itself.
    stale = fresh(case)
    stale.version = version
    with pytest.raises(services.CaseChanged):
        services.case_set_due_date(
            case=stale,
            actor=team.coordinator.member,
            due_on=date(2030, 1, 1),
            expected_version=version,
        )
    assert fresh(case).status == "triage"
    assert fresh(case).due_on is None
    assert fresh(case).version == version + 1


@pytest.mark.django_db(transaction=True)
def test_two_people_saving_at_the_same_moment_lose_nothing():
    """Two threads, two database connections, the same expected version: exactly one wins.

    On PostgreSQL the two updates really overlap (the second waits on the row lock, then finds
    the version moved on). SQLite admits one writer at a time (and the test database is a
    shared in-memory one that refuses a second writer outright), so there the two saves run one
    after the other, which is the only order SQLite can produce."""
    team = make_team()
    case = make_case()
    version = case.version
    overlapping = connection.vendor == "postgresql"
    barrier = threading.Barrier(2 if overlapping else 1)
    outcomes: list[str] = []

    def save(status: str, reason: str) -> None:
        try:
            barrier.wait(timeout=10)
            services.case_change_status(
                case=fresh(case),
                actor=team.coordinator.member,
                status=status,
                reason=reason,
                expected_version=version,
            )
            outcomes.append(status)
        except services.CaseChanged:
            outcomes.append("conflict")
        finally:
            if overlapping:
                connection.close()

    threads = [
        threading.Thread(target=save, args=("triage", "")),
        threading.Thread(target=save, args=("rejected", "duplicate")),
    ]
    if overlapping:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    else:
        for thread in threads:
            thread.run()
    assert sorted(outcomes) in (["conflict", "triage"], ["conflict", "rejected"])
    winner = next(outcome for outcome in outcomes if outcome != "conflict")
    assert fresh(case).status == winner
    assert fresh(case).version == version + 1
    assert CaseEntry.objects.filter(case=case, kind=EntryKind.STATUS_CHANGE).count() == 1


def test_the_status_form_moves_the_case(client: Client, team):
    case = make_case()
    sign_in(client, team.coordinator)
    url = f"/en/staff/cases/{case.reference}/status/"
    response = client.post(url, {"status": "triage", "reason": "", "version": case.version})
    assert response.status_code == 302
    assert fresh(case).status == "triage"


def test_a_stale_form_shows_the_current_case_and_keeps_what_was_typed(client: Client, team):
    case = make_case()
    seen = case.version
    services.case_change_status(
        case=fresh(case), actor=team.coordinator.member, status="triage", expected_version=seen
    )
    sign_in(client, team.coordinator)
    response = client.post(
        f"/en/staff/cases/{case.reference}/status/",
        {"status": "rejected", "reason": "typed-reason-kept", "version": seen},
    )
    page = response.content.decode()
    assert response.status_code == 409
    assert "Someone else changed this case while you were looking" in page
    assert "typed-reason-kept" in page
    # The form now carries the current version, so sending it again works.
    assert f'name="version" value="{fresh(case).version}"' in page
    assert "In triage" in page
    assert fresh(case).status == "triage"


def test_an_impossible_step_and_a_missing_reason_are_explained(client: Client, team):
    case = make_case()
    sign_in(client, team.coordinator)
    url = f"/en/staff/cases/{case.reference}/status/"
    page = client.post(url, {"status": "resolved", "reason": "kept-1", "version": case.version})
    text = page.content.decode()
    assert page.status_code == 200
    assert "cannot become “Resolved”" in text
    assert "kept-1" in text
    page = client.post(url, {"status": "rejected", "reason": "", "version": case.version})
    assert "Say why the case is rejected." in page.content.decode()
    assert fresh(case).status == "new"


def test_due_dates_are_set_cleared_and_bad_ones_explained(client: Client, team):
    case = make_case()
    sign_in(client, team.coordinator)
    url = f"/en/staff/cases/{case.reference}/due/"
    response = client.post(url, {"due_on": "31/03/2030", "version": case.version})
    text = response.content.decode()
    assert "Enter the date as year-month-day" in text
    assert 'value="31/03/2030"' in text
    assert fresh(case).due_on is None
    assert client.post(url, {"due_on": "2030-03-31", "version": case.version}).status_code == 302
    assert fresh(case).due_on == date(2030, 3, 31)
    stale = client.post(url, {"due_on": "2031-01-01", "version": case.version})
    assert stale.status_code == 409
    assert 'value="2031-01-01"' in stale.content.decode()
    assert client.post(url, {"due_on": "", "version": fresh(case).version}).status_code == 302
    assert fresh(case).due_on is None
    assert AuditEntry.objects.filter(action=Action.CASE_UPDATE).count() == 2


def test_tags_are_encrypted_the_newest_wins_and_bad_ones_are_explained(client: Client, team):
    case = make_case()
    sign_in(client, team.coordinator)
    url = f"/en/staff/cases/{case.reference}/tags/"
    assert (
        client.post(url, {"tags": "doxx-canary, ru.wiki, ", "version": case.version}).status_code
        == 302
    )
    assert (
        client.post(
            url, {"tags": "Legal, legal , press", "version": fresh(case).version}
        ).status_code
        == 302
    )
    assert all(b"press" not in bytes(entry.ciphertext) for entry in CaseEntry.objects.all())
    page = client.get(f"/en/staff/cases/{case.reference}/").content.decode()
    assert '<li class="tag user-text">Legal</li>' in page
    assert '<li class="tag user-text">doxx-canary</li>' not in page
    too_long = "x" * 41
    response = client.post(url, {"tags": f"ok, {too_long}", "version": fresh(case).version})
    assert "Each tag can have at most 40 characters." in response.content.decode()
    assert too_long in response.content.decode()
    stale = client.post(url, {"tags": "late", "version": case.version})
    assert stale.status_code == 409
    content = services.case_content_open(
        case=fresh(case), actor=team.coordinator.member, actor_private=private_key(team.coordinator)
    )
    assert content.tags == ["Legal", "press"]
    assert SECRET not in str(AuditEntry.objects.values_list("detail", flat=True))


def test_a_coordinator_puts_a_case_on_legal_hold_and_lifts_it(client: Client, team):
    case = make_case()
    sign_in(client, team.coordinator)
    url = f"/en/staff/cases/{case.reference}/legal-hold/"
    response = client.post(url, {"hold": "on", "version": case.version})
    assert response.status_code == 302
    assert fresh(case).legal_hold
    page = client.get(f"/en/staff/cases/{case.reference}/").content.decode()
    assert "On hold: never purged" in page
    stale = client.post(url, {"version": case.version})
    assert stale.status_code == 409
    assert fresh(case).legal_hold
    client.post(url, {"version": fresh(case).version})
    assert not fresh(case).legal_hold
    entries = AuditEntry.objects.filter(action=Action.LEGAL_HOLD, case_reference=case.reference)
    assert [entry.detail for entry in entries.order_by("sequence")] == [
        {"legal_hold": True},
        {"legal_hold": False},
    ]


def test_only_coordinators_decide_a_legal_hold(team):
    case = make_case()
    with pytest.raises(services.CaseAccessDenied):
        services.case_set_legal_hold(
            case=case, actor=team.handler.member, hold=True, expected_version=case.version
        )
    assert not fresh(case).legal_hold


def test_tags_split_on_the_commas_every_keyboard_types():
    form = TagsForm({"tags": "forum, address،تهدید，微博、email", "version": 1})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["tags"] == ["forum", "address", "تهدید", "微博", "email"]
