"""Exporting a case for a legal partner: re-authentication, the encrypted archive, opening it."""

from __future__ import annotations

import io
import json
import sys
import time
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from rightsdesk.accounts import services as account_services
from rightsdesk.accounts.permissions import Role
from rightsdesk.audit.models import Action, AuditEntry
from rightsdesk.cases import export, selectors, services, storage
from rightsdesk.cases.models import Case
from rightsdesk.crypto import archive, passwords
from rightsdesk.crypto.errors import DecryptionFailed, StreamCorrupted, WrongPassword
from tests.conftest import sign_in
from tests.factories import StaffLogin, make_staff

CANARY = "canary-export-4c9a"
FILE_CONTENT = b"canary-export-file " * 300
PASSPHRASE = "maple orbit lantern quietly 93"
FAST = passwords.FAST_KDF_FOR_TESTS


@pytest.fixture
def coordinator(db, settings, tmp_path) -> StaffLogin:
    settings.DATA_DIR = tmp_path
    settings.EXPORT_ARCHIVE_KDF = FAST
    account_services.escrow_initialise(shares=3, threshold=2)
    return make_staff(Role.COORDINATOR)


def private_of(login: StaffLogin) -> bytes:
    return account_services.staff_key_open(member=login.member, password=login.password).private


def fresh_code(login: StaffLogin) -> str:
    """A code of the next time step: the current one was used to sign in."""
    return login.code(at=time.time() + 30)


def case_with_a_file(login: StaffLogin) -> Case:
    case = services.case_create(
        category="threats", urgency="high", language="fa", report={"what_happened": CANARY}
    ).case
    services.case_team_reply(case=case, author=login.member, text="we have your report")
    services.case_attach_file(
        case=case,
        name="../../evil/شاهد.txt",
        content=FILE_CONTENT,
        inspection={"content_type": "text/plain", "inspected": True, "metadata": {}},
    )
    return case


def opened(data: bytes, passphrase: str = PASSPHRASE) -> zipfile.ZipFile:
    plain = io.BytesIO()
    archive.decrypt_archive(passphrase, io.BytesIO(data), plain)
    return zipfile.ZipFile(plain)


# The archive format ---------------------------------------------------------------------------


@pytest.mark.parametrize("size", [0, 1, 100, 4096, 10_000])
def test_an_archive_opens_with_its_passphrase(size):
    content = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    sealed = io.BytesIO()
    archive.encrypt_archive(PASSPHRASE, io.BytesIO(content), sealed, params=FAST, chunk_size=1000)
    assert sealed.getvalue().startswith(archive.MAGIC)
    plain = io.BytesIO()
    assert archive.decrypt_archive(PASSPHRASE, io.BytesIO(sealed.getvalue()), plain) == size
    assert plain.getvalue() == content


def test_an_archive_refuses_a_wrong_passphrase_and_any_change():
    sealed = io.BytesIO()
    archive.encrypt_archive(
        PASSPHRASE, io.BytesIO(b"a" * 5000), sealed, params=FAST, chunk_size=1000
    )
    data = sealed.getvalue()
    with pytest.raises(WrongPassword):
        archive.decrypt_archive("not the passphrase", io.BytesIO(data), io.BytesIO())
    # Cheaper key derivation asked for in the header: the first chunk no longer opens.
    weakened = bytearray(data)
    weakened[len(archive.MAGIC) + 4] ^= 1
    with pytest.raises(DecryptionFailed):
        archive.decrypt_archive(PASSPHRASE, io.BytesIO(bytes(weakened)), io.BytesIO())
    with pytest.raises(StreamCorrupted):
        archive.decrypt_archive(PASSPHRASE, io.BytesIO(data[:-10]), io.BytesIO())
    with pytest.raises(StreamCorrupted):
        archive.decrypt_archive(PASSPHRASE, io.BytesIO(data + b"more"), io.BytesIO())
    altered = bytearray(data)
    altered[-5] ^= 1
    with pytest.raises(StreamCorrupted):
        archive.decrypt_archive(PASSPHRASE, io.BytesIO(bytes(altered)), io.BytesIO())
    with pytest.raises(DecryptionFailed, match="not a rightsdesk archive"):
        archive.decrypt_archive(PASSPHRASE, io.BytesIO(b"PK\x03\x04 a zip"), io.BytesIO())


# The export service ---------------------------------------------------------------------------


def test_an_export_holds_the_whole_case_and_is_audited_without_content(coordinator):
    case = case_with_a_file(coordinator)
    exported = export.case_export(
        actor=coordinator.member,
        case=case,
        actor_private=private_of(coordinator),
        password=coordinator.password,
        code=fresh_code(coordinator),
        passphrase=PASSPHRASE,
    )
    data = exported.file.read()
    exported.file.close()
    assert exported.filename == f"{case.reference}.rdarchive"
    assert exported.size == len(data)
    assert CANARY.encode() not in data
    bundle = opened(data)
    names = bundle.namelist()
    assert {"README.txt", "case.json", "report.json", "timeline.json", "timeline.txt"} <= set(names)
    assert json.loads(bundle.read("report.json"))["what_happened"] == CANARY
    timeline = json.loads(bundle.read("timeline.json"))
    assert [entry["kind"] for entry in timeline] == ["report", "team_message"]
    assert "author" not in timeline[1]
    assert coordinator.member.username not in bundle.read("timeline.txt").decode()
    assert json.loads(bundle.read("case.json"))["reference"] == case.reference
    [described] = json.loads(bundle.read("files.json"))
    assert described["path"] == "files/001-_.._evil_شاهد.txt"
    assert bundle.read(described["path"]) == FILE_CONTENT
    entry = AuditEntry.objects.get(action=Action.EXPORT)
    assert entry.case_reference == case.reference
    assert entry.detail == {"entries": 2, "files": 1}
    # Nothing is left in the data directory.
    assert list((Path(storage.evidence_dir()).parent / "exports").iterdir()) == []


@pytest.mark.parametrize("wrong", ["password", "code"])
def test_a_wrong_password_or_code_exports_nothing(coordinator, wrong):
    case = case_with_a_file(coordinator)
    with pytest.raises(account_services.ReauthenticationFailed):
        export.case_export(
            actor=coordinator.member,
            case=case,
            actor_private=private_of(coordinator),
            password="wrong password" if wrong == "password" else coordinator.password,
            code="000000" if wrong == "code" else fresh_code(coordinator),
            passphrase=PASSPHRASE,
        )
    assert not AuditEntry.objects.filter(action=Action.EXPORT).exists()


def test_repeated_failures_are_slowed_down_like_sign_in(coordinator, settings):
    case = case_with_a_file(coordinator)
    arguments = {
        "actor": coordinator.member,
        "case": case,
        "actor_private": private_of(coordinator),
        "code": "000000",
        "passphrase": PASSPHRASE,
    }
    for _attempt in range(settings.LOGIN_FREE_FAILURES):
        with pytest.raises(account_services.ReauthenticationFailed):
            export.case_export(password="wrong", **arguments)
    # Even the right password waits now, and the wait is the sign-in page's too.
    with pytest.raises(account_services.SignInThrottled):
        export.case_export(password=coordinator.password, **arguments)
    assert not AuditEntry.objects.filter(action=Action.EXPORT).exists()


def test_an_export_needs_the_case_key(coordinator):
    case = case_with_a_file(coordinator)
    latecomer = make_staff(Role.COORDINATOR)
    with pytest.raises(selectors.CaseContentLocked):
        export.case_export(
            actor=latecomer.member,
            case=case,
            actor_private=private_of(latecomer),
            password=latecomer.password,
            code=fresh_code(latecomer),
            passphrase=PASSPHRASE,
        )


def test_file_names_stay_inside_the_archive():
    # No separators, no leading dot (a hidden file), no control or direction characters.
    assert export.safe_file_name("../../etc/passwd") == "_.._etc_passwd"
    assert export.safe_file_name("a\x00b\u202e.exe") == "a_b_.exe"
    assert export.safe_file_name("...") == "file"
    assert len(export.safe_file_name("x" * 500)) == export.MAX_FILE_NAME


# The page and the command ---------------------------------------------------------------------


def test_the_export_page_refuses_a_wrong_password_and_keeps_the_passphrase(
    client: Client, coordinator
):
    case = case_with_a_file(coordinator)
    sign_in(client, coordinator)
    url = f"/en/staff/cases/{case.reference}/export/"
    page = client.get(url)
    assert page.status_code == 200
    assert "Cache-Control" in page.headers
    refused = client.post(
        url,
        {
            "password": "a wrong password",
            "code": fresh_code(coordinator),
            "passphrase": PASSPHRASE,
            "passphrase_again": PASSPHRASE,
        },
    )
    html = refused.content.decode()
    assert refused.status_code == 200
    assert "The password or the code is not correct. Nothing was exported." in html
    assert f'value="{PASSPHRASE}"' in html
    assert "a wrong password" not in html


def test_the_export_page_checks_the_passphrase(client: Client, coordinator):
    case = case_with_a_file(coordinator)
    sign_in(client, coordinator)
    url = f"/en/staff/cases/{case.reference}/export/"
    short = client.post(
        url,
        {
            "password": coordinator.password,
            "code": fresh_code(coordinator),
            "passphrase": "short",
            "passphrase_again": "short",
        },
    ).content.decode()
    assert "The passphrase needs at least 16 characters; this one has 5." in short
    different = client.post(
        url,
        {
            "password": coordinator.password,
            "code": fresh_code(coordinator),
            "passphrase": PASSPHRASE,
            "passphrase_again": PASSPHRASE + "!",
        },
    ).content.decode()
    assert "The two passphrases are not the same." in different
    own = client.post(
        url,
        {
            "password": coordinator.password,
            "code": fresh_code(coordinator),
            "passphrase": coordinator.password,
            "passphrase_again": coordinator.password,
        },
    ).content.decode()
    assert "Do not give the partner your own password." in own
    assert not AuditEntry.objects.filter(action=Action.EXPORT).exists()


def test_a_partner_opens_the_downloaded_archive(client: Client, coordinator, tmp_path, monkeypatch):
    case = case_with_a_file(coordinator)
    sign_in(client, coordinator)
    response = client.post(
        f"/en/staff/cases/{case.reference}/export/",
        {
            "password": coordinator.password,
            "code": fresh_code(coordinator),
            "passphrase": PASSPHRASE,
            "passphrase_again": PASSPHRASE,
        },
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert f'filename="{case.reference}.rdarchive"' in response["Content-Disposition"]
    downloaded = tmp_path / f"{case.reference}.rdarchive"
    downloaded.write_bytes(response.getvalue())

    monkeypatch.setattr(sys, "stdin", io.StringIO("not it\n"))
    with pytest.raises(CommandError, match="passphrase does not open"):
        call_command("export-open", str(downloaded))
    assert not (tmp_path / f"{case.reference}.zip").exists()

    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSPHRASE + "\n"))
    call_command("export-open", str(downloaded), stdout=io.StringIO())
    with zipfile.ZipFile(tmp_path / f"{case.reference}.zip") as bundle:
        assert json.loads(bundle.read("report.json"))["what_happened"] == CANARY
    with pytest.raises(CommandError, match="exists already"):
        call_command("export-open", str(downloaded))


def test_the_export_page_is_for_key_holders_only(client: Client, coordinator):
    case = case_with_a_file(coordinator)
    sign_in(client, make_staff(Role.COORDINATOR))
    assert client.get(f"/en/staff/cases/{case.reference}/export/").status_code == 404
