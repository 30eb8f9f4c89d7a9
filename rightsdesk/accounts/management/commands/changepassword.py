from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Not available: a staff member's password also protects their private key."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username", nargs="?")

    def handle(self, *args: Any, **options: Any) -> None:
        raise CommandError(
            "a password set from the command line could not open the member's private key; "
            "members change their own password on their account page, and a lost password is "
            "handled by key recovery"
        )
