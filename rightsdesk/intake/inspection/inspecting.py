"""Inspecting and stripping a file in this process: detect its type, then hand it to the
reader (or stripper) for its kind. Uploads reach this only inside the child (see :mod:`.child`)."""

from __future__ import annotations

from collections.abc import Callable

from rightsdesk.intake.inspection.detection import _decode_text, detect_type
from rightsdesk.intake.inspection.facts import _Facts
from rightsdesk.intake.inspection.images import _inspect_image, _strip_image
from rightsdesk.intake.inspection.media import _inspect_media
from rightsdesk.intake.inspection.office import _inspect_office
from rightsdesk.intake.inspection.pdf import _inspect_pdf, _strip_pdf
from rightsdesk.intake.inspection.vocabulary import Inspection, _Uninspectable

# --- Inspecting --------------------------------------------------------------------------------


def inspect_bytes(data: bytes) -> Inspection:
    """Inspect ``data`` in this process. For uploads use :func:`inspect_in_child`.

    Images and PDFs are parsed for metadata; office documents have their document properties
    read. Text, audio and video are not parsed (only MP4 and QuickTime files are searched for
    the location atom phones write), so an empty report for them means "nothing found by a
    quick look", not "nothing there". Office files are not searched for the pictures they
    embed, whose own EXIF may hold a location.
    """
    content_type, kind = detect_type(data)
    if content_type is None or kind is None:
        return Inspection(None, None, False, "unknown_type")
    try:
        facts = _INSPECTORS[kind](data, content_type)
    except _Uninspectable as failure:
        return Inspection(content_type, kind, False, failure.problem)
    return Inspection(content_type, kind, True, "", facts.metadata, facts.has_location)


def _inspect_text(data: bytes, _content_type: str) -> _Facts:
    """:func:`detect_type` judged the first megabyte; here the whole file must be text."""
    if _decode_text(data) is None:
        raise _Uninspectable("unreadable")
    return _Facts()


_INSPECTORS: dict[str, Callable[[bytes, str], _Facts]] = {
    "image": _inspect_image,
    "pdf": _inspect_pdf,
    "office": _inspect_office,
    "text": _inspect_text,
    "audio": _inspect_media,
    "video": _inspect_media,
}


# --- Stripping ---------------------------------------------------------------------------------


def strip_metadata(data: bytes) -> bytes | None:
    """A copy of an image or PDF without its metadata, in this process; None when that cannot
    be done. For uploads use :func:`strip_metadata_in_child`."""
    content_type, kind = detect_type(data)
    try:
        if content_type and kind == "image":
            return _strip_image(data, content_type)
        if kind == "pdf":
            return _strip_pdf(data)
    except _Uninspectable:
        return None
    return None
