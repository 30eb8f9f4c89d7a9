"""The staff JSON API's case tools: due dates, tags, legal holds, file downloads, links,
merges, exports and marking notifications read, with the pages' permissions and need-to-know."""

from __future__ import annotations

import io
import json
import time
import zipfile
from typing import Any

import pytest
from django.test import Client

from rightsdesk.accounts import services as account_services
from rightsdesk.accounts.models import Notification
from rightsdesk.accounts.permissions import Role
from rightsdesk.audit.models import Action, AuditEntry
from rightsdesk.cases import services
from rightsdesk.cases.models import Case, CaseLink, Category, Status, Urgency
from rightsdesk.crypto import archive, passwords
from tests.factories import StaffLogin, make_staff

API = "/api/v1/staff"
CANARY = "canary-81c4-staff-api-tools"
FILE_CONTENT = b"canary-81c4-file " * 200
PASSPHRASE = "maple orbit lantern quietly 93"
GENERIC_EXPORT = "The password or the code is not correct. Nothing was exported."


@pytest.fixture
def escrow(db, settings, tmp_path) -> None:
    settings.DATA_DIR = tmp_path
    settings.EXPORT_ARCHIVE_KDF = passwords.FAST_KDF_FOR_TESTS
    account_services.escrow_initialise(shares=3, threshold=2)


def new_case(text: str = CANARY) -> Case:
    return services.case_create(
        category=Category.HARASSMENT,
        urgency=Urgency.NORMAL,
        language="fa",
        report={"what_happened": text, "danger": False},
    ).case


def with_file(case: Case) -> str:
    stored = services.case_attach_file(
        case=case,
        name="../شاهد.txt",
        content=FILE_CONTENT,
        inspection={"content_type": "text/plain", "inspected": True, "metadata": {}},
    )
    return str(stored.uuid)


def send(client: Client, method: str, path: str, body: Any = None, **headers: Any) -> Any:
    data = "" if body is None else json.dumps(body)
    return client.generic(method, path, data, content_type="application/json", **headers)


def bearer(login: StaffLogin, *, at: float | None = None) -> dict[str, Any]:
    body = {
        "username": login.member.username,
        "password": login.password,
        "code": login.code(at=at),
    }
    response = send(Client(), "POST", f"{API}/session", body)
    assert response.status_code == 201, response.content
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


def fresh_code(login: StaffLogin) -> str:
    """A code of the next time step: signing in used the current one."""
    return login.code(at=time.time() + 30)


def give_grant(case: Case, holder: StaffLogin, member: StaffLogin) -> None:
    private = account_services.staff_key_open(member=holder.member, password=holder.password)
    services.case_grant(
        case=case, actor=holder.member, actor_private=private.private, member=member.member
    )


def audited(action: Action, actor: StaffLogin, reference: str) -> int:
    return AuditEntry.objects.filter(
        action=action, actor=actor.member.username, case_reference=reference
    ).count()


def version_of(case: Case) -> int:
    return Case.objects.get(pk=case.pk).version


# Without a token, every new endpoint answers 401.


def test_every_tool_needs_a_token(client: Client, escrow):
    case = new_case()
    other = new_case()
    uuid = with_file(case)
    path = f"{API}/cases/{case.reference}"
    for method, url, body in [
        ("POST", f"{path}/due", {"due_on": None, "version": 1}),
        ("POST", f"{path}/tags", {"tags": [], "version": 1}),
        ("POST", f"{path}/legal-hold", {"hold": True, "version": 1}),
        ("GET", f"{path}/files/{uuid}", None),
        ("POST", f"{path}/links/{other.reference}", None),
        ("DELETE", f"{path}/links/{other.reference}", None),
        ("POST", f"{path}/merge", {"into": other.reference}),
        ("POST", f"{path}/export", {"password": "x", "code": "1", "passphrase": PASSPHRASE}),
        ("POST", f"{API}/notifications/read", None),
    ]:
        response = send(client, method, url, body, HTTP_AUTHORIZATION="Bearer not.a-token")
        assert response.status_code == 401, url
        assert response.json()["code"] == "not_signed_in"
        assert send(client, method, url, body).status_code == 401, url
    assert version_of(case) == 1
    assert not CaseLink.objects.exists()


@pytest.mark.parametrize("role", [Role.ADMIN, Role.AUDITOR, Role.PARTNER_LIAISON])
def test_roles_without_case_work_are_refused(client: Client, escrow, role: Role):
    make_staff(Role.COORDINATOR)
    case = new_case()
    other = new_case()
    headers = bearer(make_staff(role))
    path = f"{API}/cases/{case.reference}"
    for method, url, body in [
        ("POST", f"{path}/due", {"due_on": None, "version": 1}),
        ("POST", f"{path}/tags", {"tags": [], "version": 1}),
        ("POST", f"{path}/legal-hold", {"hold": True, "version": 1}),
        ("GET", f"{path}/files/{with_file(case)}", None),
        ("POST", f"{path}/links/{other.reference}", None),
        ("DELETE", f"{path}/links/{other.reference}", None),
        ("POST", f"{path}/merge", {"into": other.reference}),
        ("POST", f"{path}/export", {"password": "x", "code": "1", "passphrase": PASSPHRASE}),
    ]:
        response = send(client, method, url, body, **headers)
        assert response.status_code == 403, url
        assert response.json()["code"] == "forbidden"
    # Every role has notifications.
    assert send(client, "POST", f"{API}/notifications/read", **headers).status_code == 200


def test_another_members_case_is_not_found(client: Client, escrow):
    coordinator = make_staff(Role.COORDINATOR)
    handler = make_staff(Role.HANDLER)
    theirs = new_case()
    other = new_case()
    uuid = with_file(other)
    give_grant(theirs, coordinator, handler)
    headers = bearer(handler)
    path = f"{API}/cases/{other.reference}"
    for method, url, body in [
        ("POST", f"{path}/due", {"due_on": "2030-01-01", "version": 1}),
        ("POST", f"{path}/tags", {"tags": ["x"], "version": 1}),
        ("GET", f"{path}/files/{uuid}", None),
        ("POST", f"{path}/links/{theirs.reference}", None),
        ("DELETE", f"{path}/links/{theirs.reference}", None),
        ("POST", f"{path}/merge", {"into": theirs.reference}),
        ("POST", f"{path}/export", {"password": "x", "code": "1", "passphrase": PASSPHRASE}),
        ("POST", f"{API}/cases/RD-NONE-0000/due", {"due_on": None, "version": 1}),
    ]:
        response = send(client, method, url, body, **headers)
        assert response.status_code == 404, url
        assert response.json()["code"] == "not_found"
    # Linking their own case to one they may not see: the other case is not found either.
    hidden = send(
        client, "POST", f"{API}/cases/{theirs.reference}/links/{other.reference}", **headers
    )
    assert hidden.status_code == 404
    assert other.reference not in hidden.json()["message"]
    assert not CaseLink.objects.exists()
    assert version_of(other) == 1
    assert not AuditEntry.objects.filter(
        case_reference=other.reference, actor=handler.member.username
    ).exists()


# The case's own metadata.


def test_due_date_set_cleared_stale_and_invalid(client: Client, escrow):
    coordinator = make_staff(Role.COORDINATOR)
    case = new_case()
    headers = bearer(coordinator)
    path = f"{API}/cases/{case.reference}/due"

    set_ = send(client, "POST", path, {"due_on": "2030-03-31", "version": 1}, **headers)
    assert set_.status_code == 200
    assert set_.json()["due_on"] == "2030-03-31"
    assert set_.json()["version"] == 2
    assert "no-store" in set_["Cache-Control"]

    stale = send(client, "POST", path, {"due_on": None, "version": 1}, **headers)
    assert stale.status_code == 409
    assert stale.json()["code"] == "case_changed"
    assert stale.json()["version"] == 2

    invalid = send(client, "POST", path, {"due_on": "31/03/2030", "version": 2}, **headers)
    assert invalid.status_code == 422
    assert invalid.json()["fields"] == {
        "due_on": ["Enter the date as year-month-day, for example 2025-03-31."]
    }
    zero = send(client, "POST", path, {"due_on": None, "version": 0}, **headers)
    assert zero.status_code == 422
    assert set(zero.json()["fields"]) == {"version"}

    cleared = send(client, "POST", path, {"due_on": None, "version": 2}, **headers)
    assert cleared.status_code == 200
    assert cleared.json()["due_on"] is None
    assert audited(Action.CASE_UPDATE, coordinator, case.reference) == 2


def test_triage_sets_a_due_date_without_the_key(client: Client, escrow):
    """A due date is plaintext metadata: as on the page, triage may change it without the key."""
    coordinator = make_staff(Role.COORDINATOR)
    case = new_case()
    latecomer = make_staff(Role.COORDINATOR)
    headers = bearer(latecomer)
    changed = send(
        client,
        "POST",
        f"{API}/cases/{case.reference}/due",
        {"due_on": "2031-01-01", "version": 1},
        **headers,
    )
    assert changed.status_code == 200
    assert audited(Action.CASE_UPDATE, coordinator, case.reference) == 0


def test_tags_replace_and_are_for_key_holders_only(client: Client, escrow):
    coordinator = make_staff(Role.COORDINATOR)
    case = new_case()
    headers = bearer(coordinator)
    path = f"{API}/cases/{case.reference}/tags"

    tagged = send(
        client, "POST", path, {"tags": [" doxxing ", "Doxxing", "wiki-fa"], "version": 1}, **headers
    )
    assert tagged.status_code == 200
    assert tagged.json()["tags"] == ["doxxing", "wiki-fa"]
    assert tagged.json()["version"] == 2
    detail = client.get(f"{API}/cases/{case.reference}", **headers).json()
    assert detail["tags"] == ["doxxing", "wiki-fa"]

    stale = send(client, "POST", path, {"tags": [], "version": 1}, **headers)
    assert stale.status_code == 409
    assert stale.json()["version"] == 2

    too_many = send(
        client, "POST", path, {"tags": [f"t{n}" for n in range(30)], "version": 2}, **headers
    )
    assert too_many.status_code == 422
    assert set(too_many.json()["fields"]) == {"tags"}
    control = send(client, "POST", path, {"tags": ["bad\x07tag"], "version": 2}, **headers)
    assert control.status_code == 422
    assert set(control.json()["fields"]) == {"tags"}
    assert (
        send(client, "POST", path, {"tags": "doxxing", "version": 2}, **headers).status_code == 400
    )

    # A coordinator without the key sees the case but its tags are content: not found.
    latecomer = bearer(make_staff(Role.COORDINATOR))
    refused = send(client, "POST", path, {"tags": ["x"], "version": 2}, **latecomer)
    assert refused.status_code == 404
    assert version_of(case) == 2
    assert audited(Action.CASE_UPDATE, coordinator, case.reference) == 1


def test_legal_hold_is_for_coordinators(client: Client, escrow):
    coordinator = make_staff(Role.COORDINATOR)
    handler = make_staff(Role.HANDLER)
    case = new_case()
    give_grant(case, coordinator, handler)
    path = f"{API}/cases/{case.reference}/legal-hold"

    refused = send(client, "POST", path, {"hold": True, "version": 1}, **bearer(handler))
    assert refused.status_code == 403
    assert refused.json()["code"] == "forbidden"

    headers = bearer(coordinator)
    held = send(client, "POST", path, {"hold": True, "version": 1}, **headers)
    assert held.status_code == 200
    assert held.json()["legal_hold"] is True
    stale = send(client, "POST", path, {"hold": False, "version": 1}, **headers)
    assert stale.status_code == 409
    assert stale.json()["version"] == 2
    invalid = send(client, "POST", path, {"hold": False, "version": -3}, **headers)
    assert invalid.status_code == 422
    assert set(invalid.json()["fields"]) == {"version"}
    lifted = send(client, "POST", path, {"hold": False, "version": 2}, **headers)
    assert lifted.json()["legal_hold"] is False
    assert audited(Action.LEGAL_HOLD, coordinator, case.reference) == 2
    missing = send(
        client,
        "POST",
        f"{API}/cases/RD-NONE-0000/legal-hold",
        {"hold": True, "version": 1},
        **headers,
    )
    assert missing.status_code == 404


# Evidence files.


def test_a_key_holder_downloads_a_file_and_the_read_is_audited(client: Client, escrow):
    coordinator = make_staff(Role.COORDINATOR)
    case = new_case()
    uuid = with_file(case)
    headers = bearer(coordinator)

    response = client.get(f"{API}/cases/{case.reference}/files/{uuid}", **headers)
    assert response.status_code == 200
    assert response.content == FILE_CONTENT
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "no-store" in response["Cache-Control"]
    entries = AuditEntry.objects.filter(action=Action.FILE_READ, case_reference=case.reference)
    assert [entry.detail for entry in entries] == [{"file": uuid}]
    assert "شاهد" not in json.dumps(list(AuditEntry.objects.values_list("detail", flat=True)))

    unknown = client.get(
        f"{API}/cases/{case.reference}/files/00000000-0000-0000-0000-000000000000", **headers
    )
    assert unknown.status_code == 404
    latecomer = bearer(make_staff(Role.COORDINATOR))
    locked = client.get(f"{API}/cases/{case.reference}/files/{uuid}", **latecomer)
    assert locked.status_code == 404
    assert locked.json()["code"] == "not_found"
    assert entries.count() == 1


# Links and merges.


def test_link_list_and_unlink(client: Client, escrow):
    coordinator = make_staff(Role.COORDINATOR)
    case = new_case()
    other = new_case()
    headers = bearer(coordinator)
    link = f"{API}/cases/{case.reference}/links/{other.reference}"

    created = send(client, "POST", link, **headers)
    assert created.status_code == 201
    assert created.json()["links"] == [other.reference]
    again = send(
        client, "POST", f"{API}/cases/{case.reference}/links/{other.reference.lower()}", **headers
    )
    assert again.status_code == 200
    assert again.json()["code"] == "already_linked"
    detail = client.get(f"{API}/cases/{other.reference}", **headers).json()
    assert detail["links"] == [case.reference]
    # Links are metadata: a coordinator without the key sees them too.
    latecomer = bearer(make_staff(Role.COORDINATOR))
    assert client.get(f"{API}/cases/{case.reference}", **latecomer).json()["links"] == [
        other.reference
    ]

    itself = send(client, "POST", f"{API}/cases/{case.reference}/links/{case.reference}", **headers)
    assert itself.status_code == 422
    assert set(itself.json()["fields"]) == {"other_reference"}
    too_long = send(client, "POST", f"{API}/cases/{case.reference}/links/{'X' * 40}", **headers)
    assert too_long.status_code == 422
    assert set(too_long.json()["fields"]) == {"other_reference"}
    unknown = send(client, "POST", f"{API}/cases/{case.reference}/links/RD-NONE-0000", **headers)
    assert unknown.status_code == 404

    removed = send(client, "DELETE", link, **headers)
    assert removed.status_code == 200
    assert removed.json()["links"] == []
    gone = send(client, "DELETE", link, **headers)
    assert gone.status_code == 404
    assert gone.json()["code"] == "not_linked"
    assert audited(Action.CASE_LINK, coordinator, case.reference) == 2


def test_merge_moves_the_content_and_closes_the_duplicate(client: Client, escrow):
    coordinator = make_staff(Role.COORDINATOR)
    duplicate = new_case(text="the duplicate")
    into = new_case()
    with_file(duplicate)
    headers = bearer(coordinator)
    path = f"{API}/cases/{duplicate.reference}/merge"

    missing = send(client, "POST", path, {"into": ""}, **headers)
    assert missing.status_code == 422
    assert set(missing.json()["fields"]) == {"into"}
    itself = send(client, "POST", path, {"into": duplicate.reference}, **headers)
    assert itself.status_code == 422
    assert itself.json()["fields"] == {"into": ["A case cannot be merged into itself."]}
    unknown = send(client, "POST", path, {"into": "RD-NONE-0000"}, **headers)
    assert unknown.status_code == 422
    assert set(unknown.json()["fields"]) == {"into"}
    assert send(client, "POST", path, {}, **headers).status_code == 400

    merged = send(client, "POST", path, {"into": f" {into.reference.lower()} "}, **headers)
    assert merged.status_code == 200, merged.content
    body = merged.json()
    assert body["into"]["reference"] == into.reference
    assert (body["entries"], body["files"]) == (1, 1)
    assert Case.objects.get(pk=duplicate.pk).status == Status.MERGED
    timeline = client.get(f"{API}/cases/{into.reference}", **headers).json()["timeline"]
    texts = [entry["content"].get("what_happened") for entry in timeline]
    assert "the duplicate" in texts
    assert audited(Action.CASE_MERGE, coordinator, duplicate.reference) == 1

    closed = send(
        client,
        "POST",
        f"{API}/cases/{into.reference}/merge",
        {"into": duplicate.reference},
        **headers,
    )
    assert closed.status_code == 409
    assert closed.json()["code"] == "case_closed"


def test_merging_needs_both_keys(client: Client, escrow):
    coordinator = make_staff(Role.COORDINATOR)
    handler = make_staff(Role.HANDLER)
    duplicate = new_case()
    into = new_case()
    give_grant(duplicate, coordinator, handler)
    latecomer = make_staff(Role.COORDINATOR)
    give_grant(duplicate, coordinator, latecomer)

    # The handler does not see the target: it is not found, like a reference that does not exist.
    handler_try = send(
        client,
        "POST",
        f"{API}/cases/{duplicate.reference}/merge",
        {"into": into.reference},
        **bearer(handler),
    )
    assert handler_try.status_code == 422
    assert set(handler_try.json()["fields"]) == {"into"}
    # The latecomer sees the target but does not hold its key.
    locked = send(
        client,
        "POST",
        f"{API}/cases/{duplicate.reference}/merge",
        {"into": into.reference},
        **bearer(latecomer),
    )
    assert locked.status_code == 403
    assert locked.json()["code"] == "case_key_needed"
    assert Case.objects.get(pk=duplicate.pk).status == Status.NEW


# Export.


def export_body(login: StaffLogin, **changes: str) -> dict[str, str]:
    return {
        "password": login.password,
        "code": fresh_code(login),
        "passphrase": PASSPHRASE,
    } | changes


def test_export_downloads_the_encrypted_archive(client: Client, escrow):
    coordinator = make_staff(Role.COORDINATOR)
    case = new_case()
    with_file(case)
    headers = bearer(coordinator)

    response = send(
        client, "POST", f"{API}/cases/{case.reference}/export", export_body(coordinator), **headers
    )
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == f'attachment; filename="{case.reference}.rdarchive"'
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "no-store" in response["Cache-Control"]
    data = b"".join(response.streaming_content)
    assert CANARY.encode() not in data
    plain = io.BytesIO()
    archive.decrypt_archive(PASSPHRASE, io.BytesIO(data), plain)
    bundle = zipfile.ZipFile(plain)
    assert CANARY in bundle.read("report.json").decode()
    assert audited(Action.EXPORT, coordinator, case.reference) == 1


@pytest.mark.parametrize("wrong", ["password", "code"])
def test_a_wrong_password_or_code_gets_one_message(client: Client, escrow, wrong: str):
    coordinator = make_staff(Role.COORDINATOR)
    case = new_case()
    headers = bearer(coordinator)
    change = {"password": "not my password at all"} if wrong == "password" else {"code": "000000"}
    if wrong == "code" and fresh_code(coordinator) == "000000":
        change = {"code": "111111"}
    response = send(
        client,
        "POST",
        f"{API}/cases/{case.reference}/export",
        export_body(coordinator, **change),
        **headers,
    )
    assert response.status_code == 401
    assert response.json() == {"code": "reauthentication_failed", "message": GENERIC_EXPORT}
    assert not AuditEntry.objects.filter(action=Action.EXPORT).exists()


def test_export_checks_the_passphrase_and_is_throttled(client: Client, escrow, settings):
    coordinator = make_staff(Role.COORDINATOR)
    case = new_case()
    headers = bearer(coordinator)
    path = f"{API}/cases/{case.reference}/export"

    short = send(client, "POST", path, export_body(coordinator, passphrase="too short"), **headers)
    assert short.status_code == 422
    assert set(short.json()["fields"]) == {"passphrase"}
    own = send(
        client,
        "POST",
        path,
        export_body(coordinator, passphrase=coordinator.password, password=coordinator.password),
        **headers,
    )
    assert own.status_code == 422
    assert set(own.json()["fields"]) == {"passphrase"}
    no_code = send(client, "POST", path, export_body(coordinator, code=""), **headers)
    assert no_code.status_code == 422
    assert set(no_code.json()["fields"]) == {"code"}

    for _attempt in range(settings.LOGIN_FREE_FAILURES):
        failed = send(
            client, "POST", path, export_body(coordinator, password="wrong one"), **headers
        )
        assert failed.status_code == 401
    throttled = send(client, "POST", path, export_body(coordinator), **headers)
    assert throttled.status_code == 429
    assert throttled.json()["code"] == "throttled"
    assert throttled.json()["retry_after"] > 0
    assert not AuditEntry.objects.filter(action=Action.EXPORT).exists()


# Notifications.


def test_marking_notifications_read(client: Client, escrow):
    handler = make_staff(Role.HANDLER)
    for _number in range(2):
        Notification.objects.create(member=handler.member, kind=Notification.Kind.CASE_ASSIGNED)
    someone_else = make_staff(Role.HANDLER)
    Notification.objects.create(member=someone_else.member, kind=Notification.Kind.CASE_ASSIGNED)
    headers = bearer(handler)

    marked = send(client, "POST", f"{API}/notifications/read", **headers)
    assert marked.status_code == 200
    assert marked.json()["marked"] == 2
    assert client.get(f"{API}/notifications", **headers).json()["unread"] == 0
    assert send(client, "POST", f"{API}/notifications/read", **headers).json()["marked"] == 0
    assert Notification.objects.filter(member=someone_else.member, read_at=None).count() == 1


def test_the_openapi_document_lists_the_tools(client: Client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in [
        "/api/v1/staff/cases/{reference}/due",
        "/api/v1/staff/cases/{reference}/tags",
        "/api/v1/staff/cases/{reference}/legal-hold",
        "/api/v1/staff/cases/{reference}/files/{file_uuid}",
        "/api/v1/staff/cases/{reference}/links/{other_reference}",
        "/api/v1/staff/cases/{reference}/merge",
        "/api/v1/staff/cases/{reference}/export",
        "/api/v1/staff/notifications/read",
    ]:
        assert path in paths, path
        for operation in paths[path].values():
            assert operation["security"] == [{"StaffBearer": []}], path
