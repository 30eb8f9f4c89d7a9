from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rightsdesk.cases.export import ARCHIVE_SUFFIX
from rightsdesk.crypto import archive
from rightsdesk.crypto.errors import DecryptionFailed, WrongPassword


class Command(BaseCommand):
    help = (
        "Open a case archive exported for a partner: reads the passphrase from standard input "
        "and writes the zip next to FILE (or to --output). Nothing is written unless the whole "
        "archive opens."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--output", type=Path, help="where to write the zip")

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path = options["file"]
        output: Path = options["output"] or source.with_name(
            source.name.removesuffix(ARCHIVE_SUFFIX) + ".zip"
        )
        if output.exists():
            raise CommandError(f"{output} exists already; choose another with --output")
        passphrase = sys.stdin.readline().rstrip("\r\n")
        partial = output.with_name(f".{output.name}.partial")
        partial.unlink(missing_ok=True)
        try:
            with source.open("rb") as encrypted, partial.open("xb") as plain:
                os.chmod(partial, 0o600)
                size = archive.decrypt_archive(passphrase, encrypted, plain)
            os.replace(partial, output)
        except FileNotFoundError as error:
            raise CommandError(f"cannot read {error.filename}") from None
        except WrongPassword:
            raise CommandError(
                "the passphrase does not open this archive (or the file was altered)"
            ) from None
        except DecryptionFailed as error:
            raise CommandError(f"the archive cannot be opened: {error}") from None
        finally:
            with contextlib.suppress(FileNotFoundError):
                partial.unlink()
        self.stdout.write(f"Opened: {output} ({size} bytes).")
