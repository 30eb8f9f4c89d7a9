"""Coming back with the receipt: status, replies both ways, withdrawal, and guessing."""

import time

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client

from rightsdesk.accounts.permissions import Role
from rightsdesk.audit.models import Action, AuditEntry
from rightsdesk.cases import services as case_services
from rightsdesk.cases.models import Case, CaseEntry, CaseGrant, EntryKind, Status
from rightsdesk.intake import followup
from tests.conftest import sign_in
from tests.factories import make_staff

FOLLOWUP = "/en/report/followup/"
REFUSED = "This receipt does not open a report."


@pytest.fixture
def sent_case(escrow):
    coordinator = make_staff(Role.COORDINATOR)
    created = case_services.case_create(
        category="harassment",
        urgency="normal",
        language="fa",
        report={"what_happened": "They keep posting my photo.", "danger": False},
    )
    return created, coordinator


def open_with(client: Client, receipt: str):
    return client.post(FOLLOWUP, {"receipt": receipt})


def test_the_receipt_opens_the_conversation(client: Client, sent_case):
    created, _coordinator = sent_case
    sessions_before = Session.objects.count()
    persian = created.receipt.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    response = open_with(client, persian.replace(" ", " - "))
    assert response["Location"] == FOLLOWUP
    cookie = client.cookies[followup.COOKIE]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Strict"
    page = client.get(FOLLOWUP).content.decode()
    assert "They keep posting my photo." in page
    assert "Received: we have your report" in page
    # Nothing about the visit is written to the database.
    assert Session.objects.count() == sessions_before


def test_messages_go_both_ways(client: Client, sent_case):
    created, coordinator = sent_case
    staff = Client()
    sign_in(staff, coordinator)
    staff.post(
        f"/en/staff/cases/{created.case.reference}/reply/",
        {"text": "We are here. Can you tell us which forum?"},
    )
    open_with(client, created.receipt)
    page = client.get(FOLLOWUP).content.decode()
    assert "We are here. Can you tell us which forum?" in page
    assert "From the team" in page
    response = client.post("/en/report/followup/reply/", {"text": "It was on a paste site."})
    assert response["Location"] == FOLLOWUP
    staff_page = staff.get(f"/en/staff/cases/{created.case.reference}/").content.decode()
    assert "It was on a paste site." in staff_page
    assert CaseEntry.objects.filter(kind=EntryKind.REPORTER_MESSAGE).count() == 1


def test_a_reply_over_the_limit_keeps_the_text(client: Client, sent_case):
    created, _coordinator = sent_case
    open_with(client, created.receipt)
    text = "y" * 50_001
    response = client.post("/en/report/followup/reply/", {"text": text})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing you typed was lost" in html
    assert text in html


def test_withdrawing_shreds_the_case(client: Client, sent_case):
    created, _coordinator = sent_case
    open_with(client, created.receipt)
    confirm = client.get("/en/report/followup/withdraw/").content.decode()
    assert "Withdraw your report?" in confirm
    response = client.post("/en/report/followup/withdraw/", {"confirm": "1"})
    assert response.cookies[followup.COOKIE].value == ""
    case = Case.objects.get(pk=created.case.pk)
    assert case.status == Status.WITHDRAWN
    assert case.reporter_wrap is None
    assert bytes(case.escrow_wrap) == b""
    assert case.receipt_lookup is None
    assert not CaseEntry.objects.filter(case=case).exists()
    assert not CaseGrant.objects.filter(case=case).exists()
    assert REFUSED in open_with(Client(), created.receipt).content.decode()
    withdrawal = AuditEntry.objects.get(action=Action.WITHDRAWAL)
    assert (withdrawal.case_reference, withdrawal.actor, withdrawal.detail) == (
        case.reference,
        "",
        {},
    )


def test_a_wrong_receipt_gets_one_generic_answer(client: Client, sent_case):
    created, _coordinator = sent_case
    digits = created.receipt.replace(" ", "")
    changed = digits[:-2] + str((int(digits[-2]) + 1) % 10) + digits[-1]
    for attempt in (changed, "not a receipt", "1234"):
        assert REFUSED in open_with(client, attempt).content.decode()


def test_repeated_guesses_are_slowed_down(client: Client, sent_case):
    for _attempt in range(6):
        response = open_with(client, "0000 0000 0000 0000 0000 0000 0000")
    assert "Too many attempts" in response.content.decode()


def test_site_wide_guessing_is_slowed_down_too(client: Client, sent_case, monkeypatch):
    from rightsdesk.accounts.throttle import ThrottlePolicy

    monkeypatch.setattr(followup, "_global_policy", lambda: ThrottlePolicy(3, 10))
    created, _coordinator = sent_case
    for number in range(4):
        open_with(client, f"{number:028d}")
    response = open_with(client, created.receipt)
    assert "Too many attempts" in response.content.decode()


def test_expired_or_forged_sessions_ask_for_the_receipt_again(client: Client, sent_case):
    created, _coordinator = sent_case
    access = followup.reporter_open(receipt=created.receipt)
    assert followup.access_from_cookie(followup.access_to_cookie(access)) == access
    assert (
        followup.access_from_cookie(followup.access_to_cookie(access), now=time.time() + 3600)
        is None
    )
    client.cookies[followup.COOKIE] = followup.access_to_cookie(access)[:-4] + "AAAA"
    page = client.get(FOLLOWUP).content.decode()
    assert "Type the receipt you were given" in page
    assert followup.access_from_cookie("%%%") is None


def test_leaving_deletes_the_cookie(client: Client, sent_case):
    created, _coordinator = sent_case
    open_with(client, created.receipt)
    response = client.post("/en/report/followup/leave/")
    assert response.cookies[followup.COOKIE].value == ""


def test_a_member_without_the_key_cannot_write_to_the_reporter(client: Client, sent_case):
    created, _coordinator = sent_case
    latecomer = make_staff(Role.COORDINATOR)
    sign_in(client, latecomer)
    response = client.post(f"/en/staff/cases/{created.case.reference}/reply/", {"text": "hi"})
    assert response.status_code == 404


def test_the_case_holders_are_told_of_a_reply_without_content(
    client: Client, sent_case, django_capture_on_commit_callbacks
):
    created, coordinator = sent_case
    coordinator.member.email = "holder@example.org"
    coordinator.member.save()
    open_with(client, created.receipt)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/report/followup/reply/", {"text": "secret-reply-canary"})
    assert [message.to for message in mail.outbox] == [["holder@example.org"]]
    assert "secret-reply-canary" not in mail.outbox[0].body
    assert created.case.reference not in mail.outbox[0].body
