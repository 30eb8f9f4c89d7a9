"""The facts a file reveals, made plain: collecting them, formatting places and dates, and
reading XMP packets (which images and PDFs both carry)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from rightsdesk.intake.inspection.safe_xml import _parse_xml
from rightsdesk.intake.inspection.vocabulary import MAX_VALUE_CHARS

# --- Facts -------------------------------------------------------------------------------------


class _Facts:
    """Metadata found so far; the first value found for a key wins (the most reliable source is
    read first), and every value is made plain and short."""

    def __init__(self) -> None:
        self.metadata: dict[str, str] = {}
        self.has_location = False

    def add(self, key: str, value: object) -> None:
        text = _plain(value)
        if text and key not in self.metadata:
            self.metadata[key] = text


def _plain(value: object) -> str:
    """A short single-line string: controls become spaces, and invisible format characters
    (right-to-left overrides, zero-width joiners) are dropped, because they can make a name
    read differently from what it is."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return ""
    kept = []
    for char in value[: MAX_VALUE_CHARS * 4]:
        category = unicodedata.category(char)
        if category == "Cc":
            kept.append(" ")
        elif category not in ("Cf", "Cs"):
            kept.append(char)
    return " ".join("".join(kept).split())[:MAX_VALUE_CHARS]


def _format_location(latitude: float, longitude: float) -> str | None:
    if not (abs(latitude) <= 90 and abs(longitude) <= 180):  # also refuses NaN
        return None
    return f"{_decimal(latitude)}, {_decimal(longitude)}"


def _decimal(degrees: float) -> str:
    return f"{degrees:.6f}".rstrip("0").rstrip(".")


_ISO_DATE = re.compile(
    r"(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?"
)
_PDF_DATE = re.compile(
    r"D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:(Z)|([+-])(\d{2})'?(\d{2})?'?)?"
)


def _iso_date(value: object) -> str:
    """``2024-03-05T14:22:10Z`` as ``2024-03-05 14:22:10 UTC``; anything else unchanged."""
    text = _plain(value)
    match = _ISO_DATE.fullmatch(text)
    if not match:
        return text
    date, time, zone = match.groups()
    suffix = "" if zone is None else " UTC" if zone == "Z" else f" {zone}"
    return f"{date} {time}{suffix}"


def _pdf_date(value: object) -> str:
    """A PDF date (``D:20240305142210+01'00'``) as ``2024-03-05 14:22:10 +01:00``."""
    text = _plain(value)
    match = _PDF_DATE.match(text)
    if not match:
        return text
    year, month, day, hour, minute, second, zulu, sign, zone_hour, zone_minute = match.groups()
    result = "-".join(part for part in (year, month, day) if part)
    if hour:
        result += f" {hour}:{minute or '00'}:{second or '00'}"
    if zulu:
        result += " UTC"
    elif sign:
        result += f" {sign}{zone_hour}:{zone_minute or '00'}"
    return result


def _exif_date(value: object) -> str:
    """EXIF's ``2024:03:05 14:22:10`` as ``2024-03-05 14:22:10``."""
    text = _plain(value)
    if re.fullmatch(r"\d{4}:\d{2}:\d{2}( .*)?", text):
        return text[:10].replace(":", "-") + text[10:]
    return text


# XMP (in JPEG, PNG, WebP and PDF files): RDF properties, as elements or as attributes.
_DC = "{http://purl.org/dc/elements/1.1/}"
_XMP = "{http://ns.adobe.com/xap/1.0/}"
_EXIF_NS = "{http://ns.adobe.com/exif/1.0/}"
_RDF_LI = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}li"
_XMP_PROPERTIES: dict[str, tuple[str, Callable[[object], str]]] = {
    f"{_DC}creator": ("author", _plain),
    f"{_DC}title": ("title", _plain),
    f"{_XMP}CreatorTool": ("software", _plain),
    "{http://ns.adobe.com/pdf/1.3/}Producer": ("software", _plain),
    f"{_EXIF_NS}DateTimeOriginal": ("created", _iso_date),
    f"{_XMP}CreateDate": ("created", _iso_date),
    f"{_XMP}ModifyDate": ("modified", _iso_date),
}
_TIFF_MAKE = "{http://ns.adobe.com/tiff/1.0/}Make"
_TIFF_MODEL = "{http://ns.adobe.com/tiff/1.0/}Model"
_XMP_LATITUDE = f"{_EXIF_NS}GPSLatitude"
_XMP_LONGITUDE = f"{_EXIF_NS}GPSLongitude"
_XMP_OTHER_PROPERTIES = frozenset((_TIFF_MAKE, _TIFF_MODEL, _XMP_LATITUDE, _XMP_LONGITUDE))
_XMP_COORDINATE = re.compile(r"(\d{1,3}),(\d{1,2}(?:\.\d+)?)(?:,(\d{1,2}(?:\.\d+)?))?([NSEW])")


def _xmp_facts(packet: object, facts: _Facts) -> None:
    """Add what an XMP packet says; an XMP packet that does not parse is ignored."""
    if isinstance(packet, str):
        packet = packet.encode("utf-8", "replace")
    root = _parse_xml(packet) if isinstance(packet, bytes) else None
    if root is None:
        return
    found: dict[str, str] = {}
    for element in root.iter():
        for name, value in element.attrib.items():
            found.setdefault(name, value)
        if element.tag in _XMP_PROPERTIES or element.tag in _XMP_OTHER_PROPERTIES:
            texts = [element.text or ""] + [li.text or "" for li in element.iter(_RDF_LI)]
            found.setdefault(element.tag, next((t for t in texts if t.strip()), ""))
    for name, (key, convert) in _XMP_PROPERTIES.items():
        if found.get(name):
            facts.add(key, convert(found[name]))
    facts.add("device", _device(found.get(_TIFF_MAKE), found.get(_TIFF_MODEL), None))
    if _XMP_LATITUDE in found or _XMP_LONGITUDE in found:
        facts.has_location = True
        latitude = _xmp_coordinate(found.get(_XMP_LATITUDE, ""))
        longitude = _xmp_coordinate(found.get(_XMP_LONGITUDE, ""))
        if latitude is not None and longitude is not None:
            facts.add("location", _format_location(latitude, longitude))


def _xmp_coordinate(value: str) -> float | None:
    """XMP writes ``52,31,12N`` or ``52,31.2N`` (degrees, minutes, optional seconds)."""
    match = _XMP_COORDINATE.fullmatch(value.strip())
    if not match:
        return None
    degrees, minutes, seconds, direction = match.groups()
    result = int(degrees) + float(minutes) / 60 + float(seconds or 0) / 3600
    return -result if direction in "SW" else result


def _device(make: object, model: object, serial: object) -> str:
    make_text, model_text, serial_text = _plain(make), _plain(model), _plain(serial)
    if model_text.lower().startswith(make_text.lower()):
        device = model_text  # "Canon" and "Canon EOS 5D" read as "Canon EOS 5D"
    else:
        device = f"{make_text} {model_text}".strip()
    if serial_text:
        device = f"{device}, serial number {serial_text}".lstrip(", ")
    return device
