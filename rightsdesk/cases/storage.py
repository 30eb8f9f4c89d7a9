"""Encrypted evidence files on disk, one file per piece of evidence, named by a random uuid.

Content is encrypted to the case public key with libsodium secretstream before it is written,
and written atomically (temporary file, fsync, rename), so a crash leaves either the whole file or
none. A file whose database row never committed is an orphan: unreadable without the case key,
and removed by the worker's housekeeping after a day.
"""

from __future__ import annotations

import contextlib
import io
import time
from pathlib import Path
from typing import BinaryIO

from rightsdesk.cases.models import EvidenceFile
from rightsdesk.core.files import atomic_write, data_subdirectory
from rightsdesk.crypto import keys, stream

ORPHAN_SECONDS = 24 * 60 * 60


def evidence_dir() -> Path:
    return data_subdirectory("evidence")


def evidence_path(file_uuid: str) -> Path:
    return evidence_dir() / f"{file_uuid}.bin"


def evidence_write(file_uuid: str, recipient_public: bytes, source: BinaryIO) -> int:
    """Encrypt ``source`` to ``recipient_public`` into the evidence store; returns the size."""
    with atomic_write(evidence_path(file_uuid)) as destination:
        return stream.encrypt_stream(recipient_public, source, destination)


def evidence_read(file_uuid: str, case_pair: keys.KeyPair) -> bytes:
    """The decrypted content, in memory (evidence files are limited in size)."""
    output = io.BytesIO()
    with evidence_path(file_uuid).open("rb") as source:
        stream.decrypt_stream(case_pair, source, output)
    return output.getvalue()


def evidence_delete(file_uuid: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        evidence_path(file_uuid).unlink()


def evidence_purge_orphans(*, now: float | None = None) -> int:
    """Delete stored files that no database row refers to, once they are a day old."""
    moment = time.time() if now is None else now
    known = {str(value) for value in EvidenceFile.objects.values_list("uuid", flat=True)}
    removed = 0
    for path in evidence_dir().iterdir():
        name = path.name.removeprefix(".").split(".")[0]
        if name in known or moment - path.stat().st_mtime < ORPHAN_SECONDS:
            continue
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            removed += 1
    return removed
