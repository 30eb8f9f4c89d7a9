import os
import stat
from pathlib import Path

import pytest

from rightsdesk.config import Config, ConfigError, ensure_data_dir


def test_flag_accepts_the_usual_words_and_refuses_others():
    config = Config({"A": "yes", "B": "off", "C": "maybe"})
    assert config.flag("A", False) is True
    assert config.flag("B", True) is False
    assert config.flag("MISSING", True) is True
    with pytest.raises(ConfigError, match="C must be one of"):
        config.flag("C", False)


def test_integer_explains_a_bad_value():
    config = Config({"N": "12", "BAD": "twelve"})
    assert config.integer("N", 1) == 12
    assert config.integer("MISSING", 7) == 7
    with pytest.raises(ConfigError, match="BAD must be a whole number"):
        config.integer("BAD", 1)


def test_words_split_on_commas_and_spaces():
    assert Config({"H": "a.example, b.example  c"}).words("H", []) == [
        "a.example",
        "b.example",
        "c",
    ]
    assert Config({}).words("H", ["x"]) == ["x"]


def test_secret_prefers_environment_then_file_then_generated(tmp_path: Path):
    secret_file = tmp_path / "given"
    secret_file.write_text("from-file\n")
    assert (
        Config({"RIGHTSDESK_DATA_DIR": str(tmp_path), "S": "from-env"}).secret(
            "S", filename="s", generate=lambda: "new"
        )
        == "from-env"
    )
    assert (
        Config({"RIGHTSDESK_DATA_DIR": str(tmp_path), "S_FILE": str(secret_file)}).secret(
            "S", filename="s", generate=lambda: "new"
        )
        == "from-file"
    )
    config = Config({"RIGHTSDESK_DATA_DIR": str(tmp_path)})
    assert config.secret("S", filename="s", generate=lambda: "generated") == "generated"
    # A second start reads the stored secret instead of generating another.
    assert config.secret("S", filename="s", generate=lambda: "other") == "generated"
    assert stat.S_IMODE((tmp_path / "s").stat().st_mode) == 0o600


def test_secret_file_that_cannot_be_read_is_explained(tmp_path: Path):
    config = Config({"S_FILE": str(tmp_path / "nope")})
    with pytest.raises(ConfigError, match="S_FILE cannot be read"):
        config.secret("S", filename="s", generate=lambda: "x")


def test_data_dir_is_created_when_its_parent_exists(tmp_path: Path):
    target = tmp_path / "data"
    ensure_data_dir(target)
    assert target.is_dir()
    assert stat.S_IMODE(target.stat().st_mode) == 0o700


def test_data_dir_without_parent_is_refused(tmp_path: Path):
    with pytest.raises(ConfigError, match="does not exist"):
        ensure_data_dir(tmp_path / "missing" / "data")


def test_data_dir_that_is_a_file_is_refused(tmp_path: Path):
    target = tmp_path / "file"
    target.write_text("")
    with pytest.raises(ConfigError, match="is not a directory"):
        ensure_data_dir(target)


def test_read_only_data_dir_is_refused(tmp_path: Path):
    target = tmp_path / "ro"
    target.mkdir(mode=0o500)
    if os.geteuid() == 0:
        # root ignores permission bits; /proc/self is a directory nobody can create files in.
        target = Path("/proc/self")
    with pytest.raises(ConfigError, match="not writable"):
        ensure_data_dir(target)
