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

# The lesson to read for each kind of finding. The keys name lessons of the digital safety
# centre; until those exist, the web page links every finding to the digital safety page.
LESSONS: dict[str, str] = {
    "photo": "user-page",
    "language_box": "user-page",
    "real_name": "user-page",
    "location": "doxxing",
    "coordinates": "doxxing",
    "email": "doxxing",
    "phone": "doxxing",
    "school": "doxxing",
    "employer": "doxxing",
    "age": "doxxing",
    "social_media": "tracking",
    "personal_site": "tracking",
    "religion": "sensitive-topics",
    "politics": "sensitive-topics",
    "same_username": "accounts",
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
        lesson=LESSONS.get(kind, "user-page"),
        source=source,
    )
