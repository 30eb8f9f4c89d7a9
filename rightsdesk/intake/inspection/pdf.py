"""PDFs through pikepdf (qpdf): reading the document information and XMP, and rewriting the
file without them. pikepdf is imported only when a PDF needs it."""

from __future__ import annotations

import io
import warnings
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rightsdesk.intake.inspection.facts import _Facts, _pdf_date, _plain, _xmp_facts
from rightsdesk.intake.inspection.vocabulary import _Uninspectable

if TYPE_CHECKING:
    import pikepdf

_PDF_END_WINDOW = 1024


def _require_pdf_end(data: bytes) -> None:
    """A PDF ends with ``%%EOF``; without it the file was cut short. qpdf would "recover" much
    of such a file, but what a truncated file says about itself is not worth reporting."""
    if b"%%EOF" not in data[-_PDF_END_WINDOW:]:
        raise _Uninspectable("truncated")


@contextmanager
def _reading_pdf() -> Iterator[None]:
    """pikepdf's errors as :class:`_Uninspectable`, its warnings silenced.

    Besides its own exceptions (a password is one), qpdf's internal errors surface as
    ``RuntimeError``, malformed objects as ``ValueError``, ``TypeError`` or ``KeyError``, and a
    missing key read as an attribute (``pdf.Root``) as ``AttributeError``.
    """
    import pikepdf

    pdf_errors = (pikepdf.PikepdfError, RuntimeError, ValueError, TypeError, KeyError)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            yield
        except (*pdf_errors, AttributeError) as error:
            raise _Uninspectable("unreadable") from error


_XMP_MAX_BYTES = 1024 * 1024


def _inspect_pdf(data: bytes, _content_type: str) -> _Facts:
    import pikepdf

    _require_pdf_end(data)
    facts = _Facts()
    with _reading_pdf(), pikepdf.open(io.BytesIO(data)) as pdf:
        info = pdf.trailer.get("/Info")
        if isinstance(info, pikepdf.Dictionary):
            facts.add("author", _pdf_text(info.get("/Author")))
            facts.add("title", _pdf_text(info.get("/Title")))
            tools = [_pdf_text(info.get("/Creator")), _pdf_text(info.get("/Producer"))]
            facts.add("software", "; ".join(dict.fromkeys(tool for tool in tools if tool)))
            facts.add("created", _pdf_date(_pdf_text(info.get("/CreationDate"))))
            facts.add("modified", _pdf_date(_pdf_text(info.get("/ModDate"))))
        _xmp_facts(_pdf_xmp_packet(pdf), facts)
    return facts


def _pdf_text(value: object) -> str:
    import pikepdf

    return _plain(str(value)) if isinstance(value, pikepdf.String) else ""


def _pdf_xmp_packet(pdf: pikepdf.Pdf) -> bytes | None:
    """The document's XMP packet when it is cheap to get: stored as is (the usual way, so that
    tools unaware of PDF can find it) or deflated, never more than 1 MiB once inflated."""
    import pikepdf

    stream = pdf.Root.get("/Metadata")
    if not isinstance(stream, pikepdf.Stream):
        return None
    filters = stream.get("/Filter")
    if isinstance(filters, pikepdf.Array) and len(filters) == 1:
        filters = filters[0]
    raw: bytes = stream.read_raw_bytes()
    if filters is None:
        packet = raw
    elif filters == pikepdf.Name.FlateDecode:
        try:
            packet = zlib.decompressobj().decompress(raw, _XMP_MAX_BYTES + 1)
        except zlib.error:
            return None
    else:
        return None
    return packet if len(packet) <= _XMP_MAX_BYTES else None


def _strip_pdf(data: bytes) -> bytes:
    """Rewrite the PDF without its document information dictionary, its XMP streams (document
    and pages) and its file identifier, which could link the copy to the original.

    qpdf writes only the objects still referenced, so the removed metadata is not left behind
    as unreferenced objects or earlier revisions. Pictures inside the PDF keep their own EXIF.
    """
    import pikepdf

    _require_pdf_end(data)
    output = io.BytesIO()
    with _reading_pdf(), pikepdf.open(io.BytesIO(data)) as pdf:
        for key in ("/Info", "/ID"):
            if key in pdf.trailer:
                del pdf.trailer[key]
        for dictionary in (pdf.Root, *(page.obj for page in pdf.pages)):
            for key in ("/Metadata", "/PieceInfo"):
                if key in dictionary:
                    del dictionary[key]
        pdf.save(output, fix_metadata_version=False)
    return output.getvalue()
