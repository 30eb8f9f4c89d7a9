"""``python -m rightsdesk footprint``: what a wiki user page reveals, from the command line.

Like the web page, it stores nothing: the pages are read, analysed and forgotten.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from rightsdesk.safety.footprint.analyse import analyse_wikitext
from rightsdesk.safety.footprint.findings import Finding, Severity
from rightsdesk.safety.footprint.report import check_user
from rightsdesk.safety.footprint.wiki import (
    HostNotAllowed,
    InvalidUsername,
    UnknownUser,
    WikiUnavailable,
)


class Command(BaseCommand):
    help = (
        "Report what a wiki user page and user talk page, or a file of wikitext, reveal about "
        "the person: photos, location, age, school, employer, contact details, linked accounts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", metavar="NAME", help="the user name on the wiki")
        parser.add_argument(
            "--wiki", metavar="HOST", help="the wiki of the account, such as fa.wikipedia.org"
        )
        parser.add_argument(
            "--wikitext",
            metavar="FILE",
            help="read wikitext from FILE (UTF-8; '-' for standard input) instead of a wiki",
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help="print the findings as a JSON list of objects with kind, severity, evidence, "
            "lesson and source",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user, wiki, path = options["user"], options["wiki"], options["wikitext"]
        if path is not None and (user or wiki):
            raise CommandError(_("Give either --wikitext or --user and --wiki, not both."))
        if path is not None:
            findings = analyse_wikitext(self._read(path), username=user or "")
        elif user and wiki:
            findings = self._check_user(user, wiki)
        else:
            raise CommandError(_("Give --user NAME and --wiki HOST, or --wikitext FILE."))
        if options["json"]:
            self.stdout.write(
                json.dumps([finding.as_dict() for finding in findings], ensure_ascii=False)
            )
        else:
            self._print(findings)

    def _read(self, path: str) -> str:
        try:
            if path == "-":
                return sys.stdin.read()
            return Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else error
            raise CommandError(
                _("Cannot read %(path)s: %(reason)s") % {"path": path, "reason": reason},
                returncode=1,
            ) from None

    def _check_user(self, user: str, wiki: str) -> list[Finding]:
        try:
            return check_user(user, wiki).findings
        except (HostNotAllowed, InvalidUsername) as error:
            raise CommandError(str(error), returncode=1) from None
        except UnknownUser:
            raise CommandError(
                _("There is no user named %(user)s on %(wiki)s.") % {"user": user, "wiki": wiki},
                returncode=1,
            ) from None
        except WikiUnavailable as error:
            raise CommandError(
                _(
                    "%(wiki)s did not answer (%(reason)s). Nothing was checked; try again in a "
                    "few minutes."
                )
                % {"wiki": wiki, "reason": error.reason},
                returncode=1,
            ) from None

    def _print(self, findings: list[Finding]) -> None:
        for finding in findings:
            where = f"  [{finding.source}]" if finding.source else ""
            self.stdout.write(
                f"{finding.severity.upper():<6}  {finding.kind:<13}  {finding.evidence}{where}"
            )
        counts = Counter(finding.severity for finding in findings)
        if not findings:
            self.stdout.write(_("Nothing found that reveals the person."))
            return
        self.stdout.write(
            _("%(total)d finding(s): %(high)d high, %(medium)d medium, %(low)d low.")
            % {
                "total": len(findings),
                "high": counts[Severity.HIGH],
                "medium": counts[Severity.MEDIUM],
                "low": counts[Severity.LOW],
            }
        )
