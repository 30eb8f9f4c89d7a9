from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from rightsdesk.cases.retention import RetentionReport, retention_run


class Command(BaseCommand):
    help = (
        "Apply the retention rules: warn of coming purges and crypto-shred the cases that are "
        "due. Prints counts and case references only, never content."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        run = actions.add_parser(
            "run",
            help="warn and purge what is due now",
            description="Warn and purge what is due now (the worker also does this on its own).",
        )
        run.add_argument(
            "--dry-run",
            action="store_true",
            help="only list what would be warned and purged; change nothing",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = retention_run(dry_run=options["dry_run"])
        self.stdout.write(
            f"Retention: cases are purged {settings.RETENTION_DAYS} days after they closed, "
            f"with a warning {settings.RETENTION_WARNING_DAYS} days before; "
            "a legal hold pauses both."
        )
        self._list(report, "warn", "warned", report.warned)
        self._list(report, "purge", "purged", report.purged)
        if report.dry_run:
            self.stdout.write("Dry run: nothing was changed.")

    def _list(self, report: RetentionReport, verb: str, done: str, references: list[str]) -> None:
        heading = f"Would {verb}" if report.dry_run else done.capitalize()
        self.stdout.write(f"{heading}: {len(references)} case(s)")
        for reference in references:
            self.stdout.write(f"  {reference}")
