"""Response deadlines: a case nobody answers in time climbs the escalation ladder, each step
exactly once, and the notices say nothing about the case."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from rightsdesk.accounts import services as account_services
from rightsdesk.accounts.models import Notification, StaffMember
from rightsdesk.accounts.permissions import Role
from rightsdesk.audit.models import Action, AuditEntry
from rightsdesk.cases import services, sla
from rightsdesk.cases.models import Case, Status, Urgency
from rightsdesk.core import clock
from rightsdesk.notifications.models import OutboundMail
from tests.factories import make_staff

ARRIVAL = datetime(2031, 3, 4, 9, 0, tzinfo=UTC)
CANARY = "canary-sla-what-happened"
ESCALATION = Notification.Kind.SLA_ESCALATION


@pytest.fixture
def team(db, settings, monkeypatch):
    """Two coordinators and a handler with mail addresses, an on-call lead, and an escrow key."""
    settings.ONCALL_EMAILS = ["oncall@example.org"]
    settings.ONCALL_LEAD = ["lead"]
    monkeypatch.setattr(clock, "now", lambda: ARRIVAL)
    account_services.escrow_initialise(shares=3, threshold=2)
    members = {
        "amina": make_staff(Role.COORDINATOR, username="amina").member,
        "bruno": make_staff(Role.COORDINATOR, username="bruno").member,
        "chen": make_staff(Role.HANDLER, username="chen").member,
        "lead": make_staff(Role.HANDLER, username="lead").member,
    }
    for name, member in members.items():
        StaffMember.objects.filter(pk=member.pk).update(email=f"{name}@example.org")
        member.refresh_from_db()
    return members


def open_case(urgency: Urgency = Urgency.CRITICAL) -> Case:
    created = services.case_create(
        category="threats", urgency=urgency, language="en", report={"what_happened": CANARY}
    )
    return Case.objects.get(pk=created.case.pk)


def told() -> list[tuple[str, str]]:
    """Who got an in-app escalation notice, in order, as (username, kind)."""
    return sorted(
        Notification.objects.filter(kind=ESCALATION).values_list("member__username", "kind")
    )


def mailed() -> list[str]:
    return sorted(OutboundMail.objects.values_list("recipient", flat=True))


def clear_notices() -> None:
    Notification.objects.all().delete()
    OutboundMail.objects.all().delete()


def at(minutes: float) -> datetime:
    return ARRIVAL + timedelta(minutes=minutes)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("urgency", "deadline"),
    [
        (Urgency.CRITICAL, timedelta(minutes=30)),
        (Urgency.HIGH, timedelta(hours=4)),
        (Urgency.NORMAL, timedelta(hours=24)),
    ],
)
def test_a_new_case_gets_the_deadline_of_its_urgency(team, urgency, deadline):
    assert open_case(urgency).acknowledge_by == ARRIVAL + deadline


def test_a_critical_case_climbs_every_step_once(team):
    case = open_case(Urgency.CRITICAL)
    clear_notices()  # the new-report notices are not what this test is about

    assert sla.sla_check(now=at(30)).escalated == {}
    assert told() == []

    report = sla.sla_check(now=at(31))
    assert report.breached == [case.reference]
    assert report.escalated == {case.reference: 1}
    case.refresh_from_db()
    assert case.sla_breached_at == at(31)
    assert case.escalation_level == 1
    # Nobody is assigned yet, so the coordinators hear of it first.
    assert told() == [("amina", ESCALATION), ("bruno", ESCALATION)]
    assert mailed() == ["amina@example.org", "bruno@example.org"]

    # Running again, or by a second worker, changes nothing and tells nobody twice.
    assert sla.sla_check(now=at(59)).escalated == {}
    assert len(told()) == 2

    clear_notices()
    report = sla.sla_check(now=at(61))
    assert report.breached == []
    assert report.escalated == {case.reference: 2}
    assert told() == [("amina", ESCALATION), ("bruno", ESCALATION)]

    clear_notices()
    assert sla.sla_check(now=at(91)).escalated == {case.reference: 3}
    assert told() == [("lead", ESCALATION)]
    assert mailed() == ["lead@example.org", "oncall@example.org"]
    case.refresh_from_db()
    assert case.escalation_level == 3
    assert case.sla_breached_at == at(31)  # set once, when the deadline was first missed

    clear_notices()
    assert sla.sla_check(now=at(24 * 60)).escalated == {}
    assert told() == []
    assert mailed() == []


def test_the_assignee_is_told_first(team):
    case = open_case(Urgency.CRITICAL)
    Case.objects.filter(pk=case.pk).update(assignee=team["chen"])
    clear_notices()
    sla.sla_check(now=at(31))
    assert told() == [("chen", ESCALATION)]
    assert mailed() == ["chen@example.org"]
    clear_notices()
    sla.sla_check(now=at(61))
    assert told() == [("amina", ESCALATION), ("bruno", ESCALATION)]


def test_an_inactive_assignee_is_passed_over_for_the_coordinators(team):
    case = open_case(Urgency.CRITICAL)
    Case.objects.filter(pk=case.pk).update(assignee=team["chen"])
    StaffMember.objects.filter(pk=team["chen"].pk).update(is_active=False)
    clear_notices()
    sla.sla_check(now=at(31))
    assert told() == [("amina", ESCALATION), ("bruno", ESCALATION)]


def test_a_high_case_goes_to_the_coordinators_at_four_hours_and_no_further(team):
    case = open_case(Urgency.HIGH)
    Case.objects.filter(pk=case.pk).update(assignee=team["chen"])
    clear_notices()
    assert sla.sla_check(now=at(239)).escalated == {}
    assert sla.sla_check(now=at(241)).escalated == {case.reference: 2}
    # Both steps at once: the assignee and every coordinator, each exactly once.
    assert told() == [("amina", ESCALATION), ("bruno", ESCALATION), ("chen", ESCALATION)]
    assert mailed() == ["amina@example.org", "bruno@example.org", "chen@example.org"]
    clear_notices()
    assert sla.sla_check(now=at(7 * 24 * 60)).escalated == {}
    assert told() == []
    assert mailed() == []


def test_a_normal_case_is_escalated_after_a_day(team):
    case = open_case(Urgency.NORMAL)
    assert sla.sla_check(now=at(24 * 60 - 1)).escalated == {}
    assert sla.sla_check(now=at(24 * 60 + 1)).escalated == {case.reference: 2}


def test_a_worker_that_was_stopped_catches_up_in_one_step(team):
    case = open_case(Urgency.CRITICAL)
    clear_notices()
    report = sla.sla_check(now=at(120))
    assert report.breached == [case.reference]
    assert report.escalated == {case.reference: 3}
    # The coordinators reached by two steps are told once.
    assert told() == [("amina", ESCALATION), ("bruno", ESCALATION), ("lead", ESCALATION)]
    assert mailed() == [
        "amina@example.org",
        "bruno@example.org",
        "lead@example.org",
        "oncall@example.org",
    ]


def test_answered_and_closed_cases_never_escalate(team):
    answered = open_case(Urgency.CRITICAL)
    Case.objects.filter(pk=answered.pk).update(first_response_at=at(10))
    for status in (Status.RESOLVED, Status.REJECTED, Status.MERGED, Status.WITHDRAWN):
        closed = open_case(Urgency.CRITICAL)
        Case.objects.filter(pk=closed.pk).update(status=status, closed_at=at(20))
    clear_notices()
    report = sla.sla_check(now=at(10 * 24 * 60))
    assert report.escalated == {}
    assert report.breached == []
    assert told() == []
    assert not Case.objects.filter(sla_breached_at__isnull=False).exists()


def test_an_answer_stops_the_ladder_half_way(team):
    case = open_case(Urgency.CRITICAL)
    sla.sla_check(now=at(31))
    Case.objects.filter(pk=case.pk).update(first_response_at=at(40))
    clear_notices()
    assert sla.sla_check(now=at(120)).escalated == {}
    assert told() == []
    case.refresh_from_db()
    assert case.escalation_level == 1


def test_escalations_are_audited_and_say_nothing_about_the_case(team):
    case = open_case(Urgency.CRITICAL)
    sla.sla_check(now=at(31))
    sla.sla_check(now=at(91))
    entries = AuditEntry.objects.filter(action=Action.CASE_UPDATE).order_by("sequence")
    assert [(entry.case_reference, entry.actor, entry.detail) for entry in entries] == [
        (case.reference, "", {"sla": "escalated", "escalation_level": 1}),
        (case.reference, "", {"sla": "escalated", "escalation_level": 3}),
    ]
    for mail in OutboundMail.objects.all():
        for secret in (case.reference, CANARY, case.category):
            assert secret not in mail.subject
            assert secret not in mail.body


def test_a_case_from_before_deadlines_gets_one_from_its_arrival(team):
    case = open_case(Urgency.CRITICAL)
    Case.objects.filter(pk=case.pk).update(acknowledge_by=None)
    created_at = Case.objects.get(pk=case.pk).created_at
    sla.sla_check(now=created_at + timedelta(minutes=5))
    case.refresh_from_db()
    assert case.acknowledge_by == created_at + timedelta(minutes=30)
    assert case.escalation_level == 0


def test_a_moved_deadline_moves_the_whole_ladder(team):
    case = open_case(Urgency.CRITICAL)
    Case.objects.filter(pk=case.pk).update(acknowledge_by=at(100))
    assert sla.sla_check(now=at(120)).escalated == {case.reference: 1}
    assert sla.sla_check(now=at(131)).escalated == {case.reference: 2}
    assert sla.sla_check(now=at(161)).escalated == {case.reference: 3}


def test_the_policy_follows_the_settings(settings):
    settings.SLA_MINUTES = {"critical": (10, 20, 40), "high": (60,), "normal": (120, 180)}
    assert sla.sla_policy(Urgency.CRITICAL) == sla.SlaPolicy(
        acknowledge=timedelta(minutes=10),
        coordinators=timedelta(minutes=20),
        oncall=timedelta(minutes=40),
    )
    assert sla.sla_policy("high") == sla.SlaPolicy(
        acknowledge=timedelta(hours=1), coordinators=timedelta(hours=1), oncall=None
    )
    assert sla.sla_policy(Urgency.NORMAL).coordinators == timedelta(hours=3)
    # An urgency without a policy of its own is held to the normal one.
    assert sla.sla_policy("unknown") == sla.sla_policy(Urgency.NORMAL)
    assert sla.acknowledge_deadline(urgency="critical", opened_at=ARRIVAL) == at(10)


def _settings_with(tmp_path, **environ: str) -> subprocess.CompletedProcess[str]:
    code = "import rightsdesk.settings as s; print(s.SLA_MINUTES, s.RETENTION_DAYS)"
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "RIGHTSDESK_DATA_DIR": str(tmp_path), **environ},
        capture_output=True,
        text=True,
        check=False,
    )


def test_deadlines_and_retention_are_read_from_the_environment(tmp_path):
    result = _settings_with(
        tmp_path, RIGHTSDESK_SLA_CRITICAL="15, 45", RIGHTSDESK_RETENTION_DAYS="90"
    )
    assert result.returncode == 0, result.stderr
    assert "'critical': (15, 45)" in result.stdout
    assert "'high': (240,)" in result.stdout
    assert "'normal': (1440,)" in result.stdout
    assert result.stdout.strip().endswith("90")


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("RIGHTSDESK_SLA_HIGH", "60,30", "RIGHTSDESK_SLA_HIGH must be 1 to 3 rising numbers"),
        ("RIGHTSDESK_SLA_NORMAL", "soon", "RIGHTSDESK_SLA_NORMAL must be 1 to 3 rising"),
        ("RIGHTSDESK_SLA_CRITICAL", "0", "RIGHTSDESK_SLA_CRITICAL must be 1 to 3 rising"),
        ("RIGHTSDESK_SLA_CRITICAL", "1,2,3,4", "RIGHTSDESK_SLA_CRITICAL must be 1 to 3"),
        ("RIGHTSDESK_RETENTION_WARNING_DAYS", "400", "RIGHTSDESK_RETENTION_DAYS must be"),
    ],
)
def test_unusable_deadlines_are_refused_at_start(tmp_path, name, value, message):
    result = _settings_with(tmp_path, **{name: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_the_worker_checks_at_most_once_a_minute(team, monkeypatch, settings):
    open_case(Urgency.CRITICAL)
    seconds = iter([1000.0, 1030.0, 1061.0])
    throttle = clock.Every(sla.SLA_CHECK_SECONDS, timer=lambda: next(seconds))
    monkeypatch.setattr(sla, "_check_due", throttle)
    monkeypatch.setattr(clock, "now", lambda: at(31))
    assert sla.sla_check_when_due() is not None
    assert sla.sla_check_when_due() is None
    assert sla.sla_check_when_due() is not None
    assert "rightsdesk.cases.sla.sla_check_when_due" in settings.WORKER_MAINTENANCE


def finished_case(
    *, urgency: Urgency, answered_after: timedelta | None, closed_after: timedelta
) -> Case:
    case = open_case(urgency)
    Case.objects.filter(pk=case.pk).update(
        created_at=ARRIVAL,
        first_response_at=None if answered_after is None else ARRIVAL + answered_after,
        closed_at=ARRIVAL + closed_after,
        status=Status.RESOLVED,
    )
    return case


def test_statistics_give_median_and_percentile_times_per_urgency(team):
    hour = timedelta(hours=1)
    for answered, closed in [(1, 10), (2, 20), (3, 30), (4, 40), (None, 50)]:
        finished_case(
            urgency=Urgency.HIGH,
            answered_after=None if answered is None else answered * hour,
            closed_after=closed * hour,
        )
    finished_case(urgency=Urgency.CRITICAL, answered_after=hour / 4, closed_after=2 * hour)
    still_open = open_case(Urgency.CRITICAL)
    Case.objects.filter(pk=still_open.pk).update(first_response_at=at(1))
    withdrawn = open_case(Urgency.CRITICAL)
    Case.objects.filter(pk=withdrawn.pk).update(status=Status.WITHDRAWN, closed_at=at(1))

    figures = sla.sla_statistics()
    assert list(figures) == ["critical", "high", "normal"]
    high = figures["high"]
    assert (high.cases, high.answered) == (5, 4)
    assert high.first_response_median == 2.5 * hour
    assert high.first_response_percentile == 4 * hour
    assert high.resolution_median == 30 * hour
    assert high.resolution_percentile == 50 * hour
    critical = figures["critical"]
    assert (critical.cases, critical.answered) == (1, 1)
    assert critical.first_response_median == critical.first_response_percentile == hour / 4
    assert critical.resolution_median == 2 * hour
    normal = figures["normal"]
    assert normal == sla.ResponseTimes(
        urgency="normal",
        cases=0,
        answered=0,
        first_response_median=None,
        first_response_percentile=None,
        resolution_median=None,
        resolution_percentile=None,
    )

    assert sla.sla_statistics(percentile=50)["high"].resolution_percentile == 30 * hour
    in_period = sla.sla_statistics(
        closed_since=ARRIVAL + 15 * hour, closed_before=ARRIVAL + 45 * hour
    )
    assert in_period["high"].cases == 3
    assert in_period["critical"].cases == 0
    with pytest.raises(ValueError, match="percentile"):
        sla.sla_statistics(percentile=0)


def test_a_step_another_check_took_meanwhile_is_not_taken_again(team):
    """Two workers may read the same case at once (SQLite has no row locks; PostgreSQL skips
    locked rows, but a read can still be stale): the slower one must tell nobody."""
    case = open_case(Urgency.CRITICAL)
    stale = Case.objects.select_related("assignee").get(pk=case.pk)
    sla.sla_check(now=at(31))
    clear_notices()
    assert not sla._take_steps(case=stale, target=sla.Level.BREACHED, now=at(31))
    assert told() == []
    assert AuditEntry.objects.filter(action=Action.CASE_UPDATE).count() == 1
