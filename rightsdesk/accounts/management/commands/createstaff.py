from __future__ import annotations

import getpass
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rightsdesk.accounts import services
from rightsdesk.accounts.permissions import Role


class Command(BaseCommand):
    help = "Create a staff member and print their one-time authenticator enrolment link."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--display-name", default="")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="Read the password from standard input instead of asking for it.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = getpass.getpass("Password: ")
            if getpass.getpass("Password (again): ") != password:
                raise CommandError("the passwords do not match")
        try:
            member, uri = services.staff_member_create(
                username=options["username"],
                role=options["role"],
                password=password,
                display_name=options["display_name"],
                email=options["email"],
            )
        except services.StaffMemberInvalid as invalid:
            raise CommandError("; ".join(invalid.messages)) from None
        self.stdout.write(f"Created {member.username} ({Role(member.role).label}).")
        self.stdout.write("Authenticator enrolment link (shown once; give it to them privately):")
        self.stdout.write(uri)
