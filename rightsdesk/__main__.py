"""``python -m rightsdesk <command>``: Django's management commands, after a data-dir check."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    from rightsdesk.config import Config, ConfigError, ensure_data_dir

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rightsdesk.settings")
    # Everything rightsdesk writes (database, secrets, files) is for its own user alone.
    os.umask(0o077)
    try:
        ensure_data_dir(Config().data_dir())
    except ConfigError as error:
        sys.stderr.write(f"rightsdesk: {error}\n")
        raise SystemExit(2) from None

    from django.core.management import execute_from_command_line

    execute_from_command_line(["rightsdesk", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
