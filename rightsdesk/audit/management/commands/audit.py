from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rightsdesk.audit.verification import audit_verify


class Command(BaseCommand):
    help = "Work with the tamper-evident audit log."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        subcommands.add_parser(
            "verify",
            help=(
                "Check every entry's keyed hash and link, and the head. Exits 0 and prints the "
                "head hash when the chain is intact; otherwise exits 1 and names the first bad "
                "entry."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # "verify" is the only subcommand; argparse refuses anything else.
        result = audit_verify()
        if not result.intact:
            raise CommandError(result.summary(), returncode=1)
        self.stdout.write(result.summary())
