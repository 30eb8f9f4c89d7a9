"""The whole life of a case, as the team and a reporter live it, through the real pages and API.

A critical report arrives; a coordinator triages and assigns it; the handler answers; the reporter
comes back with the receipt and answers too; the case is resolved. A second handler never sees it.
The audit log holds together until one row is edited by hand. A year later the case is purged and
nothing of its content is left anywhere.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from rightsdesk.accounts import services as account_services
from rightsdesk.accounts.models import Notification
from rightsdesk.accounts.permissions import Role
from rightsdesk.audit.models import Action, AuditEntry
from rightsdesk.cases import services, storage
from rightsdesk.cases.models import Case, CaseEntry, CaseGrant, EvidenceFile, Status, Urgency
from rightsdesk.cases.retention import retention_run
from rightsdesk.cases.sla import sla_check
from tests.conftest import sign_in
from tests.factories import make_staff

WHAT_HAPPENED = "They published my home address next to my username."
HANDLER_ANSWER = "We have asked for the page to be removed. Are you somewhere safe tonight?"
REPORTER_ANSWER = "Yes, I am staying with a friend."


def post_json(client: Client, path: str, body: dict[str, Any], **headers: Any) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json", **headers)


def change_status(client: Client, case: Case, status: str, reason: str = "") -> Any:
    case.refresh_from_db()
    return client.post(
        f"/en/staff/cases/{case.reference}/status/",
        {"status": status, "reason": reason, "version": case.version},
    )


@pytest.mark.django_db(transaction=True)
def test_a_critical_case_from_arrival_to_purge(capsys):
    account_services.escrow_initialise(shares=3, threshold=2)
    coordinator = make_staff(Role.COORDINATOR)
    handler = make_staff(Role.HANDLER)
    other_handler = make_staff(Role.HANDLER)

    # A volunteer in danger reports through the API and keeps the receipt.
    reporter = Client()
    sent = post_json(
        reporter,
        "/api/v1/reports",
        {
            "danger": True,
            "category": "doxxing",
            "what_happened": WHAT_HAPPENED,
            "contact_method": "signal",
            "contact_value": "+00 000 000",
            "preferred_language": "en",
            "consent": "ask",
        },
    )
    assert sent.status_code == 201, sent.json()
    receipt = sent.json()["receipt"]
    case = Case.objects.get()
    assert case.urgency == Urgency.CRITICAL
    assert case.acknowledge_by is not None
    services.case_attach_file(
        case=case, name="screenshot.png", content=b"\x89PNG not really", inspection={}
    )
    assert Notification.objects.filter(
        member=coordinator.member, kind=Notification.Kind.URGENT_REPORT
    ).exists()

    # The coordinator finds it at the top of the queue, triages it and assigns it.
    desk = Client()
    sign_in(desk, coordinator)
    queue = desk.get("/en/staff/cases/?urgency=critical").content.decode()
    assert case.reference in queue
    assert change_status(desk, case, Status.TRIAGE).status_code == 302
    case.refresh_from_db()
    assigned = desk.post(
        f"/en/staff/cases/{case.reference}/assign/",
        {"assignee": handler.member.pk, "version": case.version},
    )
    assert assigned.status_code == 302
    assert CaseGrant.objects.filter(case=case, member=handler.member).exists()
    assert change_status(desk, case, Status.ACTIVE).status_code == 302

    # The handler reads the report and answers the reporter.
    work = Client()
    sign_in(work, handler)
    page = work.get(f"/en/staff/cases/{case.reference}/").content.decode()
    assert WHAT_HAPPENED in page
    replied = work.post(f"/en/staff/cases/{case.reference}/reply/", {"text": HANDLER_ANSWER})
    assert replied.status_code == 302
    case.refresh_from_db()
    assert case.first_response_at is not None
    # Answered in time: the deadline check escalates nothing.
    assert sla_check(now=case.created_at + timedelta(hours=3)).escalated == {}
    assert change_status(work, case, Status.WAITING_REPORTER).status_code == 302

    # The reporter comes back with the receipt, reads the answer and writes back.
    session = post_json(reporter, "/api/v1/reporter/session", {"receipt": receipt})
    bearer: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {session.json()['token']}"}
    seen = reporter.get("/api/v1/reporter/case", **bearer).json()
    assert HANDLER_ANSWER in json.dumps(seen, ensure_ascii=False)
    answered = post_json(reporter, "/api/v1/reporter/messages", {"text": REPORTER_ANSWER}, **bearer)
    assert answered.status_code == 201
    case.refresh_from_db()
    assert case.status == Status.ACTIVE
    assert REPORTER_ANSWER in work.get(f"/en/staff/cases/{case.reference}/").content.decode()

    # Resolved.
    assert change_status(work, case, Status.RESOLVED, "Page removed").status_code == 302
    case.refresh_from_db()
    assert case.status == Status.RESOLVED
    assert case.closed_at is not None

    # A second handler, without the key, finds nothing there at all.
    outsider = Client()
    sign_in(outsider, other_handler)
    base = f"/en/staff/cases/{case.reference}/"
    file_url = f"{base}files/{EvidenceFile.objects.get().uuid}/"
    for url in (base, file_url):
        assert outsider.get(url).status_code == 404, url
    for url in (f"{base}reply/", f"{base}status/", f"{base}access/"):
        assert outsider.post(url, {"text": "x"}).status_code == 404, url
    assert case.reference not in outsider.get("/en/staff/cases/").content.decode()

    # The audit log holds together; then someone edits one row by hand.
    assert AuditEntry.objects.filter(action=Action.CASE_READ, case_reference=case.reference)
    call_command("audit", "verify")
    assert "intact" in capsys.readouterr().out
    edited = AuditEntry.objects.filter(action=Action.GRANT).order_by("sequence").first()
    assert edited is not None
    AuditEntry.objects.filter(pk=edited.pk).update(actor="someone-else")
    with pytest.raises(CommandError, match=f"#{edited.sequence}"):
        call_command("audit", "verify")

    # A year on: warned first, then purged; nothing of the content is left.
    file_uuid = str(EvidenceFile.objects.get().uuid)
    assert storage.evidence_path(file_uuid).exists()
    closed = case.closed_at
    assert closed is not None
    warned = retention_run(now=closed + timedelta(days=352))
    assert warned.warned == [case.reference]
    purged = retention_run(now=closed + timedelta(days=366))
    assert purged.purged == [case.reference]
    case.refresh_from_db()
    assert case.purged_at is not None
    assert not CaseEntry.objects.filter(case=case).exists()
    assert not CaseGrant.objects.filter(case=case).exists()
    assert not EvidenceFile.objects.filter(case=case).exists()
    assert not storage.evidence_path(file_uuid).exists()
    assert bytes(case.escrow_wrap) == b""
    assert case.reporter_wrap is None
    assert case.search_digest is None
    assert post_json(Client(), "/api/v1/reporter/session", {"receipt": receipt}).status_code != 201
