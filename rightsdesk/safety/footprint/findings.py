"""What the footprint check reports: one ``Finding`` per thing on a page that reveals the person."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

EVIDENCE_LIMIT = 200


class Severity(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


SEVERITY_ORDER = {Severity.HIGH: 0, Severity.MEDIUM: 1, Severity.LOW: 2}

# The lesson to read for each kind of finding, by its slug in the digital safety centre.
LESSONS: dict[str, str] = {
    "photo": "user-page-beginner",
    "language_box": "user-page-beginner",
    "real_name": "user-page-beginner",
    "social_media": "user-page-beginner",
    "personal_site": "user-page-beginner",
    "location": "doxxing-beginner",
    "coordinates": "doxxing-beginner",
    "email": "doxxing-beginner",
    "phone": "doxxing-beginner",
    "school": "doxxing-beginner",
    "employer": "doxxing-beginner",
    "age": "doxxing-beginner",
    "religion": "sensitive-topics-beginner",
    "politics": "sensitive-topics-beginner",
    "same_username": "user-page-intermediate",
}


def trim_evidence(text: str) -> str:
    """Collapse whitespace and cut to ``EVIDENCE_LIMIT`` characters, marking the cut."""
    text = " ".join(text.split())
    if len(text) <= EVIDENCE_LIMIT:
        return text
    return text[: EVIDENCE_LIMIT - 1] + "…"


@dataclass(frozen=True)
class Finding:
    kind: str
    severity: Severity
    evidence: str
    lesson: str
    source: str = ""

    def as_dict(self) -> dict[str, str]:
        return {
            "kind": self.kind,
            "severity": str(self.severity),
            "evidence": self.evidence,
            "lesson": self.lesson,
            "source": self.source,
        }


def make_finding(kind: str, severity: Severity, evidence: str, *, source: str = "") -> Finding:
    """A finding with its evidence trimmed and the lesson that belongs to its kind."""
    return Finding(
        kind=kind,
        severity=severity,
        evidence=trim_evidence(evidence),
        lesson=LESSONS.get(kind, "user-page-beginner"),
        source=source,
    )
