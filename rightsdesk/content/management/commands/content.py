from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rightsdesk.content.sync import SyncFailed, content_directory, content_sync


class Command(BaseCommand):
    help = "Work with the public pages kept in the repository's content/ tree."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        sync = actions.add_parser(
            "sync",
            help="load the changed pages and translations into the database",
            description=(
                "Load the changed pages (<language>/<slug>.md) and translations "
                "(<language>/<slug>.po) of the content tree, all or nothing: any problem in any "
                "file is reported and nothing is changed. Blocks without a <!--T:n--> marker are "
                "numbered and the markers written into their files."
            ),
        )
        sync.add_argument(
            "--check",
            action="store_true",
            help=(
                "only report what would change and write nothing; exit 1 when a file has a "
                "problem or a block has no marker"
            ),
        )
        sync.add_argument(
            "--force",
            action="store_true",
            help="also load pages edited on the site since their last sync, replacing those edits",
        )
        sync.add_argument(
            "--dir",
            type=Path,
            default=None,
            metavar="PATH",
            help="the content tree to read (default: RIGHTSDESK_CONTENT_DIR, else content/)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # "sync" is the only action; argparse refuses anything else.
        directory = options["dir"] or content_directory()
        check = options["check"]
        try:
            report = content_sync(directory=directory, force=options["force"], dry_run=check)
        except SyncFailed as failure:
            for error in failure.errors:
                self.stderr.write(error)
            raise CommandError(
                f"{len(failure.errors)} problem(s) in {directory}; nothing was changed.",
                returncode=1,
            ) from None
        verbose = options["verbosity"] > 0
        if verbose:
            for line in report.changes:
                self.stdout.write(line)
            for notice in report.notices:
                self.stdout.write(f"Notice: {notice}")
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(f"Warning: {warning}"))
        if check:
            for line in report.unmarked:
                self.stderr.write(line)
        if verbose:
            self.stdout.write(report.summary)
        if check and report.unmarked:
            raise CommandError(
                f"{len(report.unmarked)} block(s) have no <!--T:n--> marker: run "
                "`content sync` to write them, and commit the files.",
                returncode=1,
            )
