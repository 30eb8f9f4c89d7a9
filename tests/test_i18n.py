"""The translations: complete, compilable, and nothing left unmarked."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.translation import to_locale

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "rightsdesk" / "locale"
SHIPPED = [to_locale(code) for code, _name in settings.LANGUAGES]


def po_file(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / "django.po"


def read_catalogue(path: Path) -> dict[str, list[str]]:
    """msgid (with context) → its msgstr values, parsed just enough for these checks."""
    entries: dict[str, list[str]] = {}
    current: dict[str, str] = {}
    field = ""
    fuzzy = False

    def finish() -> None:
        nonlocal current, fuzzy
        if current.get("msgid"):
            key = current.get("msgctxt", "") + "\x04" + current["msgid"]
            values = [v for k, v in current.items() if k.startswith("msgstr")]
            entries[key] = [] if fuzzy else values
        current = {}
        fuzzy = False

    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#,") and "fuzzy" in line:
            if current:
                finish()
            fuzzy = True
        elif line.startswith("#") or not line.strip():
            if current.get("msgid") is not None and any(k.startswith("msgstr") for k in current):
                finish()
        elif line.startswith('"'):
            current[field] += line[1:-1]
        else:
            keyword, _, rest = line.partition(" ")
            if keyword in {"msgid", "msgctxt"} and any(k.startswith("msgstr") for k in current):
                finish()
            field = keyword
            current[field] = rest[1:-1]
    finish()
    return entries


@pytest.mark.parametrize("locale", SHIPPED)
def test_catalogue_compiles_cleanly(locale: str):
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "GNU gettext's msgfmt is needed (apt-get install gettext)"
    result = subprocess.run(
        [msgfmt, "--check", "-o", "/dev/null", str(po_file(locale))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("locale", [loc for loc in SHIPPED if loc != "en"])
def test_every_string_is_translated(locale: str):
    catalogue = read_catalogue(po_file(locale))
    assert catalogue
    untranslated = [key.split("\x04")[1] for key, values in catalogue.items() if not all(values)]
    assert untranslated == []


def test_every_locale_has_the_same_strings():
    reference = set(read_catalogue(po_file("en")))
    for locale in SHIPPED:
        assert set(read_catalogue(po_file(locale))) == reference, locale


def test_no_user_facing_string_is_left_unmarked(tmp_path: Path):
    """Extracting the messages again finds exactly what the catalogues already hold."""
    copy = tmp_path / "project"
    shutil.copytree(
        ROOT / "rightsdesk",
        copy / "rightsdesk",
        ignore=shutil.ignore_patterns("__pycache__", "*.mo"),
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "en",
            "--no-obsolete",
            "--ignore=.venv",
        ],
        cwd=copy,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "rightsdesk.settings",
            "PYTHONPATH": str(copy),
            "RIGHTSDESK_DATA_DIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    fresh = set(read_catalogue(copy / "rightsdesk" / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    shipped = set(read_catalogue(po_file("en")))
    assert fresh == shipped, f"run `make messages`: new {fresh - shipped}, gone {shipped - fresh}"
