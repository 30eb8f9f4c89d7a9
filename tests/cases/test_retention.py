"""Retention: finished cases are crypto-shredded after a warning; a legal hold pauses both."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command

from rightsdesk.accounts import services as account_services
from rightsdesk.accounts.models import Notification, StaffMember
from rightsdesk.accounts.permissions import Role
from rightsdesk.audit.models import Action, AuditEntry
from rightsdesk.cases import retention, services, storage
from rightsdesk.cases.models import (
    AccessRequest,
    Case,
    CaseEntry,
    CaseGrant,
    EvidenceFile,
    Status,
)
from rightsdesk.core import clock
from rightsdesk.notifications.models import OutboundMail
from tests.factories import make_staff

CLOSED = datetime(2031, 1, 10, 12, 0, tzinfo=UTC)
CANARY = "canary-retention-what-happened"
WARNING = Notification.Kind.RETENTION_WARNING
INSPECTION = {
    "content_type": "text/plain",
    "kind": "text",
    "inspected": True,
    "problem": "",
    "metadata": {},
    "has_location": False,
}


def day(number: float) -> datetime:
    """``number`` days after the case closed."""
    return CLOSED + timedelta(days=number)


@pytest.fixture
def team(db, settings, tmp_path, monkeypatch):
    settings.DATA_DIR = tmp_path
    settings.RETENTION_DAYS = 365
    settings.RETENTION_WARNING_DAYS = 14
    monkeypatch.setattr(clock, "now", lambda: CLOSED)
    account_services.escrow_initialise(shares=3, threshold=2)
    members = {
        "amina": make_staff(Role.COORDINATOR, username="amina").member,
        "chen": make_staff(Role.HANDLER, username="chen").member,
    }
    for name, member in members.items():
        StaffMember.objects.filter(pk=member.pk).update(email=f"{name}@example.org")
        member.refresh_from_db()
    return members


def closed_case(
    *, status: Status = Status.RESOLVED, closed_at: datetime | None = CLOSED, assignee=None
) -> Case:
    """A case with a report, a file and an open access request, closed at ``closed_at``."""
    created = services.case_create(
        category="harassment", urgency="normal", language="en", report={"what": CANARY}
    )
    case = created.case
    services.case_attach_file(
        case=case, name="canary-name.txt", content=CANARY.encode() * 100, inspection=INSPECTION
    )
    requester = make_staff(Role.HANDLER).member
    AccessRequest.objects.create(case=case, member=requester)
    Case.objects.filter(pk=case.pk).update(status=status, closed_at=closed_at, assignee=assignee)
    case.refresh_from_db()
    Notification.objects.all().delete()
    OutboundMail.objects.all().delete()
    return case


def warned() -> list[str]:
    return sorted(
        Notification.objects.filter(kind=WARNING).values_list("member__username", flat=True)
    )


def stored_files() -> list[str]:
    return sorted(path.name for path in storage.evidence_dir().iterdir())


def assert_whole(case: Case) -> None:
    case.refresh_from_db()
    assert case.purged_at is None
    assert CaseEntry.objects.filter(case=case).exists()
    assert CaseGrant.objects.filter(case=case).exists()
    assert EvidenceFile.objects.filter(case=case).exists()
    assert bytes(case.escrow_wrap) != b""


def assert_shredded(case: Case, *, at: datetime) -> None:
    case.refresh_from_db()
    assert case.purged_at == at
    for model in (CaseEntry, CaseGrant, EvidenceFile, AccessRequest):
        assert not model.objects.filter(case=case).exists(), model
    assert bytes(case.escrow_wrap) == b""
    assert case.reporter_wrap is None
    assert case.receipt_lookup is None
    # The metadata row stays for aggregate figures; the public key opens nothing.
    assert Case.objects.filter(pk=case.pk, reference=case.reference).exists()
    assert bytes(case.public_key)


def test_a_resolved_case_is_warned_then_purged(team):
    case = closed_case(assignee=team["chen"])
    [file_name] = stored_files()

    assert retention.retention_run(now=day(350)).warned == []

    report = retention.retention_run(now=day(351))
    assert (report.warned, report.purged) == ([case.reference], [])
    assert warned() == ["chen"]
    assert sorted(OutboundMail.objects.values_list("recipient", flat=True)) == ["chen@example.org"]
    mail = OutboundMail.objects.get()
    assert case.reference not in mail.subject + mail.body
    assert CANARY not in mail.subject + mail.body
    case.refresh_from_db()
    assert case.purge_warned_at == day(351)
    [warning] = AuditEntry.objects.filter(action=Action.RETENTION_WARNING)
    assert warning.case_reference == case.reference

    # Warned once only.
    assert retention.retention_run(now=day(360)).warned == []
    assert warned() == ["chen"]
    assert_whole(case)

    report = retention.retention_run(now=day(365))
    assert (report.warned, report.purged) == ([], [case.reference])
    assert_shredded(case, at=day(365))
    assert case.status == Status.RESOLVED
    assert file_name not in stored_files()
    assert stored_files() == []
    [purge] = AuditEntry.objects.filter(action=Action.PURGE)
    assert purge.case_reference == case.reference
    assert purge.detail == {"status": "resolved"}
    assert CANARY not in str(purge.detail)

    # Nothing left to do.
    report = retention.retention_run(now=day(400))
    assert (report.warned, report.purged) == ([], [])
    assert AuditEntry.objects.filter(action=Action.PURGE).count() == 1


@pytest.mark.parametrize("status", [Status.REJECTED, Status.MERGED])
def test_rejected_and_merged_cases_are_purged_too(team, status):
    case = closed_case(status=status)
    retention.retention_run(now=day(351))
    assert retention.retention_run(now=day(366)).purged == [case.reference]
    assert_shredded(case, at=day(366))


def test_without_an_assignee_the_coordinators_are_warned(team):
    closed_case()
    retention.retention_run(now=day(351))
    assert warned() == ["amina"]


def test_open_cases_are_never_purged(team):
    for status in (Status.NEW, Status.ACTIVE, Status.WAITING_REPORTER):
        closed_case(status=status, closed_at=day(-1000))
    report = retention.retention_run(now=day(2000))
    assert (report.warned, report.purged) == ([], [])


def test_a_legal_hold_pauses_warning_and_purge(team):
    case = closed_case(assignee=team["chen"])
    Case.objects.filter(pk=case.pk).update(legal_hold=True)
    report = retention.retention_run(now=day(1000))
    assert (report.warned, report.purged) == ([], [])
    assert warned() == []
    assert_whole(case)

    # Lifted: the warning comes first, and the purge only after the warning period.
    Case.objects.filter(pk=case.pk).update(legal_hold=False)
    assert retention.retention_run(now=day(1001)).warned == [case.reference]
    assert retention.retention_run(now=day(1014)).purged == []
    assert retention.retention_run(now=day(1015)).purged == [case.reference]


def test_a_hold_set_after_the_warning_stops_the_purge(team):
    case = closed_case()
    retention.retention_run(now=day(351))
    Case.objects.filter(pk=case.pk).update(legal_hold=True)
    assert retention.retention_run(now=day(400)).purged == []
    assert_whole(case)


def test_a_case_never_warned_is_not_purged_without_the_warning_period(team):
    case = closed_case(closed_at=day(-1000))
    report = retention.retention_run(now=day(0))
    assert (report.warned, report.purged) == ([case.reference], [])
    assert_whole(case)
    assert retention.retention_run(now=day(13)).purged == []
    assert retention.retention_run(now=day(14)).purged == [case.reference]


def test_a_warning_from_before_a_reopening_does_not_count(team):
    case = closed_case()
    retention.retention_run(now=day(351))
    # Reopened, then closed again a year later.
    Case.objects.filter(pk=case.pk).update(closed_at=day(360))
    assert retention.retention_run(now=day(365)).purged == []
    assert retention.retention_run(now=day(360 + 351)).warned == [case.reference]
    assert retention.retention_run(now=day(360 + 365)).purged == [case.reference]


def test_a_zero_day_warning_period_warns_and_purges_in_one_run(team, settings):
    settings.RETENTION_WARNING_DAYS = 0
    case = closed_case()
    report = retention.retention_run(now=day(365))
    assert (report.warned, report.purged) == ([case.reference], [case.reference])


def test_a_withdrawn_case_that_still_holds_content_is_shredded(team):
    case = closed_case(status=Status.WITHDRAWN, closed_at=None)
    report = retention.retention_run(now=day(1))
    assert (report.warned, report.purged) == ([], [case.reference])
    assert_shredded(case, at=day(1))
    assert stored_files() == []


def test_a_report_withdrawn_by_its_reporter_is_shredded_at_once(team):
    created = services.case_create(
        category="other", urgency="normal", language="en", report={"what": CANARY}
    )
    services.case_attach_file(
        case=created.case, name="n.txt", content=b"evidence", inspection=INSPECTION
    )
    services.case_withdraw(case=created.case)
    case = Case.objects.get(pk=created.case.pk)
    assert case.status == Status.WITHDRAWN
    assert_shredded(case, at=CLOSED)
    assert stored_files() == []
    # Nothing is left for retention to do.
    assert retention.retention_run(now=day(1)).purged == []


def test_a_dry_run_changes_nothing(team):
    warn_me = closed_case(closed_at=day(-1))
    purge_me = closed_case(closed_at=day(-100))
    Case.objects.filter(pk=purge_me.pk).update(purge_warned_at=day(-50))
    files_before = stored_files()
    audit_before = AuditEntry.objects.count()

    report = retention.retention_run(now=day(351), dry_run=True)
    assert report.dry_run
    assert report.warned == [warn_me.reference]
    assert report.purged == [purge_me.reference]
    assert_whole(warn_me)
    assert_whole(purge_me)
    assert warn_me.purge_warned_at is None
    assert stored_files() == files_before
    assert AuditEntry.objects.count() == audit_before
    assert warned() == []
    assert not OutboundMail.objects.exists()


def test_the_command_prints_references_and_counts_only(team, monkeypatch):
    warn_me = closed_case(closed_at=day(-1))
    purge_me = closed_case(closed_at=day(-100))
    Case.objects.filter(pk=purge_me.pk).update(purge_warned_at=day(-50))
    monkeypatch.setattr(clock, "now", lambda: day(351))

    output = io.StringIO()
    call_command("retention", "run", "--dry-run", stdout=output)
    text = output.getvalue()
    assert "purged 365 days after they closed, with a warning 14 days before" in text
    assert f"Would warn: 1 case(s)\n  {warn_me.reference}\n" in text
    assert f"Would purge: 1 case(s)\n  {purge_me.reference}\n" in text
    assert "Dry run: nothing was changed." in text
    assert CANARY not in text
    assert_whole(purge_me)

    output = io.StringIO()
    call_command("retention", "run", stdout=output)
    text = output.getvalue()
    assert f"Warned: 1 case(s)\n  {warn_me.reference}\n" in text
    assert f"Purged: 1 case(s)\n  {purge_me.reference}\n" in text
    assert "Dry run" not in text
    assert_shredded(purge_me, at=day(351))

    output = io.StringIO()
    call_command("retention", "run", stdout=output)
    assert "Warned: 0 case(s)\nPurged: 0 case(s)\n" in output.getvalue()


def test_the_worker_runs_retention_a_few_times_a_day(team, monkeypatch, settings):
    seconds = iter([0.0, 3600.0, retention.RETENTION_RUN_SECONDS + 1.0])
    monkeypatch.setattr(
        retention,
        "_run_due",
        clock.Every(retention.RETENTION_RUN_SECONDS, timer=lambda: next(seconds)),
    )
    assert retention.retention_run_when_due() is not None
    assert retention.retention_run_when_due() is None
    assert retention.retention_run_when_due() is not None
    assert "rightsdesk.cases.retention.retention_run_when_due" in settings.WORKER_MAINTENANCE
