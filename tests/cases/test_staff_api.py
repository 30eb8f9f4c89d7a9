"""The staff JSON API: bearer tokens from a full sign-in, and the same permissions, need-to-know
and services as the staff pages."""

import json
import time
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from rightsdesk.accounts import services as account_services
from rightsdesk.accounts.models import ApiToken, Notification
from rightsdesk.accounts.permissions import Role
from rightsdesk.audit.models import Action, AuditEntry
from rightsdesk.cases import services
from rightsdesk.cases.models import Case, Category, EntryKind, Status, Urgency
from rightsdesk.core import clock
from tests.factories import StaffLogin, make_staff

API = "/api/v1/staff"
CANARY = "canary-5e1d-staff-api-what-happened"
GENERIC = "The username, password or code is not correct."


@pytest.fixture
def escrow(db) -> list[str]:
    return account_services.escrow_initialise(shares=3, threshold=2)


def new_case(urgency: Urgency = Urgency.NORMAL, text: str = CANARY) -> Case:
    return services.case_create(
        category=Category.HARASSMENT,
        urgency=urgency,
        language="fa",
        report={"what_happened": text, "danger": False},
    ).case


def send(client: Client, method: str, path: str, body: Any = None, **headers: Any) -> Any:
    data = "" if body is None else json.dumps(body)
    return client.generic(method, path, data, content_type="application/json", **headers)


def sign_in(client: Client, login: StaffLogin, *, code: str | None = None, **headers: Any) -> Any:
    body = {
        "username": login.member.username,
        "password": login.password,
        "code": login.code() if code is None else code,
    }
    return send(client, "POST", f"{API}/session", body, **headers)


def bearer(client: Client, login: StaffLogin) -> dict[str, Any]:
    response = sign_in(client, login)
    assert response.status_code == 201, response.content
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


def audited(action: Action, actor: StaffLogin, reference: str = "") -> int:
    return AuditEntry.objects.filter(
        action=action, actor=actor.member.username, case_reference=reference
    ).count()


def give_grant(case: Case, holder: StaffLogin, member: StaffLogin) -> None:
    """A holder gives ``member`` the case key, through the service the grant page uses."""
    private = account_services.staff_key_open(member=holder.member, password=holder.password)
    services.case_grant(
        case=case, actor=holder.member, actor_private=private.private, member=member.member
    )


# Signing in and out.


def test_sign_in_use_and_sign_out(client: Client, db):
    login = make_staff(Role.HANDLER)
    response = sign_in(client, login)
    assert response.status_code == 201
    assert "no-store" in response["Cache-Control"]
    body = response.json()
    assert body["expires_in"] == 8 * 60 * 60
    headers: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {body['token']}"}
    assert client.get(f"{API}/notifications", **headers).status_code == 200
    assert audited(Action.SIGN_IN, login) == 1

    assert send(client, "DELETE", f"{API}/session", **headers).status_code == 204
    refused = client.get(f"{API}/notifications", **headers)
    assert refused.status_code == 401
    assert refused.json()["code"] == "not_signed_in"
    assert not ApiToken.objects.exists()
    assert audited(Action.SIGN_OUT, login) == 1


@pytest.mark.parametrize("mistake", ["password", "code", "username"])
def test_wrong_credentials_get_the_sign_in_page_message(client: Client, db, mistake: str):
    login = make_staff()
    body = {"username": login.member.username, "password": login.password, "code": login.code()}
    body[mistake] = {
        "password": "wrong password here",
        "code": "000000" if login.code() != "000000" else "111111",
        "username": "nobody-by-this-name",
    }[mistake]
    response = send(client, "POST", f"{API}/session", body)
    assert response.status_code == 401
    assert response.json() == {"code": "sign_in_failed", "message": GENERIC}
    persian = send(client, "POST", f"{API}/session", body, HTTP_ACCEPT_LANGUAGE="fa")
    assert persian.json()["message"] not in ("", GENERIC)
    assert not ApiToken.objects.exists()
    assert AuditEntry.objects.filter(action=Action.SIGN_IN_FAILED).count() == 2


def test_repeated_failures_are_throttled_with_the_wait(client: Client, db, settings):
    settings.LOGIN_FREE_FAILURES = 1
    login = make_staff()
    assert (
        sign_in(client, login, code="000000" if login.code() != "000000" else "111111").status_code
        == 401
    )
    throttled = sign_in(client, login)
    assert throttled.status_code == 429
    body = throttled.json()
    assert body["code"] == "throttled"
    assert body["retry_after"] > 0
    assert f"{body['retry_after']} second" in body["message"]
    assert not ApiToken.objects.exists()


def test_malformed_and_invalid_sign_ins(client: Client, db):
    assert send(client, "POST", f"{API}/session", {"username": "x"}).status_code == 400
    long_name = {"username": "x" * 41, "password": "p", "code": ""}
    response = send(client, "POST", f"{API}/session", long_name)
    assert response.status_code == 422
    assert set(response.json()["fields"]) == {"username"}


def test_an_unfinished_account_gets_no_token(client: Client, db):
    login = make_staff(enrolled=False)
    response = sign_in(client, login, code="")
    assert response.status_code == 403
    assert response.json()["code"] == "sign_in_incomplete"
    assert not ApiToken.objects.exists()


def test_expired_and_deactivated_tokens_stop_working(client: Client, db):
    login = make_staff()
    headers = bearer(client, login)
    ApiToken.objects.update(expires_at=clock.now() - timedelta(seconds=1))
    assert client.get(f"{API}/notifications", **headers).status_code == 401

    # A second token, with the next code: the current one was just used.
    again = sign_in(client, login, code=login.code(at=time.time() + 30))
    headers = {"HTTP_AUTHORIZATION": f"Bearer {again.json()['token']}"}
    login.member.is_active = False
    login.member.save(update_fields=["is_active"])
    assert client.get(f"{API}/notifications", **headers).status_code == 401


def test_a_browser_session_does_not_open_the_api(client: Client, signed_in):
    signed_in(Role.COORDINATOR)
    response = client.get(f"{API}/cases")
    assert response.status_code == 401
    assert response.json()["code"] == "not_signed_in"


# The queue and a case.


def test_the_queue_with_the_page_filters(client: Client, escrow):
    coordinator = make_staff(Role.COORDINATOR)
    urgent = new_case(Urgency.CRITICAL)
    new_case(Urgency.NORMAL)
    headers = bearer(client, coordinator)

    everything = client.get(f"{API}/cases", **headers).json()
    assert everything["count"] == 2
    assert everything["results"][0]["reference"] == urgent.reference
    assert everything["counts"]["urgency"] == {"critical": 1, "normal": 1}
    assert CANARY not in json.dumps(everything)

    critical = client.get(f"{API}/cases?urgency=critical&unassigned=true", **headers).json()
    assert [case["reference"] for case in critical["results"]] == [urgent.reference]
    assert client.get(f"{API}/cases?mine=true", **headers).json()["count"] == 0
    assert client.get(f"{API}/cases?status=closed", **headers).json()["count"] == 0

    invalid = client.get(f"{API}/cases?urgency=whenever", **headers)
    assert invalid.status_code == 422
    assert set(invalid.json()["fields"]) == {"urgency"}


def test_a_coordinator_reads_a_case_and_the_read_is_audited(client: Client, escrow):
    coordinator = make_staff(Role.COORDINATOR)
    case = new_case()
    headers = bearer(client, coordinator)
    response = client.get(f"{API}/cases/{case.reference}", **headers)
    assert response.status_code == 200
    body = response.json()
    assert body["locked"] is False
    assert body["timeline"][0]["kind"] == EntryKind.REPORT
    assert body["timeline"][0]["content"]["what_happened"] == CANARY
    assert body["holders"] == [coordinator.member.username]
    assert "no-store" in response["Cache-Control"]
    assert body["transitions"] == ["rejected", "triage"]
    assert audited(Action.CASE_READ, coordinator, case.reference) == 1
    assert CANARY not in json.dumps(list(AuditEntry.objects.values_list("detail", flat=True)))


def test_a_coordinator_without_the_key_sees_only_metadata(client: Client, escrow):
    case = new_case()
    late = make_staff(Role.COORDINATOR)
    headers = bearer(client, late)
    body = client.get(f"{API}/cases/{case.reference}", **headers).json()
    assert body["locked"] is True
    assert body["timeline"] == []
    assert CANARY not in json.dumps(body)
    assert audited(Action.CASE_READ, late, case.reference) == 0
    # Writing needs the key: like the case page, the case is then not found.
    reply = send(client, "POST", f"{API}/cases/{case.reference}/replies", {"text": "Hi"}, **headers)
    assert reply.status_code == 404
    # Changing the assignee needs the key too, which the role alone does not give.
    assign = {"assignee": None, "version": 1}
    refused = send(client, "POST", f"{API}/cases/{case.reference}/assign", assign, **headers)
    assert refused.status_code == 403
    assert refused.json()["code"] == "case_key_needed"


def test_a_handler_sees_only_cases_granted_to_them(client: Client, escrow):
    coordinator = make_staff(Role.COORDINATOR)
    handler = make_staff(Role.HANDLER)
    theirs = new_case(text="their case")
    other = new_case()
    give_grant(theirs, coordinator, handler)
    headers = bearer(client, handler)

    queue = client.get(f"{API}/cases?status=all", **headers).json()
    assert [case["reference"] for case in queue["results"]] == [theirs.reference]
    assert client.get(f"{API}/cases/{theirs.reference}", **headers).status_code == 200
    for method, path, body in [
        ("GET", f"{API}/cases/{other.reference}", None),
        ("POST", f"{API}/cases/{other.reference}/replies", {"text": "Hello"}),
        ("POST", f"{API}/cases/{other.reference}/notes", {"text": "Hello"}),
        ("POST", f"{API}/cases/{other.reference}/status", {"status": "triage", "version": 1}),
        ("POST", f"{API}/cases/{other.reference}/access-requests", None),
        ("GET", f"{API}/cases/RD-NONE-0000", None),
    ]:
        response = send(client, method, path, body, **headers)
        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found"
    assert not AuditEntry.objects.filter(case_reference=other.reference).exists()


@pytest.mark.parametrize("role", [Role.ADMIN, Role.AUDITOR, Role.PARTNER_LIAISON])
def test_roles_without_case_work_are_refused_like_the_pages(client: Client, escrow, role: Role):
    make_staff(Role.COORDINATOR)
    case = new_case()
    headers = bearer(client, make_staff(role))
    for path in [f"{API}/cases", f"{API}/cases/{case.reference}", f"{API}/cases/RD-NONE-0000"]:
        response = client.get(path, **headers)
        assert response.status_code == 403, path
        assert response.json()["code"] == "forbidden"
    assert client.get(f"{API}/notifications", **headers).status_code == 200


# Writing on a case.


def test_reply_and_note(client: Client, escrow):
    coordinator = make_staff(Role.COORDINATOR)
    case = new_case()
    headers = bearer(client, coordinator)
    path = f"{API}/cases/{case.reference}"

    empty = send(client, "POST", f"{path}/replies", {"text": ""}, **headers)
    assert empty.status_code == 422
    assert set(empty.json()["fields"]) == {"text"}
    assert (
        send(client, "POST", f"{path}/replies", {"text": "We read it."}, **headers).status_code
        == 201
    )
    assert (
        send(client, "POST", f"{path}/notes", {"text": "Call back."}, **headers).status_code == 201
    )

    timeline = client.get(path, **headers).json()["timeline"]
    assert [(entry["kind"], entry["content"].get("text")) for entry in timeline[1:]] == [
        ("team_message", "We read it."),
        ("note", "Call back."),
    ]
    assert audited(Action.CASE_REPLY, coordinator, case.reference) == 1
    assert audited(Action.CASE_NOTE, coordinator, case.reference) == 1


def test_status_changes_name_the_version_they_were_made_on(client: Client, escrow):
    coordinator = make_staff(Role.COORDINATOR)
    case = new_case()
    headers = bearer(client, coordinator)
    path = f"{API}/cases/{case.reference}/status"

    moved = send(client, "POST", path, {"status": "triage", "version": 1}, **headers)
    assert moved.status_code == 200
    assert moved.json()["status"] == Status.TRIAGE
    assert moved.json()["version"] == 2

    stale = send(client, "POST", path, {"status": "active", "version": 1}, **headers)
    assert stale.status_code == 409
    assert stale.json()["code"] == "case_changed"
    assert stale.json()["version"] == 2
    assert "nothing was saved" in stale.json()["message"]

    wrong = send(client, "POST", path, {"status": "waiting_partner", "version": 2}, **headers)
    assert wrong.status_code == 422
    assert wrong.json()["code"] == "transition_not_allowed"
    assert wrong.json()["allowed"] == ["active", "rejected"]

    no_reason = send(client, "POST", path, {"status": "rejected", "version": 2}, **headers)
    assert no_reason.status_code == 422
    assert set(no_reason.json()["fields"]) == {"reason"}

    unknown = send(client, "POST", path, {"status": "vanished", "version": 2}, **headers)
    assert unknown.status_code == 422
    assert set(unknown.json()["fields"]) == {"status"}
    case.refresh_from_db()
    assert (case.status, case.version) == (Status.TRIAGE, 2)
    assert audited(Action.CASE_STATUS, coordinator, case.reference) == 1


def test_assigning_gives_the_key_and_handlers_may_not_assign(client: Client, escrow):
    coordinator = make_staff(Role.COORDINATOR)
    handler = make_staff(Role.HANDLER)
    case = new_case()
    headers = bearer(client, coordinator)
    path = f"{API}/cases/{case.reference}/assign"

    nobody = send(client, "POST", path, {"assignee": "nobody-here", "version": 1}, **headers)
    assert nobody.status_code == 422
    assert set(nobody.json()["fields"]) == {"assignee"}

    assigned = send(
        client, "POST", path, {"assignee": handler.member.username, "version": 1}, **headers
    )
    assert assigned.status_code == 200
    assert assigned.json()["assignee"] == handler.member.username

    handler_headers = bearer(Client(), handler)
    detail = client.get(f"{API}/cases/{case.reference}", **handler_headers).json()
    assert detail["timeline"][0]["content"]["what_happened"] == CANARY
    refused = send(client, "POST", path, {"assignee": None, "version": 2}, **handler_headers)
    assert refused.status_code == 403
    notices = client.get(f"{API}/notifications", **handler_headers).json()
    assert [notice["kind"] for notice in notices["results"]] == ["case_assigned"]
    assert notices["unread"] == 1


def test_grant_and_revoke(client: Client, escrow):
    coordinator = make_staff(Role.COORDINATOR)
    handler = make_staff(Role.HANDLER)
    case = new_case()
    headers = bearer(client, coordinator)
    handler_headers = bearer(Client(), handler)
    grant = f"{API}/cases/{case.reference}/grants/{handler.member.username}"

    assert send(client, "POST", grant, **headers).status_code == 201
    assert send(client, "POST", grant, **headers).json()["code"] == "already_granted"
    assert client.get(f"{API}/cases/{case.reference}", **handler_headers).status_code == 200
    assert audited(Action.GRANT, coordinator, case.reference) == 1

    revoked = send(client, "DELETE", grant, **headers)
    assert revoked.status_code == 200
    assert revoked.json()["last_holder"] is False
    assert client.get(f"{API}/cases/{case.reference}", **handler_headers).status_code == 404
    assert send(client, "DELETE", grant, **headers).json()["code"] == "no_grant"
    assert audited(Action.REVOKE, coordinator, case.reference) == 1

    admin = make_staff(Role.ADMIN)
    refused = send(
        client, "POST", f"{API}/cases/{case.reference}/grants/{admin.member.username}", **headers
    )
    assert refused.status_code == 422


def test_asking_for_access_and_answering(client: Client, escrow):
    holder = make_staff(Role.COORDINATOR)
    case = new_case()
    asker = make_staff(Role.COORDINATOR)
    asker_headers = bearer(client, asker)
    holder_headers = bearer(Client(), holder)

    asked = send(client, "POST", f"{API}/cases/{case.reference}/access-requests", **asker_headers)
    assert asked.status_code == 201
    request_id = asked.json()["id"]
    again = send(client, "POST", f"{API}/cases/{case.reference}/access-requests", **asker_headers)
    assert again.json()["id"] == request_id
    assert Notification.objects.filter(member=holder.member, kind="access_requested").exists()

    detail = client.get(f"{API}/cases/{case.reference}", **holder_headers).json()
    assert [item["id"] for item in detail["access_requests"]] == [request_id]

    decision = f"{API}/cases/{case.reference}/access-requests/{request_id}/decision"
    assert (
        send(client, "POST", decision, {"decision": "maybe"}, **holder_headers).status_code == 422
    )
    approved = send(client, "POST", decision, {"decision": "approve"}, **holder_headers)
    assert approved.status_code == 200
    assert approved.json()["approved"] is True
    closed = send(client, "POST", decision, {"decision": "decline"}, **holder_headers)
    assert closed.status_code == 409
    assert closed.json()["code"] == "request_closed"

    body = client.get(f"{API}/cases/{case.reference}", **asker_headers).json()
    assert body["timeline"][0]["content"]["what_happened"] == CANARY
    assert audited(Action.ACCESS_REQUEST, asker, case.reference) == 1
    assert audited(Action.ACCESS_DECISION, holder, case.reference) == 1
    already = send(client, "POST", f"{API}/cases/{case.reference}/access-requests", **asker_headers)
    assert already.status_code == 409


# Search.


def test_search_finds_words_only_in_cases_the_member_holds(client: Client, escrow):
    coordinator = make_staff(Role.COORDINATOR)
    held = new_case(text="They posted my home address on a talk page")
    new_case(text="Another address, in a case nobody gave the handler")
    handler = make_staff(Role.HANDLER)
    give_grant(held, coordinator, handler)
    headers = bearer(client, handler)

    found = client.get(f"{API}/cases/search?q=ADDRESS+talk", **headers)
    assert found.status_code == 200
    body = found.json()
    assert body["searched"] == 1
    assert [hit["case"]["reference"] for hit in body["results"]] == [held.reference]
    assert body["results"][0]["snippet"]["match"].lower() == "address"
    assert client.get(f"{API}/cases/search?q=nothing-like-this", **headers).json()["results"] == []

    missing = client.get(f"{API}/cases/search?q=", **headers)
    assert missing.status_code == 422
    assert set(missing.json()["fields"]) == {"q"}
    dates = client.get(
        f"{API}/cases/search?q=address&created_from=2030-01-02&created_to=2030-01-01", **headers
    )
    assert dates.status_code == 422
    assert set(dates.json()["fields"]) == {"created_to"}
    entries = AuditEntry.objects.filter(action=Action.SEARCH, actor=handler.member.username)
    assert entries.count() == 2
    assert "address" not in json.dumps(list(entries.values_list("detail", flat=True)))


# The document.


def test_the_openapi_document_lists_the_staff_api_with_bearer_security(client: Client, db):
    document = client.get("/api/v1/openapi.json").json()
    paths = document["paths"]
    for path in [
        "/api/v1/staff/session",
        "/api/v1/staff/cases",
        "/api/v1/staff/cases/search",
        "/api/v1/staff/cases/{reference}",
        "/api/v1/staff/cases/{reference}/replies",
        "/api/v1/staff/cases/{reference}/notes",
        "/api/v1/staff/cases/{reference}/status",
        "/api/v1/staff/cases/{reference}/assign",
        "/api/v1/staff/cases/{reference}/grants/{username}",
        "/api/v1/staff/cases/{reference}/access-requests",
        "/api/v1/staff/cases/{reference}/access-requests/{request_id}/decision",
        "/api/v1/staff/notifications",
    ]:
        assert path in paths, path
    schemes = document["components"]["securitySchemes"]
    assert schemes["StaffBearer"] == {"type": "http", "scheme": "bearer"}
    assert paths["/api/v1/staff/cases"]["get"]["security"] == [{"StaffBearer": []}]
    assert "security" not in paths["/api/v1/staff/session"]["post"]
    assert paths["/api/v1/staff/session"]["delete"]["security"] == [{"StaffBearer": []}]
    assert {
        "status",
        "urgency",
        "category",
        "language",
        "mine",
        "unassigned",
        "breached",
        "page",
    } <= {parameter["name"] for parameter in paths["/api/v1/staff/cases"]["get"]["parameters"]}
