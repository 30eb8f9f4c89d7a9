"""The reporting flow end to end, as a reporter without JavaScript would go through it."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import Client

from rightsdesk.accounts.permissions import Role
from rightsdesk.cases.models import Case, Urgency
from rightsdesk.cases.selectors import case_exists_for_receipt
from rightsdesk.crypto import receipts
from rightsdesk.intake import drafts
from tests.factories import make_staff
from tests.intake.conftest import Reporter

CANARY = "canary-4be1-intake-narrative"


def database_dump() -> bytes:
    with connection.cursor() as cursor:
        rows = []
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows.extend(cursor.fetchall())
    return b"\n".join(
        value.tobytes() if isinstance(value, memoryview) else str(value).encode()
        for row in rows
        for value in row
    )


def receipt_from(html: str) -> str:
    return html.split('<p class="receipt" dir="ltr">')[1].split("</p>")[0]


def test_a_report_from_start_to_receipt(
    reporter: Reporter, client: Client, escrow, django_capture_on_commit_callbacks
):
    coordinator = make_staff(Role.COORDINATOR)
    coordinator.member.email = "coordinator@example.org"
    coordinator.member.save()
    reporter.fill_all(
        what={
            "category": "harassment",
            "what_happened": CANARY,
            "links": "https://fa.wikipedia.org/w/index.php?diff=1",
        }
    )
    assert not Case.objects.exists(), "nothing lands in the database before sending"
    assert CANARY.encode() not in database_dump()
    review = client.get(reporter.url("review"))
    assert CANARY in review.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(reporter.url("review"))
    assert sent["Location"] == reporter.url("sent")
    page = client.get(reporter.url("sent"))
    receipt = receipt_from(page.content.decode())
    assert receipts.normalise_receipt(receipt)
    assert case_exists_for_receipt(receipt)
    case = Case.objects.get()
    assert case.urgency == Urgency.NORMAL
    assert case.category == "harassment"
    assert case.language == "fa"
    # The receipt page leaves nothing behind: the draft and its cookie are gone.
    assert page.cookies[drafts.COOKIE].value == ""
    assert page.cookies["csrftoken"].value == ""
    assert not list((Path(settings.DATA_DIR) / "drafts").glob("*.draft"))
    # Shown once: reloading does not show it again, and sending again creates nothing.
    again = client.get(reporter.url("sent")).content.decode()
    assert receipt not in again
    client.post(reporter.url("review"))
    assert Case.objects.count() == 1
    # Coordinators are told, without any content.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["coordinator@example.org"]
    assert CANARY not in message.body
    assert case.reference not in message.body
    assert CANARY.encode() not in database_dump()


def test_immediate_danger_shows_contacts_and_files_a_critical_report(
    reporter: Reporter, client: Client, escrow, settings, django_capture_on_commit_callbacks
):
    settings.ONCALL_EMAILS = ["oncall@example.org"]
    reporter.start()
    response = reporter.answer("danger", {"danger": "yes"})
    assert response["Location"] == reporter.url("emergency")
    emergency = client.get(reporter.url("emergency")).content.decode()
    assert settings.EMERGENCY_EMAIL in emergency
    reporter.answer("what", {"category": "threats", "what_happened": "A threat to my life."})
    reporter.answer(
        "contact", {"contact_method": "none", "preferred_language": "en", "consent": "never"}
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reporter.url("review"))
    assert Case.objects.get().urgency == Urgency.CRITICAL
    assert mail.outbox[0].to == ["oncall@example.org"]
    assert mail.outbox[0].subject.startswith("Urgent")


@pytest.mark.parametrize("scope", ["content", "policy"])
def test_out_of_scope_points_elsewhere_and_keeps_nothing(
    reporter: Reporter, client: Client, escrow, scope: str
):
    reporter.start()
    reporter.answer("danger", {"danger": "no"})
    response = reporter.answer("scope", {"scope": scope})
    assert response["Location"] == reporter.url("elsewhere")
    page = client.get(reporter.url("elsewhere"))
    assert settings.TRUST_AND_SAFETY_URL in page.content.decode()
    assert page.cookies[drafts.COOKIE].value == ""
    assert page.cookies["csrftoken"].value == ""
    assert not list((Path(settings.DATA_DIR) / "drafts").glob("*.draft"))
    assert not Case.objects.exists()


def test_steps_without_a_draft_send_back_to_the_start(client: Client, db):
    response = client.get("/en/report/what/")
    assert response["Location"] == "/en/report/"
    page = client.get(response["Location"]).content.decode()
    assert "deleted after an hour" in page


def test_an_hour_old_draft_is_gone(reporter: Reporter, client: Client, escrow, settings):
    reporter.start()
    settings.REPORT_DRAFT_SECONDS = -1
    assert client.get(reporter.url("danger"))["Location"] == reporter.url()


def test_back_keeps_even_invalid_input(reporter: Reporter, client: Client, escrow):
    reporter.start()
    reporter.answer("danger", {"danger": "no"})
    reporter.answer("scope", {"scope": "threat"})
    response = reporter.answer(
        "what", {"what_happened": "half a sentence", "links": "not a link"}, back=True
    )
    assert response["Location"] == reporter.url("scope")
    page = client.get(reporter.url("what")).content.decode()
    assert "half a sentence" in page
    assert "not a link" in page


def test_the_draft_on_disk_is_encrypted(reporter: Reporter, client: Client, escrow):
    reporter.start()
    reporter.answer("danger", {"danger": "no"})
    reporter.answer("scope", {"scope": "threat"})
    reporter.answer("what", {"category": "other", "what_happened": CANARY})
    stored = b"".join(
        path.read_bytes() for path in (Path(settings.DATA_DIR) / "drafts").glob("*.draft")
    )
    assert stored
    assert CANARY.encode() not in stored


def test_review_refuses_to_send_an_incomplete_report(reporter: Reporter, client: Client, escrow):
    reporter.start()
    reporter.answer("danger", {"danger": "no"})
    page = client.get(reporter.url("review")).content.decode()
    assert "Some parts are not filled in yet" in page
    client.post(reporter.url("review"))
    assert not Case.objects.exists()


def test_discard_deletes_the_draft(reporter: Reporter, client: Client, escrow):
    reporter.start()
    response = client.post(reporter.url("discard"))
    assert response.cookies[drafts.COOKIE].value == ""
    assert not list((Path(settings.DATA_DIR) / "drafts").glob("*.draft"))


def test_starting_needs_csrf(db):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/en/report/").status_code == 403
    token = strict.get("/en/report/").cookies["csrftoken"].value
    assert strict.post("/en/report/", {"csrfmiddlewaretoken": token}).status_code == 302


@pytest.mark.parametrize("language", ["fa", "ar", "zh-hans"])
def test_flow_pages_render_in_other_languages(client: Client, db, language: str):
    reporter = Reporter(client, language)
    start = client.get(reporter.url()).content.decode()
    assert f'lang="{language}"' in start
    reporter.start()
    page = client.get(reporter.url("danger")).content.decode()
    assert 'type="radio"' in page


def test_without_an_escrow_key_nothing_is_sent_and_the_draft_is_kept(
    reporter: Reporter, client: Client, db
):
    make_staff(Role.COORDINATOR)
    reporter.fill_all()
    response = client.post(reporter.url("review"))
    assert response.status_code == 503
    assert "Reports cannot be received yet" in response.content.decode()
    assert not Case.objects.exists()
    assert client.get(reporter.url("review")).status_code == 200
