"""The API's large-file path: files encrypted to the case key while they arrive."""

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from rightsdesk.cases import storage
from rightsdesk.cases.models import Case, EvidenceFile
from rightsdesk.cases.selectors import case_file_content, case_files
from tests.intake.samples import jpeg_with_location
from tests.intake.test_api import REPORT, post
from tests.intake.test_files_after_sending import case_pair

MP4_HEAD = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41"


def send_file(client: Client, name: str, content: bytes, **fields: str):
    sent = post(client, "/api/v1/reports", REPORT).json()
    response = client.post(
        "/api/v1/reports/files",
        {"files": [SimpleUploadedFile(name, content)], **fields},
        HTTP_AUTHORIZATION=f"Bearer {sent['upload_token']}",
    )
    return sent, response


def test_a_file_larger_than_the_inspection_window_is_kept_whole(
    client: Client, escrow, settings, tmp_path: Path
):
    settings.DATA_DIR = tmp_path
    settings.MAX_INSPECTED_BYTES = 4_096
    content = MP4_HEAD + bytes(range(256)) * 400  # about 100 kB
    sent, response = send_file(client, "film.mp4", content)
    assert response.status_code == 201, response.content
    added = response.json()["added"][0]
    assert added["inspected"] is False
    case = Case.objects.get()
    pair = case_pair(sent["receipt"])
    [view] = case_files(case, pair)
    assert view.problem == "too_large_to_inspect"
    assert view.content_type == "video/mp4"
    _view, stored = case_file_content(case, pair, view.uuid)
    assert stored == content
    # Nothing but the encrypted file is left in the store: no temporary, no plaintext.
    names = [path.name for path in storage.evidence_dir().iterdir()]
    assert names == [f"{view.uuid}.bin"]
    assert content[40:200] not in storage.evidence_path(view.uuid).read_bytes()


def test_a_streamed_file_over_the_limit_leaves_nothing(client: Client, escrow, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.MAX_EVIDENCE_FILE_BYTES = 2_000
    _sent, response = send_file(client, "big.mp4", MP4_HEAD + b"x" * 5_000)
    assert response.status_code == 422
    assert response.json()["refused"][0]["code"] == "file_too_large"
    assert not EvidenceFile.objects.exists()
    assert list(storage.evidence_dir().iterdir()) == []


def test_a_small_streamed_photo_can_still_lose_its_location(
    client: Client, escrow, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    sent, response = send_file(client, "where.jpg", jpeg_with_location())
    assert response.json()["added"][0]["metadata_removed"] is True
    [view] = case_files(Case.objects.get(), case_pair(sent["receipt"]))
    assert not view.has_location
    assert len(list(storage.evidence_dir().iterdir())) == 1


def test_an_unaccepted_streamed_file_is_removed(client: Client, escrow, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    _sent, response = send_file(client, "page.html", b"<html><script>x</script></html>")
    assert response.json()["refused"][0]["code"] == "type_not_accepted"
    assert list(storage.evidence_dir().iterdir()) == []
