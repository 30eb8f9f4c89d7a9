"""Receiving evidence files without ever writing them to disk in the clear.

Django would spool a large upload to a plaintext temporary file. This handler keeps each file in
memory instead, up to the per-file limit, and drops a file that is larger (remembering its name,
so the page can say which file and what the limit is) while the rest of the form still arrives.
"""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile


class BoundedMemoryUploadHandler(FileUploadHandler):
    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.buffer = io.BytesIO()
        self.skipping = False

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()
        self.skipping = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if self.buffer.tell() + len(raw_data) > settings.MAX_EVIDENCE_FILE_BYTES:
            if self.request is not None:
                too_large: list[str] = getattr(self.request, "uploads_too_large", [])
                too_large.append(self.file_name or "")
                setattr(self.request, "uploads_too_large", too_large)  # noqa: B010
            self.buffer = io.BytesIO()
            raise SkipFile
        self.buffer.write(raw_data)
        return None

    def file_complete(self, file_size: int) -> InMemoryUploadedFile | None:
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
