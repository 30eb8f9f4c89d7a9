"""Report drafts: kept out of the database, encrypted, and forgotten after an hour.

Until a report is sent nothing about it may land in the database. Each draft is one file in the
data directory, encrypted under a key that exists only in the reporter's cookie, so the server at
rest cannot read a draft either. Every save rewrites the file atomically; a file untouched for
longer than REPORT_DRAFT_SECONDS is treated as gone and deleted.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import fcntl
import io
import json
import os
import re
import secrets
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from rightsdesk.core.files import atomic_write, data_subdirectory
from rightsdesk.crypto import keys, server_secrets, stream

COOKIE = "rightsdesk_report"
_ID = re.compile(r"^[0-9a-f]{32}$")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@dataclass(frozen=True)
class DraftHandle:
    draft_id: str
    key: bytes

    def cookie_value(self) -> str:
        return f"{self.draft_id}.{base64.urlsafe_b64encode(self.key).decode('ascii')}"


def handle_from_cookie(value: str | None) -> DraftHandle | None:
    if not value or "." not in value:
        return None
    draft_id, _, encoded = value.partition(".")
    if not _ID.match(draft_id):
        return None
    try:
        key = base64.urlsafe_b64decode(encoded.encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return None
    if len(key) != server_secrets.KEY_BYTES:
        return None
    return DraftHandle(draft_id, key)


def _directory() -> Path:
    return data_subdirectory("drafts")


def _path(handle: DraftHandle) -> Path:
    return _directory() / f"{handle.draft_id}.draft"


def _context(handle: DraftHandle) -> bytes:
    return f"report-draft:{handle.draft_id}".encode()


def _expired(path: Path, now: float) -> bool:
    return now - path.stat().st_mtime > settings.REPORT_DRAFT_SECONDS


def draft_create() -> DraftHandle:
    handle = DraftHandle(secrets.token_hex(16), secrets.token_bytes(server_secrets.KEY_BYTES))
    draft_save(handle, {"state": "editing"})
    return handle


def draft_save(handle: DraftHandle, data: dict[str, Any]) -> None:
    plaintext = json.dumps(data, ensure_ascii=False).encode("utf-8")
    sealed = server_secrets.encrypt(handle.key, plaintext, context=_context(handle))
    with atomic_write(_path(handle)) as destination:
        destination.write(sealed)


def draft_load(handle: DraftHandle, *, now: float | None = None) -> dict[str, Any] | None:
    path = _path(handle)
    try:
        if _expired(path, time.time() if now is None else now):
            draft_delete(handle)
            return None
        sealed = path.read_bytes()
    except FileNotFoundError:
        return None
    try:
        data = json.loads(server_secrets.decrypt(handle.key, sealed, context=_context(handle)))
    except server_secrets.DecryptionFailed:
        return None
    return data if isinstance(data, dict) else None


def draft_delete(handle: DraftHandle) -> None:
    with contextlib.suppress(FileNotFoundError):
        _path(handle).unlink()
    shutil.rmtree(_directory() / handle.draft_id, ignore_errors=True)


def draft_file_path(handle: DraftHandle, file_uuid: str) -> Path:
    """Where an evidence file of this draft waits, encrypted to the future case's key."""
    if not _UUID.match(file_uuid):
        raise ValueError("not a file id")
    directory = _directory() / handle.draft_id
    directory.mkdir(mode=0o700, exist_ok=True)
    return directory / f"{file_uuid}.bin"


def draft_file_write(
    handle: DraftHandle, file_uuid: str, case_public: bytes, content: bytes
) -> None:
    with atomic_write(draft_file_path(handle, file_uuid)) as destination:
        stream.encrypt_stream(case_public, io.BytesIO(content), destination)


def draft_file_read(handle: DraftHandle, file_uuid: str, case_pair: keys.KeyPair) -> bytes:
    output = io.BytesIO()
    with draft_file_path(handle, file_uuid).open("rb") as source:
        stream.decrypt_stream(case_pair, source, output)
    return output.getvalue()


def draft_file_delete(handle: DraftHandle, file_uuid: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        draft_file_path(handle, file_uuid).unlink()


@contextlib.contextmanager
def draft_lock(handle: DraftHandle) -> Iterator[None]:
    """Serialises sending one draft: a double click or a resubmitted form waits, then finds the
    draft already sent instead of creating a second case."""
    lock_path = _directory() / f"{handle.draft_id}.lock"
    descriptor = os.open(lock_path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(descriptor, fcntl.LOCK_UN)
        os.close(descriptor)


def drafts_purge_expired(*, now: float | None = None) -> int:
    """Delete drafts and stale lock or temporary files older than the draft lifetime."""
    moment = time.time() if now is None else now
    removed = 0
    for path in _directory().iterdir():
        with contextlib.suppress(FileNotFoundError):
            if not _expired(path, moment):
                continue
            if path.is_dir():
                # A draft's files: gone once the draft itself is gone.
                if (_directory() / f"{path.name}.draft").exists():
                    continue
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink()
            removed += 1
    return removed
