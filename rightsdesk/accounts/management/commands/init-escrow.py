from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rightsdesk.accounts import services


class Command(BaseCommand):
    help = (
        "Create the organisation escrow key and print its Shamir shares once. Give each share "
        "to a different trustee; any THRESHOLD of them restore access after a lost password."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--shares", type=int, default=5)
        parser.add_argument("--threshold", type=int, default=3)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            shares = services.escrow_initialise(
                shares=options["shares"], threshold=options["threshold"]
            )
        except services.EscrowExists:
            raise CommandError("this installation already has an escrow key") from None
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Escrow key created. {options['threshold']} of these {options['shares']} shares "
            "restore it. They are shown only now: give each to a different trustee, on paper."
        )
        for number, share in enumerate(shares, start=1):
            self.stdout.write(f"\nShare {number}:\n{share}")
