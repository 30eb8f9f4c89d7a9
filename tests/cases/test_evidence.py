"""Evidence files: encrypted to the case key on disk, described in a sealed envelope."""

from pathlib import Path

import pytest

from rightsdesk.accounts import services as account_services
from rightsdesk.accounts.permissions import Role
from rightsdesk.cases import selectors, services, storage
from rightsdesk.cases.models import EvidenceFile
from rightsdesk.crypto import keys
from tests.factories import make_staff

CONTENT = b"canary-evidence-content " * 1000
NAME = "canary-evidence-name.txt"
INSPECTION = {
    "content_type": "text/plain",
    "kind": "text",
    "inspected": True,
    "problem": "",
    "metadata": {},
    "has_location": False,
}


@pytest.fixture
def case_with_key(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    account_services.escrow_initialise(shares=3, threshold=2)
    coordinator = make_staff(Role.COORDINATOR)
    created = services.case_create(
        category="other", urgency="normal", language="en", report={"what_happened": "x"}
    )
    member_private = account_services.staff_key_open(
        member=coordinator.member, password=coordinator.password
    ).private
    pair = selectors.case_keypair_for(coordinator.member, created.case, member_private)
    return created, pair, tmp_path


def test_a_file_is_stored_encrypted_and_read_back(case_with_key):
    created, pair, _data_dir = case_with_key
    evidence = services.case_attach_file(
        case=created.case, name=NAME, content=CONTENT, inspection=INSPECTION
    )
    stored = storage.evidence_path(str(evidence.uuid)).read_bytes()
    assert CONTENT[:40] not in stored
    assert NAME.encode() not in bytes(evidence.sealed_meta)
    assert oct(storage.evidence_path(str(evidence.uuid)).stat().st_mode & 0o777) == "0o600"
    [view] = selectors.case_files(created.case, pair)
    assert view.name == NAME
    assert view.size == len(CONTENT)
    assert view.content_type == "text/plain"
    described, content = selectors.case_file_content(created.case, pair, view.uuid)
    assert content == CONTENT
    assert described == view


def test_a_swapped_file_is_noticed(case_with_key):
    created, pair, _data_dir = case_with_key
    first = services.case_attach_file(
        case=created.case, name="a.txt", content=b"first file", inspection=INSPECTION
    )
    second = services.case_attach_file(
        case=created.case, name="b.txt", content=b"second file", inspection=INSPECTION
    )
    first_path = storage.evidence_path(str(first.uuid))
    first_path.write_bytes(storage.evidence_path(str(second.uuid)).read_bytes())
    with pytest.raises(selectors.EvidenceCorrupted):
        selectors.case_file_content(created.case, pair, str(first.uuid))


def test_a_truncated_file_is_noticed(case_with_key):
    created, pair, _data_dir = case_with_key
    evidence = services.case_attach_file(
        case=created.case, name="a.txt", content=CONTENT, inspection=INSPECTION
    )
    path = storage.evidence_path(str(evidence.uuid))
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(selectors.EvidenceCorrupted):
        selectors.case_file_content(created.case, pair, str(evidence.uuid))


def test_another_key_reads_nothing(case_with_key):
    created, _pair, _data_dir = case_with_key
    services.case_attach_file(case=created.case, name=NAME, content=CONTENT, inspection=INSPECTION)
    with pytest.raises(Exception, match="open"):
        selectors.case_files(created.case, keys.generate_keypair())


def test_withdrawing_deletes_the_stored_files(case_with_key):
    created, _pair, _data_dir = case_with_key
    evidence = services.case_attach_file(
        case=created.case, name=NAME, content=CONTENT, inspection=INSPECTION
    )
    services.case_withdraw(case=created.case)
    assert not EvidenceFile.objects.exists()
    assert not storage.evidence_path(str(evidence.uuid)).exists()


def test_orphans_are_purged_after_a_day(case_with_key):
    created, _pair, _data_dir = case_with_key
    kept = services.case_attach_file(
        case=created.case, name=NAME, content=CONTENT, inspection=INSPECTION
    )
    orphan = Path(storage.evidence_dir()) / "00000000-0000-0000-0000-000000000000.bin"
    orphan.write_bytes(b"x")
    assert storage.evidence_purge_orphans() == 0
    assert (
        storage.evidence_purge_orphans(now=orphan.stat().st_mtime + storage.ORPHAN_SECONDS + 1) == 1
    )
    assert storage.evidence_path(str(kept.uuid)).exists()
