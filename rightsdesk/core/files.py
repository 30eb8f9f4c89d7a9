"""Files in the data directory: private directories, and writes that a crash cannot tear."""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from django.conf import settings


@contextlib.contextmanager
def atomic_write(target: Path) -> Iterator[BinaryIO]:
    """Yield a new file (mode 0600) next to ``target``; on success it is synced to disk and
    renamed over ``target``; on any error it is removed and ``target`` is left as it was."""
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as destination:
            yield destination
            destination.flush()
            os.fsync(destination.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        raise


def data_subdirectory(name: str) -> Path:
    """A directory in the data directory, created for rightsdesk's user alone (0700)."""
    directory = Path(settings.DATA_DIR) / name
    directory.mkdir(mode=0o700, exist_ok=True)
    return directory
