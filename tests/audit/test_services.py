"""audit_record: one gap-free chain under concurrent writers, and no case content in it."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.test import Client

from rightsdesk.accounts import services as account_services
from rightsdesk.accounts.permissions import Role
from rightsdesk.audit.models import Action, AuditEntry, AuditHead
from rightsdesk.audit.services import audit_record
from rightsdesk.audit.verification import audit_verify
from rightsdesk.cases import services as case_services
from rightsdesk.cases.models import Category, Urgency
from tests.conftest import sign_in
from tests.factories import make_staff

CANARY = "canary-audit-5d1e-what-happened"
WRITERS = 6
ENTRIES_EACH = 15


def test_an_entry_records_who_did_what_when(db):
    member = make_staff(Role.HANDLER, username="amira").member
    moment = datetime(2026, 3, 1, 12, 30, 15, 123456, tzinfo=UTC)
    entry = audit_record(
        action=Action.CASE_READ,
        actor=member,
        case_reference="RD-AAAA-BBBB",
        detail={"entries": 3},
        at=moment,
    )
    entry.refresh_from_db()
    # Entry 1 records the account being created.
    assert (entry.sequence, entry.at, entry.actor, entry.action) == (
        2,
        moment,
        "amira",
        Action.CASE_READ,
    )
    assert AuditHead.objects.get().entry_hash == entry.entry_hash


def test_a_time_in_another_zone_is_stored_in_utc_and_still_verifies(db):
    elsewhere = datetime(2026, 3, 1, 15, 0, tzinfo=UTC).astimezone(ZoneInfo("Asia/Tehran"))
    entry = audit_record(action=Action.EXPORT, actor="amira", at=elsewhere)
    assert entry.at.tzinfo == UTC
    assert audit_verify().intact


def test_the_system_and_plain_usernames_are_actors_too(db):
    audit_record(action=Action.RETENTION_WARNING, case_reference="RD-AAAA-BBBB")
    audit_record(action=Action.SETTINGS_CHANGE, actor="amira")
    assert list(AuditEntry.objects.order_by("sequence").values_list("actor", flat=True)) == [
        "",
        "amira",
    ]


def _write_entries(number: int, errors: list[BaseException]) -> None:
    try:
        for count in range(ENTRIES_EACH):
            audit_record(action=Action.CASE_READ, actor=f"writer{number}", detail={"n": count})
    except BaseException as error:  # handed to the test's thread, which fails on it
        errors.append(error)
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_unbroken_chain():
    """On PostgreSQL the writers are threads with their own connections, racing for the head;
    SQLite's test database is one in-memory connection, so there they take turns."""
    errors: list[BaseException] = []
    if connection.vendor == "postgresql":
        threads = [
            threading.Thread(target=_write_entries, args=(number, errors))
            for number in range(WRITERS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    else:
        for number in range(WRITERS):
            for count in range(ENTRIES_EACH):
                audit_record(action=Action.CASE_READ, actor=f"writer{number}", detail={"n": count})
    assert errors == []
    total = WRITERS * ENTRIES_EACH
    assert list(AuditEntry.objects.order_by("sequence").values_list("sequence", flat=True)) == (
        list(range(1, total + 1))
    )
    result = audit_verify()
    assert result.intact
    assert result.entries_checked == total
    for number in range(WRITERS):
        details = AuditEntry.objects.filter(actor=f"writer{number}").order_by("sequence")
        assert [entry.detail["n"] for entry in details] == list(range(ENTRIES_EACH))


def test_an_entry_rolled_back_with_its_act_leaves_no_gap(db):
    audit_record(action=Action.SIGN_IN, actor="amira")

    def export_that_fails() -> None:
        with transaction.atomic():
            audit_record(action=Action.EXPORT, actor="amira")
            raise RuntimeError("the export failed")

    with pytest.raises(RuntimeError):
        export_that_fails()
    audit_record(action=Action.SIGN_OUT, actor="amira")
    assert list(AuditEntry.objects.order_by("sequence").values_list("sequence", "action")) == [
        (1, Action.SIGN_IN),
        (2, Action.SIGN_OUT),
    ]
    assert audit_verify().intact


def test_reading_a_case_leaves_no_case_content_in_the_log(db):
    account_services.escrow_initialise(shares=3, threshold=2)
    coordinator = make_staff(Role.COORDINATOR, username="amira")
    created = case_services.case_create(
        category=Category.THREATS,
        urgency=Urgency.HIGH,
        language="fa",
        report={"what_happened": CANARY, "projects": "fa.wikipedia.org", "danger": False},
    )
    reference = created.case.reference
    client = Client()
    sign_in(client, coordinator)
    page = client.get(f"/en/staff/cases/{reference}/")
    assert CANARY in page.content.decode()
    audit_record(
        action=Action.CASE_READ,
        actor=coordinator.member,
        case_reference=reference,
        detail={"entries": 1},
        at=datetime.now(tz=UTC) + timedelta(seconds=1),
    )
    rows = list(AuditEntry.objects.values_list("actor", "action", "case_reference", "detail", "at"))
    everything = "\n".join(str(row) for row in rows)
    assert CANARY not in everything
    assert "fa.wikipedia.org" not in everything
    # An entry about a case names it by reference; its detail holds only numbers and flags.
    for _actor, _action, case_reference, detail, _at in rows:
        if case_reference:
            assert case_reference == reference
            assert all(isinstance(value, int | bool) for value in detail.values()), detail
    assert audit_verify().intact
