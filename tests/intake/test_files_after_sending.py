"""Files added after sending: through the API with the upload token, or with the receipt."""

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from rightsdesk.cases import services as case_services
from rightsdesk.cases.models import Case, EvidenceFile
from rightsdesk.cases.selectors import case_file_content, case_files
from rightsdesk.crypto import keys, passwords, receipts
from rightsdesk.intake.inspection import inspect_bytes
from tests.intake.samples import jpeg_with_location, plain_png
from tests.intake.test_api import REPORT, post


def case_pair(receipt: str) -> keys.KeyPair:
    case = Case.objects.get()
    digits = receipts.normalise_receipt(receipt) or ""
    assert case.reporter_wrap is not None
    return keys.keypair_from_private(
        passwords.unwrap_with_password(bytes(case.reporter_wrap), digits)
    )


def test_files_follow_a_report_sent_through_the_api(client: Client, escrow):
    sent = post(client, "/api/v1/reports", REPORT).json()
    bearer: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {sent['upload_token']}"}
    response = client.post(
        "/api/v1/reports/files",
        {
            "files": [
                SimpleUploadedFile("where.jpg", jpeg_with_location()),
                SimpleUploadedFile("tool.exe", b"MZ" + b"\x00" * 100),
            ]
        },
        **bearer,
    )
    assert response.status_code == 201
    body = response.json()
    assert [item["name"] for item in body["added"]] == ["where.jpg"]
    assert body["added"][0]["metadata_removed"] is True
    assert body["added"][0]["has_location"] is False
    assert body["refused"][0]["code"] == "type_not_accepted"
    [view] = case_files(Case.objects.get(), case_pair(sent["receipt"]))
    assert view.name == "where.jpg"
    assert view.metadata_removed


def test_keeping_metadata_is_the_reporters_choice(client: Client, escrow):
    sent = post(client, "/api/v1/reports", REPORT).json()
    client.post(
        "/api/v1/reports/files",
        {
            "files": [SimpleUploadedFile("where.jpg", jpeg_with_location())],
            "remove_metadata": "false",
        },
        HTTP_AUTHORIZATION=f"Bearer {sent['upload_token']}",
    )
    [view] = case_files(Case.objects.get(), case_pair(sent["receipt"]))
    assert view.has_location
    assert not view.metadata_removed


def test_an_upload_token_opens_nothing_else(client: Client, escrow):
    sent = post(client, "/api/v1/reports", REPORT).json()
    token = sent["upload_token"]
    assert (
        client.get("/api/v1/reporter/case", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    )
    bad = client.post(
        "/api/v1/reports/files",
        {"files": [SimpleUploadedFile("a.png", plain_png())]},
        HTTP_AUTHORIZATION="Bearer forged",
    )
    assert bad.status_code == 401


def test_a_reporter_adds_files_with_the_receipt(client: Client, escrow):
    created = case_services.case_create(
        category="other", urgency="normal", language="en", report={"what_happened": "x"}
    )
    client.post("/en/report/followup/", {"receipt": created.receipt})
    response = client.post(
        "/en/report/followup/files/",
        {"files": [SimpleUploadedFile("where.jpg", jpeg_with_location())], "remove_metadata": "on"},
    )
    assert response["Location"] == "/en/report/followup/"
    page = client.get("/en/report/followup/").content.decode()
    assert "1 file was added." in page
    assert "where.jpg" in page
    evidence = EvidenceFile.objects.get()
    assert evidence.case_id == created.case.pk
    token = post(client, "/api/v1/reporter/session", {"receipt": created.receipt}).json()["token"]
    api = client.post(
        "/api/v1/reporter/files",
        {"files": [SimpleUploadedFile("more.png", plain_png())]},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert api.status_code == 201
    assert EvidenceFile.objects.count() == 2


def test_reporter_uploads_over_the_limit_are_explained(client: Client, escrow, settings):
    settings.MAX_EVIDENCE_FILE_BYTES = 1_000
    created = case_services.case_create(
        category="other", urgency="normal", language="en", report={"what_happened": "x"}
    )
    client.post("/en/report/followup/", {"receipt": created.receipt})
    client.post(
        "/en/report/followup/files/", {"files": [SimpleUploadedFile("big.txt", b"x" * 5_000)]}
    )
    page = client.get("/en/report/followup/").content.decode()
    assert "“big.txt” is larger than" in page
    assert not EvidenceFile.objects.exists()


def test_the_stripped_photo_really_has_no_location(client: Client, escrow):
    sent = post(client, "/api/v1/reports", REPORT).json()
    client.post(
        "/api/v1/reports/files",
        {"files": [SimpleUploadedFile("where.jpg", jpeg_with_location())]},
        HTTP_AUTHORIZATION=f"Bearer {sent['upload_token']}",
    )

    case = Case.objects.get()
    _view, content = case_file_content(
        case, case_pair(sent["receipt"]), str(EvidenceFile.objects.get().uuid)
    )
    assert not inspect_bytes(content).has_location
