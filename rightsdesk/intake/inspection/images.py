"""Images (JPEG, PNG, GIF, WebP) through Pillow: reading their EXIF, text chunks and XMP, and
re-encoding them without any of it. Pillow is imported only when an image needs it."""

from __future__ import annotations

import io
import math
import struct
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from rightsdesk.intake.inspection.facts import (
    _device,
    _exif_date,
    _Facts,
    _format_location,
    _plain,
    _xmp_facts,
)
from rightsdesk.intake.inspection.vocabulary import _GIF, _JPEG, _PNG, _WEBP, _Uninspectable

if TYPE_CHECKING:
    from PIL import Image as PILImage
    from PIL import ImageFile

MAX_IMAGE_PIXELS = 50_000_000
"""Larger images are not decoded: a small file can declare a huge canvas (a decompression bomb),
and 50 megapixels is beyond any phone camera or screenshot a reporter would send."""

_ImageInfo = dict[str | tuple[int, int], Any]
"""The type of Pillow's ``Image.info``."""

_PILLOW_FORMATS = {_JPEG: "JPEG", _PNG: "PNG", _GIF: "GIF", _WEBP: "WEBP"}
# What Pillow's decoders raise on malformed input, beyond the OSError it documents: verify()
# raises SyntaxError, and the EXIF and chunk parsers let struct, index and arithmetic errors out.
_IMAGE_ERRORS = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    struct.error,
    IndexError,
    KeyError,
    TypeError,
    ZeroDivisionError,
    OverflowError,
)


@contextmanager
def _reading_image() -> Iterator[None]:
    """Pillow's errors as :class:`_Uninspectable`; its warnings silenced, except the
    decompression bomb warning, which becomes an error."""
    from PIL import Image

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            yield
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise _Uninspectable("image_too_large") from error
        except _IMAGE_ERRORS as error:
            truncated = isinstance(error, EOFError) or "truncated" in str(error).lower()
            raise _Uninspectable("truncated" if truncated else "unreadable") from error


def _open_image(data: bytes, content_type: str) -> ImageFile.ImageFile:
    """Open with the one Pillow plugin for the detected type (no other decoder is reachable),
    refusing canvases over :data:`MAX_IMAGE_PIXELS` before any pixel is decoded."""
    from PIL import Image

    image = Image.open(io.BytesIO(data), formats=[_PILLOW_FORMATS[content_type]])
    width, height = image.size
    if width * height > MAX_IMAGE_PIXELS:
        image.close()
        raise _Uninspectable("image_too_large")
    return image


# EXIF tags, by the numbers the EXIF standard gives them.
_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
_MAKE, _MODEL, _SOFTWARE, _DATE_TIME, _ARTIST = 0x010F, 0x0110, 0x0131, 0x0132, 0x013B
_DATE_TIME_ORIGINAL, _DATE_TIME_DIGITIZED = 0x9003, 0x9004
_CAMERA_OWNER, _BODY_SERIAL = 0xA430, 0xA431
_GPS_LATITUDE_REF, _GPS_LATITUDE, _GPS_LONGITUDE_REF, _GPS_LONGITUDE = 1, 2, 3, 4
_PNG_TEXT_KEYS = {
    "author": "author",
    "software": "software",
    "creation time": "created",
    "title": "title",
    "source": "device",
}


def _inspect_image(data: bytes, content_type: str) -> _Facts:
    facts = _Facts()
    with _reading_image():
        # verify() checks the structure (and PNG checksums) without decoding; it leaves the
        # image unusable, hence the second open. load() then decodes every pixel of the first
        # frame, which is what finds a file cut short.
        with _open_image(data, content_type) as image:
            image.verify()
        with _open_image(data, content_type) as image:
            image.load()
            _exif_facts(image.getexif(), facts)
            _text_chunk_facts(image.info, facts)
            _xmp_facts(image.info.get("xmp") or image.info.get("XML:com.adobe.xmp"), facts)
    return facts


def _exif_facts(exif: PILImage.Exif, facts: _Facts) -> None:
    base = dict(exif)
    details = dict(exif.get_ifd(_EXIF_IFD))
    facts.add("device", _device(base.get(_MAKE), base.get(_MODEL), details.get(_BODY_SERIAL)))
    facts.add("author", _plain(base.get(_ARTIST)) or details.get(_CAMERA_OWNER))
    facts.add("software", base.get(_SOFTWARE))
    created = (
        details.get(_DATE_TIME_ORIGINAL)
        or details.get(_DATE_TIME_DIGITIZED)
        or base.get(_DATE_TIME)
    )
    facts.add("created", _exif_date(created))
    gps = dict(exif.get_ifd(_GPS_IFD))
    if _GPS_LATITUDE in gps or _GPS_LONGITUDE in gps:
        facts.has_location = True
        latitude = _degrees(gps.get(_GPS_LATITUDE), gps.get(_GPS_LATITUDE_REF))
        longitude = _degrees(gps.get(_GPS_LONGITUDE), gps.get(_GPS_LONGITUDE_REF))
        if latitude is not None and longitude is not None:
            facts.add("location", _format_location(latitude, longitude))


def _degrees(value: object, reference: object) -> float | None:
    """EXIF degrees, minutes, seconds (rationals) and N/S/E/W as signed decimal degrees."""
    if not isinstance(value, tuple | list) or not 1 <= len(value) <= 3:
        return None
    try:
        degrees = sum(float(part) / 60.0**index for index, part in enumerate(value))
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        return None
    if not math.isfinite(degrees):
        return None
    return -degrees if _plain(reference).upper() in ("S", "W") else degrees


def _text_chunk_facts(info: _ImageInfo, facts: _Facts) -> None:
    """PNG text chunks (tEXt, zTXt, iTXt), which Pillow puts in ``info`` by keyword."""
    for name, value in info.items():
        key = _PNG_TEXT_KEYS.get(name.lower()) if isinstance(name, str) else None
        if key:
            facts.add(key, value)


# Image properties that change how the picture looks, and so survive stripping. The ICC
# profile names a colour space (sRGB, Display P3), not a person or a device one can trace.
_KEPT_IMAGE_INFO = ("transparency", "duration", "loop", "background", "dpi")


def _kept_info(info: _ImageInfo) -> _ImageInfo:
    return {key: info[key] for key in _KEPT_IMAGE_INFO if key in info}


def _strip_image(data: bytes, content_type: str) -> bytes:
    """Re-encode the pixels only: no EXIF, XMP, comments or text chunks reach the copy.

    The EXIF orientation is applied to the pixels first, so the picture still stands the right
    way up once the tag that said how to turn it is gone. JPEGs are saved at quality 95.
    """
    from PIL import ImageOps, ImageSequence

    pillow_format = _PILLOW_FORMATS[content_type]
    options: dict[str, Any] = {"quality": 95} if pillow_format in ("JPEG", "WEBP") else {}
    output = io.BytesIO()
    with _reading_image(), _open_image(data, content_type) as image:
        image.load()
        if image.info.get("icc_profile"):
            options["icc_profile"] = image.info["icc_profile"]
        kept = _kept_info(image.info)
        # Animated GIF and WebP keep their frames. A JPEG with several (MPO: phones store a
        # depth map or a preview there, with EXIF of its own) keeps only the picture itself.
        if pillow_format in ("GIF", "WEBP") and getattr(image, "n_frames", 1) > 1:
            frames = []
            for frame in ImageSequence.Iterator(image):
                copy = frame.copy()
                copy.info = _kept_info(frame.info)
                frames.append(copy)
            if "loop" in kept:  # absent means "play once"
                options["loop"] = kept["loop"]
            durations = [frame.info.get("duration", 100) for frame in frames]
            frames[0].save(
                output,
                pillow_format,
                save_all=True,
                append_images=frames[1:],
                duration=durations,
                **options,
            )
        else:
            clean = ImageOps.exif_transpose(image)
            clean.info = kept
            clean.save(output, pillow_format, **options)
    return output.getvalue()
