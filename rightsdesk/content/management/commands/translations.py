from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rightsdesk.content.models import Page
from rightsdesk.content.po import catalogue_exported_at, export_catalogue, import_catalogue
from rightsdesk.content.services import shipped_languages


class Command(BaseCommand):
    help = "Export or import the translations of the public pages as gettext PO catalogues."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        export = actions.add_parser(
            "export",
            help="write one language's translations as a PO catalogue",
            description=(
                "Write the translations of every page (or of the pages named with --page) into "
                "one language as a PO catalogue: msgctxt is the unit id, outdated translations "
                "are marked fuzzy with the source they were made from."
            ),
        )
        export.add_argument("--language", required=True, choices=shipped_languages())
        export.add_argument(
            "--page",
            action="append",
            default=[],
            metavar="SLUG",
            help="only this page (may be given more than once)",
        )
        export.add_argument(
            "--output", type=Path, default=None, metavar="FILE", help="default: standard output"
        )
        load = actions.add_parser(
            "import",
            help="store the translations of a PO catalogue and report what was refused",
            description=(
                "Store every translated entry of a PO catalogue. Entries naming an unknown unit, "
                "or losing or adding a placeholder or a link, are reported and skipped; the rest "
                "is imported. Exit status 1 when anything was reported."
            ),
        )
        load.add_argument("--language", required=True, choices=shipped_languages())
        load.add_argument(
            "--keep-site-edits",
            action="store_true",
            help="keep translations changed on the site since the catalogue was exported",
        )
        load.add_argument("file", type=Path, metavar="FILE")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "export":
            self._export(options)
        else:
            self._import(options)

    def _export(self, options: dict[str, Any]) -> None:
        pages = None
        if options["page"]:
            found = {page.slug: page for page in Page.objects.filter(slug__in=options["page"])}
            missing = [slug for slug in options["page"] if slug not in found]
            if missing:
                raise CommandError(f"no such page: {', '.join(missing)}", returncode=1)
            pages = list(found.values())
        text = export_catalogue(options["language"], pages)
        output: Path | None = options["output"]
        if output is None:
            self.stdout.write(text, ending="")
            return
        output.write_text(text, encoding="utf-8")
        if options["verbosity"] > 0:
            self.stderr.write(f"Wrote {output}.")

    def _import(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        try:
            text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"cannot read {path}: {error}", returncode=1) from None
        since = catalogue_exported_at(text) if options["keep_site_edits"] else None
        report = import_catalogue(options["language"], text, keep_edits_since=since)
        self.stdout.write(f"Imported: {report.imported}")
        self.stdout.write(f"Unchanged: {report.unchanged}")
        self.stdout.write(f"Kept (changed on the site since the export): {len(report.kept)}")
        for unit_id in report.kept:
            self.stdout.write(f"  {unit_id}")
        if report.problems:
            for problem in report.problems:
                self.stderr.write(problem)
            raise CommandError(
                f"{len(report.problems)} problem(s) in {path}; the other entries were imported.",
                returncode=1,
            )
