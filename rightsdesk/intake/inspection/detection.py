"""What is it? The content type of a file, judged from its bytes alone.

Cheap enough for the web process, which uses it to decide whether a file is sent to the child
at all; the child uses it again before choosing a reader.
"""

from __future__ import annotations

import codecs
import io
import re
import struct
import zipfile
import zlib

import puremagic

from rightsdesk.intake.inspection.safe_xml import _XML_MAX_BYTES, _parse_xml
from rightsdesk.intake.inspection.vocabulary import (
    _DOCX,
    _GIF,
    _JPEG,
    _M4A,
    _MOV,
    _MP3,
    _MP4,
    _ODP,
    _ODS,
    _ODT,
    _OGG,
    _PDF,
    _PNG,
    _PPTX,
    _TEXT,
    _WAV,
    _WEBM,
    _WEBP,
    _XLSX,
    ALLOWED_TYPES,
    _Uninspectable,
)

# --- What is it? -------------------------------------------------------------------------------


def detect_type(data: bytes) -> tuple[str | None, str | None]:
    """The content type and kind of ``data`` judged from its bytes alone, or ``(None, None)``.

    The allowed formats are recognised by exact checks of their leading bytes, so a polyglot is
    what its first bytes say (a JPEG with a zip appended is a JPEG, whatever a zip tool makes of
    it). puremagic's table is too loose to admit a file on its own word: it names an ID3 tag
    ``.koz`` before MP3, proposes both WAV and WebP for any ``RIFF``, knows two-byte MPEG sync
    words and only some MP4 brands (not ``mp41``, ``iso5`` or ``dash``). What it is good at is
    the long tail of formats that are refused, so it is asked whether text is really text.

    Cheap enough for the web process: zip files are opened only to read their directory and one
    small member, and text is judged on its first megabyte.
    """
    if not data:
        return None, None
    # A bare MPEG audio frame header is the weakest signature (11 sync bits; a UTF-16 byte order
    # mark is one), so it is tried only once the file is known not to be text.
    content_type = _binary_type(data) or _text_type(data) or _mpeg_frame_type(data)
    if content_type is None:
        return None, None
    return content_type, ALLOWED_TYPES[content_type]


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_EBML_MAGIC = b"\x1a\x45\xdf\xa3"


def _binary_type(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff"):
        return _JPEG
    if data.startswith(_PNG_SIGNATURE):
        return _PNG
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return _GIF
    if data.startswith(b"RIFF"):
        return {b"WEBP": _WEBP, b"WAVE": _WAV}.get(data[8:12])
    if data.startswith(b"%PDF-"):
        return _PDF
    if data.startswith(b"PK\x03\x04"):
        return _zip_document_type(data)
    if data[4:8] == b"ftyp":
        return _iso_media_type(data)
    if data.startswith(_EBML_MAGIC):
        return _webm_type(data)
    if data.startswith(b"OggS"):
        return _ogg_type(data)
    if data.startswith(b"ID3"):
        # ID3v2: major version 2 to 4, and a size of four 7-bit ("syncsafe") bytes.
        valid = len(data) >= 10 and data[3] in (2, 3, 4) and all(b < 0x80 for b in data[6:10])
        return _MP3 if valid else None
    return None


# ISO base media (MP4, QuickTime, M4A, and also HEIF and AVIF pictures) all start with an "ftyp"
# box naming a major brand and compatible brands; the brands tell them apart.
_MOV_BRANDS = frozenset((b"qt  ",))
_M4A_BRANDS = frozenset((b"M4A ", b"M4B ", b"F4A ", b"F4B "))
_MP4_BRANDS = frozenset(
    {b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"dash"}
    | {b"M4V ", b"M4VH", b"M4VP", b"MSNV", b"f4v ", b"mmp4"}
)
_STILL_IMAGE_BRANDS = frozenset((b"mif1", b"msf1", b"heic", b"heix", b"avif", b"avis"))


def _iso_media_type(data: bytes) -> str | None:
    box_size = int.from_bytes(data[:4], "big")
    if not 16 <= box_size <= 4096 or box_size % 4 or len(data) < box_size:
        return None
    major = data[8:12]
    brands = {major} | {data[at : at + 4] for at in range(16, box_size, 4)}
    if major in _MOV_BRANDS:
        return _MOV
    if major in _M4A_BRANDS:
        return _M4A
    if major in _MP4_BRANDS or (brands & _MP4_BRANDS and not brands & _STILL_IMAGE_BRANDS):
        return _MP4
    return None


def _webm_type(data: bytes) -> str | None:
    """WebM is Matroska whose EBML header says DocType "webm"; other Matroska is refused."""
    header = _ebml_number(data, len(_EBML_MAGIC), keep_marker=False)
    if header is None:
        return None
    size, position = header
    end = min(position + size, len(data), 256)
    while position < end:
        element = _ebml_number(data, position, keep_marker=True)
        if element is None:
            return None
        element_id, position = element
        length = _ebml_number(data, position, keep_marker=False)
        if length is None:
            return None
        value_length, position = length
        if element_id == 0x4282:  # DocType
            return _WEBM if data[position : position + value_length] == b"webm" else None
        position += value_length
    return None


def _ebml_number(data: bytes, position: int, *, keep_marker: bool) -> tuple[int, int] | None:
    """The variable-length integer at ``position`` and where it ends, or None if malformed.

    The number of leading zero bits of the first byte gives the length (1 to 8 bytes). Element
    IDs keep the length marker bit; sizes do not.
    """
    if position >= len(data) or data[position] == 0:
        return None
    length = 9 - data[position].bit_length()
    if position + length > len(data):
        return None
    value = int.from_bytes(data[position : position + length], "big")
    if not keep_marker:
        value &= (1 << (7 * length)) - 1
    return value, position + length


_OGG_AUDIO_CODECS = (b"\x01vorbis", b"OpusHead", b"\x7fFLAC", b"Speex   ")


def _ogg_type(data: bytes) -> str | None:
    """Ogg audio, told from Ogg video (Theora) by the codec of the first packet."""
    if len(data) < 28 or data[4] != 0:
        return None
    first_packet = 27 + data[26]
    return _OGG if data[first_packet:].startswith(_OGG_AUDIO_CODECS) else None


def _mpeg_frame_type(data: bytes) -> str | None:
    """MP3 (or MP2) without an ID3 tag starts with a frame header: 11 sync bits, then a
    version, layer, bitrate and sample rate that must not be the reserved values."""
    if len(data) < 4 or data[0] != 0xFF or data[1] & 0xE0 != 0xE0:
        return None
    version, layer = (data[1] >> 3) & 3, (data[1] >> 1) & 3
    bitrate, sample_rate = data[2] >> 4, (data[2] >> 2) & 3
    valid = version != 1 and layer != 0 and bitrate != 15 and sample_rate != 3
    return _MP3 if valid else None


# A zip's directory is read only when it is small: zipfile builds an object per member, and a
# hostile zip can list millions of them in a few megabytes.
_ZIP_MAX_MEMBERS = 20_000
_ZIP_MAX_DIRECTORY_BYTES = 2 * 1024 * 1024
_ZIP_END = struct.Struct("<4s4H2LH")
_ZIP_END_SEARCH = _ZIP_END.size + 0xFFFF
_ODF_MIMETYPE_MAX_BYTES = 200
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    RuntimeError,  # an encrypted member
    NotImplementedError,  # an unsupported compression method
    ValueError,
    struct.error,
)

_ODF_TYPES = frozenset((_ODT, _ODS, _ODP))
_OOXML_MAIN_PARTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": _DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": _XLSX,
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": _PPTX,
}
_CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"


def _zip_document_type(data: bytes) -> str | None:
    """An OOXML or ODF document's content type; None for any other zip.

    Documents with macros (``macroEnabled`` types or a ``vbaProject.bin``) are refused.
    """
    if not _zip_directory_is_small(data):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                return _odf_type(archive, names)
            if "[Content_Types].xml" in names:
                return _ooxml_type(archive, names)
    except (*_ZIP_ERRORS, _Uninspectable):
        return None
    return None


def _zip_directory_is_small(data: bytes) -> bool:
    """Read the end-of-directory record the way zipfile finds it: the last one in the final
    64 KiB. A ZIP64 archive has 0xFFFF members here and is refused, as no office file is one."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - _ZIP_END_SEARCH))
    if end < 0 or len(data) - end < _ZIP_END.size:
        return False
    record = _ZIP_END.unpack_from(data, end)
    members: int = record[4]
    directory_bytes: int = record[5]
    return members <= _ZIP_MAX_MEMBERS and directory_bytes <= _ZIP_MAX_DIRECTORY_BYTES


def _read_member(archive: zipfile.ZipFile, name: str, limit: int) -> bytes | None:
    """A member's bytes (None when absent); never decompresses more than ``limit`` + 1 bytes,
    whatever size the directory declares."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    with archive.open(info) as member:
        content = member.read(limit + 1)
    if len(content) > limit:
        raise _Uninspectable("unreadable")
    return content


def _odf_type(archive: zipfile.ZipFile, names: set[str]) -> str | None:
    mimetype = _read_member(archive, "mimetype", _ODF_MIMETYPE_MAX_BYTES) or b""
    content_type = mimetype.decode("ascii", "replace").strip()
    return content_type if content_type in _ODF_TYPES and "content.xml" in names else None


def _ooxml_type(archive: zipfile.ZipFile, names: set[str]) -> str | None:
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        return None
    root = _parse_xml(_read_member(archive, "[Content_Types].xml", _XML_MAX_BYTES) or b"")
    if root is None or root.tag != f"{_CONTENT_TYPES_NS}Types":
        return None
    lowered = {name.lower() for name in names}
    found: set[str] = set()
    for override in root.iter(f"{_CONTENT_TYPES_NS}Override"):
        part_type = override.get("ContentType", "")
        if "macroenabled" in part_type.lower() or "vbaproject" in part_type.lower():
            return None
        document_type = _OOXML_MAIN_PARTS.get(part_type)
        part = override.get("PartName", "").lstrip("/").lower()
        if document_type and part in lowered:
            found.add(document_type)
    return found.pop() if len(found) == 1 else None


_TEXT_SNIFF_BYTES = 1024 * 1024
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_ALLOWED_CONTROLS_PER_100 = 1
_PUREMAGIC_HEAD = 4096
_PUREMAGIC_CONFIDENT = 0.5
_TEXTUAL_MIME_TYPES = frozenset(("application/json", "application/mbox", ""))
_MARKUP_MIME_TYPES = frozenset(("text/html", "text/xml"))


def _text_type(data: bytes) -> str | None:
    """``text/plain`` for text a person could have typed, judged on its first megabyte.

    Markup is refused even though it is text: a browser sniffs a file that starts with a tag as
    HTML or XML (and SVG runs scripts). :func:`inspect_bytes` decodes the whole file later, in
    the child.
    """
    text = _decode_text(data[:_TEXT_SNIFF_BYTES], final=len(data) <= _TEXT_SNIFF_BYTES)
    if text is None or not text.strip() or text.lstrip().startswith("<"):
        return None
    if _named_as_non_text(data[:_PUREMAGIC_HEAD]):
        return None
    return _TEXT


def _decode_text(data: bytes, *, final: bool = True) -> str | None:
    """UTF-8 (with or without a byte order mark) or UTF-16 with one; None if it is neither, or
    holds a NUL or more than one other control character in a hundred."""
    encoding = "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
    try:
        text = codecs.getincrementaldecoder(encoding)().decode(data, final=final)
    except UnicodeDecodeError:
        return None
    if "\x00" in text:
        return None
    allowed = len(text) * _ALLOWED_CONTROLS_PER_100 // 100
    for count, _ in enumerate(_CONTROL_CHARACTERS.finditer(text), start=1):
        if count > allowed:
            return None
    return text


def _named_as_non_text(head: bytes) -> bool:
    """Whether puremagic confidently names the start of this text as a format that is not plain
    text (RTF, PostScript, HTML, ...). Mail and source code are text, and stay allowed."""
    try:
        matches = puremagic.magic_string(head)
    except (puremagic.PureError, ValueError):
        return False
    for match in matches:
        mime_type = match.mime_type or ""
        textual = mime_type in _TEXTUAL_MIME_TYPES or (
            mime_type.startswith(("text/", "message/")) and mime_type not in _MARKUP_MIME_TYPES
        )
        if match.offset >= 0 and match.confidence >= _PUREMAGIC_CONFIDENT and not textual:
            return True
    return False
