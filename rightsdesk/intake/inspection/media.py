"""Audio and video: not parsed, only searched for the location phones write into MP4 and
QuickTime files."""

from __future__ import annotations

import re

from rightsdesk.intake.inspection.facts import _Facts, _format_location
from rightsdesk.intake.inspection.vocabulary import _M4A, _MOV, _MP4

# Phones store where a video was shot as an ISO 6709 string ("+52.5200+013.4100/"): in a
# "©xyz" atom, or as the value of an Apple metadata key.
_ISO_MEDIA_TYPES = frozenset((_MP4, _MOV, _M4A))
_XYZ_ATOM = re.compile(rb"\xa9xyz.{4}([+-]\d{1,2}(?:\.\d+)?)([+-]\d{1,3}(?:\.\d+)?)", re.DOTALL)
_APPLE_LOCATION_KEY = b"com.apple.quicktime.location.ISO6709"
_ISO6709 = re.compile(rb"([+-]\d{2}(?:\.\d+)?)([+-]\d{3}(?:\.\d+)?)")
_APPLE_LOCATION_WINDOW = 4096


def _inspect_media(data: bytes, content_type: str) -> _Facts:
    facts = _Facts()
    if content_type not in _ISO_MEDIA_TYPES:
        return facts
    match = _XYZ_ATOM.search(data)
    key = data.find(_APPLE_LOCATION_KEY)
    if key >= 0:
        facts.has_location = True
        match = match or _ISO6709.search(data, key, key + _APPLE_LOCATION_WINDOW)
    if match:
        facts.has_location = True
        facts.add("location", _format_location(float(match[1]), float(match[2])))
    return facts
