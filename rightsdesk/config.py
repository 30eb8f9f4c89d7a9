"""The one place rightsdesk reads its configuration from.

Every setting follows the same order: an environment variable, then (for secrets) a file named by
``<NAME>_FILE`` or kept in the data directory, then a default that is safe in production. Nothing
here imports Django, so the command line can check the data directory before Django starts and
explain a problem in one line instead of a traceback.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Mapping
from pathlib import Path

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", ""})


class ConfigError(Exception):
    """A setting is present but unusable; the message is meant for the operator, in one line."""


class Config:
    """Reads settings from a mapping (the process environment unless told otherwise)."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self.environ = os.environ if environ is None else environ

    def text(self, name: str, default: str) -> str:
        return self.environ.get(name, default)

    def flag(self, name: str, default: bool) -> bool:
        raw = self.environ.get(name)
        if raw is None:
            return default
        word = raw.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ConfigError(f"{name} must be one of 1/0, true/false, yes/no, on/off (got {raw!r})")

    def integer(self, name: str, default: int) -> int:
        raw = self.environ.get(name)
        if raw is None or raw.strip() == "":
            return default
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(f"{name} must be a whole number (got {raw!r})") from None

    def words(self, name: str, default: list[str]) -> list[str]:
        raw = self.environ.get(name)
        if raw is None:
            return list(default)
        return [word for word in raw.replace(",", " ").split() if word]

    def data_dir(self) -> Path:
        return Path(self.text("RIGHTSDESK_DATA_DIR", "var")).expanduser().resolve()

    def secret(self, name: str, *, filename: str, generate: Callable[[], str]) -> str:
        """A secret: ``NAME``, else the file named by ``NAME_FILE``, else ``data_dir/filename``.

        The last one is generated on first use and written with mode 0600, so a fresh install is
        secure without any set-up and a restart keeps the same secret.
        """
        value = self.environ.get(name)
        if value:
            return value
        file_name = self.environ.get(f"{name}_FILE")
        if file_name:
            try:
                return Path(file_name).read_text(encoding="utf-8").strip()
            except OSError as error:
                raise ConfigError(f"{name}_FILE cannot be read: {error.strerror}") from None
        return read_or_create_secret_file(self.data_dir() / filename, generate)

    def secret_or_empty(self, name: str) -> str:
        """An optional secret (say, a mail password): ``NAME``, else ``NAME_FILE``, else empty."""
        file_name = self.environ.get(f"{name}_FILE")
        if self.environ.get(name) or not file_name:
            return self.environ.get(name, "")
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise ConfigError(f"{name}_FILE cannot be read: {error.strerror}") from None


def read_or_create_secret_file(path: Path, generate: Callable[[], str]) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        pass
    value = generate()
    # O_EXCL makes two processes starting at once agree on one secret: the loser reads the winner's.
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(value + "\n")
    return value


def new_token() -> str:
    return secrets.token_urlsafe(48)


def ensure_data_dir(path: Path) -> None:
    """Make sure the data directory exists and is writable, or explain in one line why not.

    The directory is created (0700) only when its parent exists: a typo in production should fail
    loudly rather than scatter secrets into a new tree somewhere unexpected.
    """
    if not path.exists():
        if not path.parent.is_dir():
            raise ConfigError(
                f"data directory {path} does not exist and its parent is missing; "
                "create it or set RIGHTSDESK_DATA_DIR"
            )
        try:
            path.mkdir(mode=0o700)
        except OSError as error:
            raise ConfigError(
                f"data directory {path} cannot be created: {error.strerror}"
            ) from None
    if not path.is_dir():
        raise ConfigError(f"data directory {path} is not a directory; set RIGHTSDESK_DATA_DIR")
    probe = path / f".write-check-{secrets.token_hex(4)}"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        raise ConfigError(f"data directory {path} is not writable: {error.strerror}") from None
