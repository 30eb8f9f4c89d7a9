"""Cases are created encrypted and read only by members holding a grant."""

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from rightsdesk.accounts import services as account_services
from rightsdesk.accounts.permissions import Role
from rightsdesk.cases import selectors, services
from rightsdesk.cases.models import Case, CaseGrant, Category, Urgency
from rightsdesk.crypto import escrow as escrow_shares
from rightsdesk.crypto import keys, passwords, receipts
from tests.conftest import sign_in
from tests.factories import make_staff

CANARY = "canary-7f3a9c-what-happened"


@pytest.fixture
def escrow(db) -> list[str]:
    return account_services.escrow_initialise(shares=3, threshold=2)


def report(text: str = CANARY) -> dict[str, object]:
    return {"what_happened": text, "projects": "fa.wikipedia.org", "danger": False}


def test_case_create_requires_an_escrow_key(db):
    with pytest.raises(services.EscrowMissing):
        services.case_create(
            category=Category.HARASSMENT, urgency=Urgency.NORMAL, language="fa", report=report()
        )
    assert not Case.objects.exists()


def test_a_new_case_is_wrapped_for_coordinators_escrow_and_reporter(escrow):
    coordinator = make_staff(Role.COORDINATOR)
    handler = make_staff(Role.HANDLER)
    created = services.case_create(
        category=Category.DOXXING, urgency=Urgency.HIGH, language="fa", report=report()
    )
    case = created.case
    assert case.reference.startswith("RD-")
    assert set(CaseGrant.objects.filter(case=case).values_list("member", flat=True)) == {
        coordinator.member.pk
    }
    member_private = account_services.staff_key_open(
        member=coordinator.member, password=coordinator.password
    ).private
    timeline = selectors.case_timeline(coordinator.member, case, member_private)
    assert timeline[0].content["what_happened"] == CANARY
    # The handler was not granted the case: it is not even visible to them.
    with pytest.raises(selectors.CaseNotFound):
        selectors.case_for(handler.member, case.reference)
    # The reporter's receipt opens the case key, and its look-up id finds the case.
    digits = receipts.normalise_receipt(created.receipt)
    assert digits is not None
    assert case.reporter_wrap is not None
    private = passwords.unwrap_with_password(bytes(case.reporter_wrap), digits)
    assert keys.keypair_from_private(private).public == bytes(case.public_key)
    pepper = settings.RECEIPT_PEPPER.encode()
    assert case.receipt_lookup == receipts.receipt_lookup_id(created.receipt, pepper)
    # Enough escrow shares open it too.
    escrow_pair = keys.keypair_from_private(escrow_shares.combine_shares(escrow[:2]))
    assert keys.unseal(escrow_pair, bytes(case.escrow_wrap)) == private


def test_the_database_holds_no_case_content_or_receipt(escrow):
    make_staff(Role.COORDINATOR)
    created = services.case_create(
        category=Category.THREATS, urgency=Urgency.CRITICAL, language="ar", report=report()
    )
    digits = receipts.normalise_receipt(created.receipt) or ""
    with connection.cursor() as cursor:
        rows = []
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows.extend(cursor.fetchall())
    dump = b"\n".join(
        value.tobytes() if isinstance(value, memoryview) else str(value).encode()
        for row in rows
        for value in row
    )
    for secret in (CANARY, digits, created.receipt):
        assert secret.encode() not in dump


def test_coordinator_reads_the_report_in_the_staff_view(client: Client, escrow):
    coordinator = make_staff(Role.COORDINATOR)
    created = services.case_create(
        category=Category.HARASSMENT,
        urgency=Urgency.NORMAL,
        language="en",
        report=report("<script>alert(1)</script> & more"),
    )
    sign_in(client, coordinator)
    listing = client.get("/en/staff/cases/").content.decode()
    assert created.case.reference in listing
    page = client.get(f"/en/staff/cases/{created.case.reference}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in page
    assert "<script>" not in page


def test_a_coordinator_without_a_grant_sees_metadata_but_no_content(client: Client, escrow):
    created = services.case_create(
        category=Category.OTHER, urgency=Urgency.NORMAL, language="en", report=report()
    )
    latecomer = make_staff(Role.COORDINATOR)
    sign_in(client, latecomer)
    page = client.get(f"/en/staff/cases/{created.case.reference}/").content.decode()
    assert "You have not been given access to this case's content" in page
    assert CANARY not in page


def test_a_handler_without_a_grant_gets_404(client: Client, escrow):
    make_staff(Role.COORDINATOR)
    created = services.case_create(
        category=Category.OTHER, urgency=Urgency.NORMAL, language="en", report=report()
    )
    sign_in(client, make_staff(Role.HANDLER))
    assert client.get(f"/en/staff/cases/{created.case.reference}/").status_code == 404
    assert created.case.reference not in client.get("/en/staff/cases/").content.decode()


def test_references_are_random_and_unambiguous():
    references = {services.new_reference() for _ in range(200)}
    assert len(references) == 200
    assert all(
        set(ref[3:].replace("-", "")) <= set(services.REFERENCE_ALPHABET) for ref in references
    )
