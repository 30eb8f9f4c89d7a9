"""Exporting one case for a legal partner, as an archive encrypted under a passphrase.

The member confirms their password and a fresh authenticator code first. The archive is a zip
(README, case metadata, the report, the timeline as JSON and as text, the evidence files)
written straight into ``crypto.archive.ArchiveWriter``, so the plaintext exists only a chunk at
a time, in memory; the encrypted result goes to an anonymous temporary file in the data
directory (no name on disk, gone when closed) and from there to the browser. The partner opens
it with ``python -m rightsdesk export-open FILE`` and the passphrase, which the member gives
them by another channel.

Staff names are left out of the archive: the kind of each entry says whether the reporter or
the team wrote it, and who in the team did is not the partner's business.
"""

from __future__ import annotations

import json
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, BinaryIO

from django.conf import settings
from django.utils.translation import gettext as _

from rightsdesk.accounts import services as account_services
from rightsdesk.accounts.models import StaffMember
from rightsdesk.audit.models import Action
from rightsdesk.audit.services import audit_record
from rightsdesk.cases import selectors
from rightsdesk.cases.models import Case, EntryKind
from rightsdesk.core.files import data_subdirectory
from rightsdesk.crypto import archive, keys, passwords

MIN_PASSPHRASE_LENGTH = 16
ARCHIVE_SUFFIX = ".rdarchive"
MAX_FILE_NAME = 120


@dataclass
class ExportedArchive:
    """An open file holding the encrypted archive, positioned at its start. Closing it frees it."""

    file: BinaryIO
    filename: str
    size: int


def export_kdf() -> passwords.KdfParams:
    """The Argon2id cost of an archive's key; ``EXPORT_ARCHIVE_KDF`` in the settings, if set."""
    params: passwords.KdfParams = getattr(settings, "EXPORT_ARCHIVE_KDF", archive.ARCHIVE_KDF)
    return params


def safe_file_name(name: str) -> str:
    """A name that stays inside the archive's ``files/`` folder on every system."""
    kept = "".join(
        "_" if character in '/\\:*?"<>|' or unicodedata.category(character)[0] == "C" else character
        for character in name
    ).strip(" .")
    return kept[-MAX_FILE_NAME:] or "file"


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True, default=str).encode()


def _timeline_text(timeline: list[selectors.TimelineEntry]) -> str:
    lines: list[str] = []
    for entry in timeline:
        lines.append(f"== {entry.kind.label} — {entry.created_at.isoformat()} ==")
        for key, value in entry.content.items():
            text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
            lines.append(f"{key}: {text}")
        lines.append("")
    return "\n".join(lines)


def _readme(case: Case, exported_at: datetime, files: int) -> str:
    return "\n\n".join(
        [
            _("Case %(reference)s, exported on %(date)s.")
            % {"reference": case.reference, "date": exported_at.isoformat(timespec="seconds")},
            _(
                "case.json: what the case is about (category, urgency, status, language). "
                "report.json: the report as it was sent. timeline.json and timeline.txt: "
                "everything on the case's timeline, oldest first. files/: the evidence files "
                "(%(count)s), with their descriptions in files.json."
            )
            % {"count": files},
            _(
                "This archive holds confidential information about a person at risk. Keep it "
                "on an encrypted disk, share it with nobody who does not need it, and delete it "
                "when your work on the case is done."
            ),
        ]
    )


def _write_archive(
    destination: BinaryIO,
    *,
    case: Case,
    case_pair: keys.KeyPair,
    passphrase: str,
    timeline: list[selectors.TimelineEntry],
    files: list[selectors.EvidenceView],
) -> None:
    writer = archive.ArchiveWriter(passphrase, destination, params=export_kdf())
    exported_at = datetime.now(tz=UTC)
    report = next((entry.content for entry in timeline if entry.kind == EntryKind.REPORT), {})
    # ArchiveWriter has no tell(), so zipfile streams (data descriptors, no seeking back).
    with zipfile.ZipFile(writer, "w", compression=zipfile.ZIP_DEFLATED) as bundle:  # type: ignore[call-overload]
        bundle.writestr("README.txt", _readme(case, exported_at, len(files)))
        bundle.writestr(
            "case.json",
            _json(
                {
                    "reference": case.reference,
                    "status": case.status,
                    "urgency": case.urgency,
                    "category": case.category,
                    "language": case.language,
                    "region": case.region,
                    "created_at": case.created_at.isoformat(),
                    "exported_at": exported_at.isoformat(),
                }
            ),
        )
        bundle.writestr("report.json", _json(report))
        bundle.writestr(
            "timeline.json",
            _json(
                [
                    {
                        "kind": entry.kind.value,
                        "created_at": entry.created_at.isoformat(),
                        "content": entry.content,
                    }
                    for entry in timeline
                ]
            ),
        )
        bundle.writestr("timeline.txt", _timeline_text(timeline))
        described = []
        for number, view in enumerate(files, start=1):
            _view, content = selectors.case_file_content(case, case_pair, view.uuid)
            path = f"files/{number:03d}-{safe_file_name(view.name)}"
            described.append(
                {
                    "path": path,
                    "name": view.name,
                    "size": view.size,
                    "content_type": view.content_type,
                    "received_at": view.created_at.isoformat(),
                    "metadata": view.metadata,
                    "metadata_removed": view.metadata_removed,
                }
            )
            bundle.writestr(path, content)
        bundle.writestr("files.json", _json(described))
    writer.finish()


def case_export(
    *,
    actor: StaffMember,
    case: Case,
    actor_private: bytes,
    password: str,
    code: str,
    passphrase: str,
) -> ExportedArchive:
    """Build the encrypted archive of one case, after the actor confirmed who they are.

    Raises ``accounts.services.ReauthenticationFailed`` or ``SignInThrottled`` (nothing is
    read then), ``selectors.CaseContentLocked`` without a grant, ``ValueError`` for a
    passphrase shorter than ``MIN_PASSPHRASE_LENGTH``, and ``selectors.EvidenceCorrupted``
    when a file cannot be read whole (nothing is exported then). The audit entry says how many
    entries and files left, never what they hold.
    """
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise ValueError("the passphrase is too short")
    account_services.staff_reauthenticate(member=actor, password=password, code=code)
    case_pair = selectors.case_keypair_for(actor, case, actor_private)
    timeline = selectors.timeline_with_key(case, case_pair)
    files = selectors.case_files(case, case_pair)
    # O_TMPFILE where the system has it: the file never has a name, so nothing is left behind.
    handle = tempfile.TemporaryFile(dir=data_subdirectory("exports"))  # noqa: SIM115
    try:
        _write_archive(
            handle,
            case=case,
            case_pair=case_pair,
            passphrase=passphrase,
            timeline=timeline,
            files=files,
        )
        size = handle.tell()
        handle.seek(0)
        audit_record(
            action=Action.EXPORT,
            actor=actor,
            case_reference=case.reference,
            detail={"entries": len(timeline), "files": len(files)},
        )
    except BaseException:
        handle.close()
        raise
    return ExportedArchive(
        file=handle,
        filename=f"{case.reference}{ARCHIVE_SUFFIX}",
        size=size,
    )
