"""The responses that hand a member something decrypted from a case: an evidence file, or an
encrypted export of the whole case. Pages and the staff API answer with the same ones."""

from __future__ import annotations

from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header

from rightsdesk.cases.export import ExportedArchive

# Files come from strangers: nothing handed out here may run or render in rightsdesk's origin.
DOWNLOAD_POLICY = "default-src 'none'; sandbox"


def _sandboxed(response: HttpResponseBase) -> HttpResponseBase:
    response["Content-Security-Policy"] = DOWNLOAD_POLICY
    response["X-Content-Type-Options"] = "nosniff"
    return response


def evidence_download(content: bytes, name: str) -> HttpResponseBase:
    """A decrypted evidence file, always as an attachment of an opaque type."""
    response = HttpResponse(content, content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, name)
    return _sandboxed(response)


def archive_download(exported: ExportedArchive) -> HttpResponseBase:
    """An encrypted case export, streamed from its temporary file."""
    response = FileResponse(
        exported.file,
        as_attachment=True,
        filename=exported.filename,
        content_type="application/octet-stream",
    )
    response["Content-Length"] = str(exported.size)
    return _sandboxed(response)
