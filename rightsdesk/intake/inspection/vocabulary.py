"""The vocabulary of inspection: the allowed content types and kinds, the problem codes, the
metadata keys, and :class:`Inspection`, the report a caller gets back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

KINDS = ("image", "pdf", "text", "office", "audio", "video")

_JPEG = "image/jpeg"
_PNG = "image/png"
_GIF = "image/gif"
_WEBP = "image/webp"
_PDF = "application/pdf"
_TEXT = "text/plain"
_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
_ODT = "application/vnd.oasis.opendocument.text"
_ODS = "application/vnd.oasis.opendocument.spreadsheet"
_ODP = "application/vnd.oasis.opendocument.presentation"
_MP3 = "audio/mpeg"
_OGG = "audio/ogg"
_M4A = "audio/mp4"
_WAV = "audio/wav"
_MP4 = "video/mp4"
_WEBM = "video/webm"
_MOV = "video/quicktime"

ALLOWED_TYPES: dict[str, str] = {
    _JPEG: "image",
    _PNG: "image",
    _GIF: "image",
    _WEBP: "image",
    _PDF: "pdf",
    _TEXT: "text",
    _DOCX: "office",
    _XLSX: "office",
    _PPTX: "office",
    _ODT: "office",
    _ODS: "office",
    _ODP: "office",
    _MP3: "audio",
    _OGG: "audio",
    _M4A: "audio",
    _WAV: "audio",
    _MP4: "video",
    _WEBM: "video",
    _MOV: "video",
}
"""Content type -> kind. Each content type is the one name :func:`detect_type` gives the format."""

PROBLEMS = (
    "unknown_type",
    "truncated",
    "image_too_large",
    "unreadable",
    "timeout",
    "out_of_memory",
    "crashed",
    "too_large_to_inspect",
)
"""The stable codes of :attr:`Inspection.problem`; the interface translates them."""

METADATA_KEYS = ("location", "device", "author", "software", "created", "modified", "title")
MAX_VALUE_CHARS = 300


@dataclass(frozen=True)
class Inspection:
    """What inspecting one file found; safe to store (plain JSON through :meth:`to_dict`).

    ``inspected`` is False exactly when ``problem`` names why: the file is then kept as opaque
    evidence that "could not be inspected", and no fact about it is claimed. ``has_location`` may
    be True without a ``location`` value when coordinates are present but not readable.
    """

    content_type: str | None
    kind: str | None
    inspected: bool
    problem: str = ""
    metadata: dict[str, str] = field(default_factory=dict)
    has_location: bool = False

    def __post_init__(self) -> None:
        if self.content_type is not None and self.content_type not in ALLOWED_TYPES:
            raise ValueError(f"{self.content_type!r} is not an allowed content type")
        expected_kind = ALLOWED_TYPES[self.content_type] if self.content_type else None
        if self.kind != expected_kind:
            raise ValueError(f"kind {self.kind!r} does not match {self.content_type!r}")
        if self.problem and self.problem not in PROBLEMS:
            raise ValueError(f"unknown problem code {self.problem!r}")
        if self.inspected == bool(self.problem):
            raise ValueError("a file is inspected exactly when there is no problem")
        if (self.content_type is None) != (self.problem == "unknown_type"):
            raise ValueError("only a file of unknown type has no content type")
        if not self.inspected and (self.metadata or self.has_location):
            raise ValueError("a file that was not inspected has no known facts")
        for key, value in self.metadata.items():
            if key not in METADATA_KEYS:
                raise ValueError(f"unknown metadata key {key!r}")
            if not isinstance(value, str) or len(value) > MAX_VALUE_CHARS:
                raise ValueError(f"metadata {key!r} must be a string of at most 300 characters")
        # A private copy: the dataclass is frozen, the caller's dict is not.
        object.__setattr__(self, "metadata", dict(self.metadata))

    def to_dict(self) -> dict[str, object]:
        return {
            "content_type": self.content_type,
            "kind": self.kind,
            "inspected": self.inspected,
            "problem": self.problem,
            "metadata": dict(self.metadata),
            "has_location": self.has_location,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Inspection:
        """The inverse of :meth:`to_dict`; raises ``ValueError`` for anything it did not write.

        Strict on purpose: the child that produced the JSON parsed a hostile file and may have
        been subverted, so nothing it says is taken on trust.
        """
        if not isinstance(data, Mapping) or set(data) != _INSPECTION_FIELDS:
            raise ValueError("not a serialised Inspection")
        content_type, kind = data["content_type"], data["kind"]
        inspected, problem = data["inspected"], data["problem"]
        metadata, has_location = data["metadata"], data["has_location"]
        if not (content_type is None or isinstance(content_type, str)):
            raise ValueError("content_type must be a string or null")
        if not (kind is None or isinstance(kind, str)):
            raise ValueError("kind must be a string or null")
        if not isinstance(inspected, bool) or not isinstance(has_location, bool):
            raise ValueError("inspected and has_location must be booleans")
        if not isinstance(problem, str):
            raise ValueError("problem must be a string")
        if not isinstance(metadata, dict) or not all(isinstance(k, str) for k in metadata):
            raise ValueError("metadata must be an object")
        return cls(content_type, kind, inspected, problem, dict(metadata), has_location)


_INSPECTION_FIELDS = frozenset(
    ("content_type", "kind", "inspected", "problem", "metadata", "has_location")
)


class _Uninspectable(Exception):
    """The file cannot be inspected (or stripped); ``problem`` is one of :data:`PROBLEMS`."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem
