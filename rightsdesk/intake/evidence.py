"""Evidence files while a report is being written: checked, encrypted, and kept with the draft.

Each draft carries the key pair of the case it will become, so files are encrypted to that case
the moment they arrive and never need to be encrypted again. What a file is gets decided from its
content in a child process with time and memory limits; a file that cannot be inspected is still
kept, encrypted, as opaque evidence.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from rightsdesk.cases import services as case_services
from rightsdesk.cases.models import Case, CaseEntry
from rightsdesk.crypto import keys
from rightsdesk.intake import drafts, inspection
from rightsdesk.intake.uploads import EncryptedUpload


class FileRefused(Exception):
    def __init__(self, code: str, name: str) -> None:
        super().__init__(f"{code}: {name}")
        self.code = code
        self.name = name


@dataclass(frozen=True)
class Upload:
    name: str
    content: bytes


def case_pair(draft: dict[str, Any]) -> keys.KeyPair:
    return keys.keypair_from_private(bytes.fromhex(draft["case_private"]))


def _clean_name(name: str) -> str:
    """Keep the name as the reporter knows it, minus any path and control characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(char for char in base if char.isprintable()).strip()
    return cleaned[:200] or "file"


def as_upload(uploaded: Any) -> Upload | EncryptedUpload:
    """What an upload handler produced, as the functions below take it."""
    if isinstance(uploaded, EncryptedUpload):
        return uploaded
    return Upload(name=uploaded.name or "", content=uploaded.read())


def _inspect_accepted(name: str, content: bytes) -> inspection.Inspection:
    """Inspect in the child process; refuse what is not an allowed type."""
    report = inspection.inspect_in_child(content)
    if report.content_type is None:
        raise FileRefused("type_not_accepted", name)
    return report


def _added(name: str, size: int, report: inspection.Inspection, stripped: bool) -> dict[str, Any]:
    """What the reporter is told about a file that was added."""
    return {
        "name": name,
        "size": size,
        "inspected": report.inspected,
        "has_location": report.has_location,
        "metadata_removed": stripped,
    }


def files_total(draft: dict[str, Any]) -> int:
    return sum(int(item["size"]) for item in draft.get("files", []))


def draft_add_file(
    handle: drafts.DraftHandle, draft: dict[str, Any], upload: Upload
) -> dict[str, Any]:
    """Inspect, encrypt and remember one file; raises FileRefused with a stable code."""
    name = _clean_name(upload.name)
    if not upload.content:
        raise FileRefused("empty", name)
    if files_total(draft) + len(upload.content) > settings.MAX_EVIDENCE_REPORT_BYTES:
        raise FileRefused("report_too_large", name)
    report = _inspect_accepted(name, upload.content)
    file_uuid = str(uuid.uuid4())
    drafts.draft_file_write(handle, file_uuid, case_pair(draft).public, upload.content)
    described = {
        "uuid": file_uuid,
        "name": name,
        "size": len(upload.content),
        "blake2b": hashlib.blake2b(upload.content).hexdigest(),
        "inspection": report.to_dict(),
        "metadata_removed": False,
    }
    draft.setdefault("files", []).append(described)
    return described


def draft_remove_file(handle: drafts.DraftHandle, draft: dict[str, Any], file_uuid: str) -> None:
    draft["files"] = [item for item in draft.get("files", []) if item["uuid"] != file_uuid]
    drafts.draft_file_delete(handle, file_uuid)


def draft_strip_metadata(handle: drafts.DraftHandle, draft: dict[str, Any], file_uuid: str) -> bool:
    """Replace a file by a copy without its metadata; False when that is not possible."""
    for item in draft.get("files", []):
        if item["uuid"] != file_uuid or item.get("metadata_removed"):
            continue
        pair = case_pair(draft)
        original = drafts.draft_file_read(handle, file_uuid, pair)
        stripped = inspection.strip_metadata_in_child(original)
        if stripped is None:
            return False
        drafts.draft_file_write(handle, file_uuid, pair.public, stripped)
        item.update(
            size=len(stripped),
            blake2b=hashlib.blake2b(stripped).hexdigest(),
            inspection=inspection.inspect_in_child(stripped).to_dict(),
            metadata_removed=True,
        )
        return True
    return False


def _streamed_report(upload: EncryptedUpload) -> inspection.Inspection:
    if upload.complete:
        return inspection.inspect_in_child(upload.head)
    content_type, kind = inspection.detect_type(upload.head)
    if content_type is None:
        return inspection.Inspection(
            content_type=None, kind=None, inspected=False, problem="unknown_type"
        )
    return inspection.Inspection(
        content_type=content_type, kind=kind, inspected=False, problem="too_large_to_inspect"
    )


def case_add_streamed(
    case: Case, upload: EncryptedUpload, *, remove_metadata: bool
) -> dict[str, Any]:
    """Attach a file that arrived encrypted to the case key (the API's large-file path)."""
    name = _clean_name(upload.name or "")
    report = _streamed_report(upload)
    if report.content_type is None or not upload.size:
        upload.path.unlink(missing_ok=True)
        raise FileRefused("type_not_accepted" if upload.size else "empty", name)
    if remove_metadata and upload.complete and (report.metadata or report.has_location):
        upload.path.unlink(missing_ok=True)
        return case_add_upload(case, Upload(name=name, content=upload.head), remove_metadata=True)
    case_services.case_adopt_encrypted(
        case=case,
        path=upload.path,
        file_uuid=upload.file_uuid,
        description={
            "name": name,
            "size": upload.size,
            "blake2b": upload.blake2b,
            "inspection": report.to_dict(),
            "metadata_removed": False,
        },
    )
    return _added(name, upload.size, report, stripped=False)


def case_add_upload(
    case: Case, upload: Upload, *, remove_metadata: bool, entry: CaseEntry | None = None
) -> dict[str, Any]:
    """Attach a file to an existing case (after sending): inspect, optionally strip, encrypt.

    Only the case's public key is needed, so the reporter can add files to a case they cannot
    otherwise change, and nothing they send can be read back without the case key.
    """
    name = _clean_name(upload.name)
    if not upload.content:
        raise FileRefused("empty", name)
    if len(upload.content) > settings.MAX_EVIDENCE_FILE_BYTES:
        raise FileRefused("file_too_large", name)
    content = upload.content
    report = _inspect_accepted(name, content)
    stripped = False
    if remove_metadata and report.inspected and (report.metadata or report.has_location):
        cleaned = inspection.strip_metadata_in_child(content)
        if cleaned is not None:
            content, stripped = cleaned, True
            report = inspection.inspect_in_child(content)
    case_services.case_attach_file(
        case=case,
        name=name,
        content=content,
        inspection=report.to_dict(),
        metadata_removed=stripped,
        entry=entry,
    )
    return _added(name, len(content), report, stripped)


def case_add(
    case: Case, upload: Upload | EncryptedUpload, *, remove_metadata: bool
) -> dict[str, Any]:
    """Attach a file after sending, whichever way it arrived (in memory, or already encrypted)."""
    if isinstance(upload, EncryptedUpload):
        return case_add_streamed(case, upload, remove_metadata=remove_metadata)
    return case_add_upload(case, upload, remove_metadata=remove_metadata)
