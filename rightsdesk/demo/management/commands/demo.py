from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rightsdesk.demo import data


class Command(BaseCommand):
    help = "Load the demo data set (one staff account per role) and print how to sign in."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--code",
            metavar="USERNAME",
            help="Print the current two-factor code of a demo account instead.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["code"]:
            try:
                self.stdout.write(data.demo_current_code(options["code"]))
            except data.NotADemoAccount:
                raise CommandError(f"{options['code']} is not a demo account") from None
            return
        try:
            accounts = data.demo_load()
        except data.RealInstallation:
            raise CommandError(
                "this installation has real staff accounts; demo data is not loaded into it"
            ) from None
        shares = data.demo_escrow()
        if shares is not None:
            self.stdout.write(
                "Created the demo organisation escrow key (any 3 of these 5 shares restore it; "
                "a real installation runs init-escrow and gives them to trustees):"
            )
            for number, share in enumerate(shares, start=1):
                self.stdout.write(f"  share {number}: {share}")
        else:
            self.stdout.write("The demo organisation escrow key exists already (3 of 5 shares).")
        created = data.demo_cases()
        if created:
            self.stdout.write(f"Created {created} invented demo cases.")
        if data.demo_crisis_banner():
            self.stdout.write("Switched on the home-page banner of the crisis page, as a demo.")
        self.stdout.write("Demo staff accounts (for trying rightsdesk only, never in production):")
        for account in accounts:
            self.stdout.write(
                f"\n  {account.role.label}\n"
                f"    username: {account.username}\n"
                f"    password: {account.password}\n"
                f"    authenticator: {account.enrolment_uri}"
            )
        self.stdout.write(
            "\nSign in at /en/staff/sign-in/ with a username, its password and a code from an "
            "authenticator app\n(add the otpauth:// link above to it), or print the current code "
            "with:\n  .venv/bin/python -m rightsdesk demo --code demo-coordinator\n"
        )
