"""Evidence files in the reporting flow: checked, warned about, encrypted, sent with the case."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from rightsdesk.accounts.permissions import Role
from rightsdesk.cases.models import Case, EvidenceFile
from rightsdesk.intake import inspection
from tests.conftest import sign_in
from tests.factories import make_staff
from tests.intake.conftest import Reporter
from tests.intake.samples import jpeg_with_location, plain_png

EVIDENCE = "/en/report/evidence/"
NAME_CANARY = "canary-file-name-5d2"
TEXT_CANARY = b"canary-file-content-93a " * 50


@pytest.fixture
def at_evidence(reporter: Reporter, escrow) -> Reporter:
    reporter.start()
    reporter.answer("danger", {"danger": "no"})
    reporter.answer("scope", {"scope": "threat"})
    response = reporter.answer("what", {"category": "doxxing", "what_happened": "They posted it."})
    assert response["Location"] == EVIDENCE
    return reporter


def upload(client: Client, *files: tuple[str, bytes]):
    return client.post(
        EVIDENCE,
        {"upload": "1", "files": [SimpleUploadedFile(name, content) for name, content in files]},
    )


def test_a_photo_with_location_is_flagged_and_can_be_cleaned(at_evidence: Reporter, client: Client):
    response = upload(client, ("holiday.jpg", jpeg_with_location()))
    page = client.get(response["Location"]).content.decode()
    assert "holiday.jpg" in page
    assert "contains the place where it was made" in page
    uuid = page.split('name="strip" value="')[1].split('"')[0]
    client.post(EVIDENCE, {"strip": uuid})
    page = client.get(EVIDENCE).content.decode()
    assert "metadata) was removed" in page
    assert "contains the place where it was made" not in page


def test_refused_types_and_sizes_are_explained_and_nothing_else_is_lost(
    at_evidence: Reporter, client: Client, settings
):
    settings.MAX_EVIDENCE_FILE_BYTES = 2_000
    response = upload(
        client,
        ("tool.exe", b"MZ\x90\x00" + b"\x00" * 200),
        ("big.txt", b"x" * 3_000),
        ("ok.png", plain_png()),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "“tool.exe” is not a kind of file we accept" in html
    assert "“big.txt” is larger than" in html
    assert "ok.png" in html
    # The answers of the earlier steps are all still there.
    review = client.get("/en/report/review/").content.decode()
    assert "They posted it." in review


def test_the_report_total_is_limited(at_evidence: Reporter, client: Client, settings):
    settings.MAX_EVIDENCE_REPORT_BYTES = 1_000
    response = upload(client, ("a.png", plain_png()), ("b.txt", b"y" * 990))
    assert "all files together may be at most" in response.content.decode()


def test_a_damaged_picture_is_kept_uninspected(at_evidence: Reporter, client: Client):
    damaged = jpeg_with_location()[:200]
    response = upload(client, ("broken.jpg", damaged))
    page = client.get(response["Location"]).content.decode()
    assert "We could not look inside this file" in page


def test_files_can_be_removed(at_evidence: Reporter, client: Client):
    upload(client, ("first.png", plain_png()))
    page = client.get(EVIDENCE).content.decode()
    uuid = page.split('name="remove" value="')[1].split('"')[0]
    client.post(EVIDENCE, {"remove": uuid})
    assert "first.png" not in client.get(EVIDENCE).content.decode()


def test_files_travel_encrypted_with_the_report(at_evidence: Reporter, client: Client, settings):
    coordinator = make_staff(Role.COORDINATOR)
    upload(client, (f"{NAME_CANARY}.txt", TEXT_CANARY))
    stored = b"".join(p.read_bytes() for p in Path(settings.DATA_DIR).rglob("*") if p.is_file())
    assert TEXT_CANARY[:24] not in stored
    assert NAME_CANARY.encode() not in stored
    client.post(EVIDENCE, {"next": "1"})
    at_evidence.answer(
        "contact", {"contact_method": "none", "preferred_language": "en", "consent": "ask"}
    )
    client.post("/en/report/review/")
    client.get("/en/report/sent/")
    case = Case.objects.get()
    evidence = EvidenceFile.objects.get(case=case)
    assert NAME_CANARY.encode() not in bytes(evidence.sealed_meta)
    staff = Client()
    sign_in(staff, coordinator)
    page = staff.get(f"/en/staff/cases/{case.reference}/").content.decode()
    assert f"{NAME_CANARY}.txt" in page
    download = staff.get(f"/en/staff/cases/{case.reference}/files/{evidence.uuid}/")
    assert download.status_code == 200
    assert download.content == TEXT_CANARY
    assert download["Content-Type"] == "application/octet-stream"
    assert download["Content-Disposition"].startswith("attachment;")
    # The draft's copies are gone; only the case's encrypted file remains.
    assert not list((Path(settings.DATA_DIR) / "drafts").rglob("*.bin"))


def test_a_body_larger_than_every_limit_gets_413(at_evidence: Reporter, client: Client, settings):
    settings.MAX_EVIDENCE_REPORT_BYTES = 1_000
    settings.MAX_REQUEST_BYTES = 1_000
    response = client.post(EVIDENCE, data=b"z" * 5_000, content_type="application/octet-stream")
    assert response.status_code == 413


def test_inspection_runs_outside_the_web_process(
    monkeypatch, at_evidence: Reporter, client: Client
):
    calls = []
    real = inspection.inspect_in_child

    def spy(data: bytes, **kwargs):
        calls.append(len(data))
        return real(data, **kwargs)

    monkeypatch.setattr(inspection, "inspect_in_child", spy)
    upload(client, ("one.png", plain_png()))
    assert calls == [len(plain_png())]
