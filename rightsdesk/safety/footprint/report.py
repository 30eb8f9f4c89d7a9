"""A footprint report: what a user's pages, or a pasted text, reveal about the person.

Nothing here keeps anything: the pages are fetched, read and forgotten with the report.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rightsdesk.safety.footprint.analyse import analyse_wikitext
from rightsdesk.safety.footprint.findings import (
    SEVERITY_ORDER,
    Finding,
    Severity,
    make_finding,
)
from rightsdesk.safety.footprint.wiki import WikiClient

SAME_USERNAME = "same_username"


@dataclass(frozen=True)
class FootprintReport:
    findings: list[Finding]
    wikis_checked: list[str] = field(default_factory=list)
    other_wikis: list[str] = field(default_factory=list)

    @property
    def page_findings(self) -> list[Finding]:
        """The findings from the pages themselves, without the other wikis' accounts."""
        return [finding for finding in self.findings if finding.kind != SAME_USERNAME]

    def by_severity(self) -> list[tuple[Severity, list[Finding]]]:
        """The page findings grouped by severity, most severe first; empty groups left out."""
        groups = [
            (severity, [f for f in self.page_findings if f.severity == severity])
            for severity in sorted(Severity, key=SEVERITY_ORDER.__getitem__)
        ]
        return [(severity, findings) for severity, findings in groups if findings]


def check_user(username: str, host: str, *, client: WikiClient | None = None) -> FootprintReport:
    """Reads the user page and user talk page on ``host`` and the other wikis of the account.

    Raises ``UnknownUser`` or ``WikiUnavailable`` (from ``wiki``).
    """
    client = client or WikiClient(host)
    pages = client.fetch(username)
    findings: list[Finding] = []
    for text, source in (
        (pages.user_page, f"User:{pages.username}"),
        (pages.talk_page, f"User talk:{pages.username}"),
    ):
        if text is not None:
            findings += analyse_wikitext(
                text,
                username=pages.username,
                image_namespaces=pages.image_namespaces,
                source=source,
            )
    other_wikis = client.other_wikis(pages.username)
    findings += [
        make_finding(SAME_USERNAME, Severity.LOW, pages.username, source=other)
        for other in other_wikis
    ]
    findings.sort(key=lambda finding: SEVERITY_ORDER[finding.severity])
    return FootprintReport(findings=findings, wikis_checked=[pages.host], other_wikis=other_wikis)


def check_wikitext(text: str, username: str = "") -> FootprintReport:
    """Reads pasted wikitext; the user name, when given, lets a matching real name be found."""
    return FootprintReport(findings=analyse_wikitext(text, username=username))
