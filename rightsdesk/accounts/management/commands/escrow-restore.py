from __future__ import annotations

import getpass
import sys
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rightsdesk.accounts import services
from rightsdesk.accounts.models import StaffMember
from rightsdesk.cases import recovery
from rightsdesk.crypto.errors import InvalidShares


class Command(BaseCommand):
    help = (
        "Restore a staff member's access to their cases after a key reset, with the escrow key "
        "rebuilt from trustees' shares. The shares are read from standard input, one per line "
        "(or asked for one by one, without echo, at a terminal); they are kept in memory only, "
        "never stored or logged."
    )
    # Tests hand in their own input; from the shell, standard input is used.
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--member", required=True, help="the member's username")

    def _read_shares(self, source: IO[str], threshold: int) -> list[str]:
        if source.isatty():
            self.stdout.write(f"{threshold} shares are needed. Each trustee types their own.")
            return [
                getpass.getpass(f"Share {number} (not shown): ")
                for number in range(1, threshold + 1)
            ]
        return [line.strip() for line in source.read().splitlines() if line.strip()]

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["member"].strip().lower()
        member = StaffMember.objects.filter(username=username).first()
        if member is None:
            raise CommandError(f"no staff member is named {username!r}")
        threshold = recovery.escrow_threshold()
        if threshold is None:
            raise CommandError("this installation has no escrow key (see init-escrow)")
        status = recovery.recovery_status(member)
        if not status.waiting:
            self.stdout.write(f"Nothing waits to be restored for {username}.")
            return
        if not status.has_key:
            raise CommandError(
                f"{username} has not signed in since the key reset; a new key is made at that "
                "sign-in, and only then can their cases be sealed to it"
            )
        source: IO[str] = options.get("stdin") or sys.stdin
        shares = self._read_shares(source, threshold)
        try:
            restored = recovery.grants_recover_with_escrow_shares(
                member=member, shares=shares, actor=None
            )
        except InvalidShares as error:
            # The message names a share and a word position, never the words themselves.
            raise CommandError(f"the shares do not rebuild the escrow key: {error}") from None
        except services.EscrowKeyMismatch:
            raise CommandError(
                "the shares rebuild a key, but not this installation's escrow key"
            ) from None
        except recovery.MemberHasNoKey:
            raise CommandError(f"{username} has no key yet; ask them to sign in first") from None
        remaining = recovery.recovery_status(member).waiting
        self.stdout.write(
            f"Restored access to {restored} case(s) for {username}; {remaining} still waiting."
        )
