import stat
from pathlib import Path

import pytest

from rightsdesk.core.files import atomic_write


def test_a_completed_write_replaces_the_file(tmp_path: Path):
    target = tmp_path / "kept"
    target.write_bytes(b"old")
    with atomic_write(target) as out:
        out.write(b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [path.name for path in tmp_path.iterdir()] == ["kept"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path):
    target = tmp_path / "kept"
    target.write_bytes(b"old")

    def interrupted_write() -> None:
        with atomic_write(target) as out:
            out.write(b"half")
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        interrupted_write()
    assert target.read_bytes() == b"old"
    assert [path.name for path in tmp_path.iterdir()] == ["kept"]
