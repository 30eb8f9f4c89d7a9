"""The JSON API: same questions and checks as the pages; errors with a code and a message."""

import json
from typing import Any

from django.test import Client

from rightsdesk.accounts.permissions import Role
from rightsdesk.cases import services as case_services
from rightsdesk.cases.models import Case, Urgency
from rightsdesk.cases.selectors import case_exists_for_receipt
from tests.conftest import sign_in
from tests.factories import make_staff

REPORT = {
    "danger": True,
    "category": "threats",
    "what_happened": "They said they know where I live.",
    "links": ["https://fa.wikipedia.org/w/index.php?diff=123"],
    "contact_method": "signal",
    "contact_value": "+00 000 000",
    "preferred_language": "fa",
    "consent": "yes",
    "consent_purposes": ["legal"],
}


def post(client: Client, path: str, body: dict[str, Any], **headers: Any) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json", **headers)


def test_send_a_report_and_follow_it(client: Client, escrow):
    coordinator = make_staff(Role.COORDINATOR)
    response = post(client, "/api/v1/reports", REPORT)
    assert response.status_code == 201
    receipt = response.json()["receipt"]
    assert case_exists_for_receipt(receipt)
    assert Case.objects.get().urgency == Urgency.CRITICAL

    session = post(client, "/api/v1/reporter/session", {"receipt": receipt})
    assert session.status_code == 201
    token = session.json()["token"]
    bearer: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    case = client.get("/api/v1/reporter/case", **bearer).json()
    assert case["status"] == "received"
    assert case["messages"][0]["text"] == REPORT["what_happened"]

    sent = post(client, "/api/v1/reporter/messages", {"text": "More details."}, **bearer)
    assert sent.status_code == 201
    staff = Client()
    sign_in(staff, coordinator)
    reference = Case.objects.get().reference
    assert "More details." in staff.get(f"/en/staff/cases/{reference}/").content.decode()


def test_invalid_answers_get_field_errors_in_the_asked_language(client: Client, escrow):
    bad = {**REPORT, "what_happened": "x" * 50_001, "links": ["javascript:alert(1)"]}
    response = post(client, "/api/v1/reports", bad, HTTP_ACCEPT_LANGUAGE="fa")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["fields"]) == {"what_happened", "links"}
    english = post(client, "/api/v1/reports", bad, HTTP_ACCEPT_LANGUAGE="en").json()
    assert "50000" in english["fields"]["what_happened"][0]
    assert body["message"] != english["message"]
    assert not Case.objects.exists()


def test_malformed_bodies_are_refused_with_a_code(client: Client, db):
    response = post(client, "/api/v1/reports", {"danger": "perhaps"})
    assert response.status_code == 400
    assert response.json()["code"] == "malformed"


def test_wrong_receipts_and_missing_tokens(client: Client, escrow):
    refused = post(client, "/api/v1/reporter/session", {"receipt": "1234"})
    assert refused.status_code == 401
    assert refused.json()["code"] == "receipt_refused"
    assert client.get("/api/v1/reporter/case").status_code == 401
    forged = client.get("/api/v1/reporter/case", HTTP_AUTHORIZATION="Bearer nonsense")
    assert forged.status_code == 401
    assert forged.json()["code"] == "not_signed_in"


def test_guessing_through_the_api_is_slowed_down(client: Client, escrow):
    for _attempt in range(6):
        response = post(client, "/api/v1/reporter/session", {"receipt": "0" * 28})
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert response.json()["retry_after"] >= 1


def test_a_withdrawn_report_closes_its_token(client: Client, escrow):
    created = case_services.case_create(
        category="other", urgency="normal", language="en", report={"what_happened": "x"}
    )
    token = post(client, "/api/v1/reporter/session", {"receipt": created.receipt}).json()["token"]
    case_services.case_withdraw(case=created.case)
    response = client.get("/api/v1/reporter/case", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 401


def test_openapi_document_lists_the_endpoints(client: Client, db):
    document = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/reports", "/api/v1/reporter/session", "/api/v1/reporter/case"} <= set(
        document["paths"]
    )
    assert client.get("/api/v1/docs").status_code == 404
