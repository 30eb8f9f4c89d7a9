"""Receiving evidence files without ever writing them to disk in the clear.

Django would spool a large upload to a plaintext temporary file. Instead:

- On the API's file endpoints the case is known before the body is read (its token is in the
  Authorization header), so each file is encrypted to the case key chunk by chunk as it arrives
  and written to the evidence store: memory stays constant whatever the file's size. Only the
  first MAX_INSPECTED_BYTES are also kept in memory, for the inspection child.
- Everywhere else (the reporting pages) each file is kept in memory up to the per-file limit.

A file over the limit is dropped and its name remembered, so the page can say which file and
what the limit is, while the rest of the form still arrives.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile

from rightsdesk.cases import storage
from rightsdesk.crypto.stream import StreamEncryptor

STREAMED_PATHS = re.compile(r"^/api/v1/(reports|reporter)/files$")


class EncryptedUpload(UploadedFile):  # type: ignore[type-arg]
    """An upload already encrypted to its case's key, waiting in the evidence store.

    It has no readable content: ``head`` holds the first bytes (for inspection) and
    ``complete`` says whether the head is the whole file.
    """

    def __init__(
        self, *, name: str, size: int, path: Path, file_uuid: str, digest: str, head: bytes
    ) -> None:
        super().__init__(file=io.BytesIO(), name=name, size=size)
        self.path = path
        self.file_uuid = file_uuid
        self.blake2b = digest
        self.head = head
        self.complete = len(head) == size


def _streaming_case_public(request: Any) -> bytes | None:
    """The case public key for an API file upload, from the token in the header, if valid."""
    if request is None or not STREAMED_PATHS.match(request.path_info):
        return None
    from rightsdesk.intake import followup

    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    if request.path_info.endswith("/reports/files"):
        case = followup.case_for_upload_token(token)
        return bytes(case.public_key) if case is not None else None
    access = followup.access_from_cookie(token)
    if access is None:
        return None
    opened = followup.case_for_access(access)
    return bytes(opened.public_key) if opened is not None else None


class BoundedMemoryUploadHandler(FileUploadHandler):
    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.buffer = io.BytesIO()
        self.case_public = _streaming_case_public(request)
        self.size = 0
        self.encryptor: StreamEncryptor | None = None
        self.destination: Any = None
        self.temporary: Path | None = None
        self.digest = hashlib.blake2b()
        self.file_uuid = ""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()
        self.size = 0
        if self.case_public is not None:
            self.file_uuid = str(uuid.uuid4())
            self.temporary = storage.evidence_dir() / f".upload-{self.file_uuid}.tmp"
            descriptor = os.open(self.temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            self.destination = os.fdopen(descriptor, "wb")
            self.encryptor = StreamEncryptor(self.case_public, self.destination)
            self.digest = hashlib.blake2b()

    def _too_large(self) -> None:
        if self.request is not None:
            too_large: list[str] = getattr(self.request, "uploads_too_large", [])
            too_large.append(self.file_name or "")
            setattr(self.request, "uploads_too_large", too_large)  # noqa: B010
        self.buffer = io.BytesIO()
        self._discard()
        raise SkipFile

    def _discard(self) -> None:
        if self.destination is not None:
            self.destination.close()
            self.destination = None
        if self.temporary is not None:
            with contextlib.suppress(FileNotFoundError):
                self.temporary.unlink()
            self.temporary = None
        self.encryptor = None

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.size += len(raw_data)
        if self.size > settings.MAX_EVIDENCE_FILE_BYTES:
            self._too_large()
        if self.encryptor is None:
            self.buffer.write(raw_data)
            return None
        self.encryptor.write(raw_data)
        self.digest.update(raw_data)
        room = settings.MAX_INSPECTED_BYTES - self.buffer.tell()
        if room > 0:
            self.buffer.write(raw_data[:room])
        return None

    def file_complete(self, file_size: int) -> UploadedFile | None:  # type: ignore[type-arg]
        if self.encryptor is None:
            self.buffer.seek(0)
            return InMemoryUploadedFile(
                file=self.buffer,
                field_name=self.field_name,
                name=self.file_name,
                content_type=self.content_type,
                size=file_size,
                charset=self.charset,
                content_type_extra=self.content_type_extra,
            )
        self.encryptor.finish()
        self.destination.flush()
        os.fsync(self.destination.fileno())
        self.destination.close()
        upload = EncryptedUpload(
            name=self.file_name or "",
            size=file_size,
            path=self.temporary or Path(),
            file_uuid=self.file_uuid,
            digest=self.digest.hexdigest(),
            head=self.buffer.getvalue(),
        )
        self.destination = None
        self.temporary = None
        self.encryptor = None
        return upload

    def upload_interrupted(self) -> None:
        self._discard()
