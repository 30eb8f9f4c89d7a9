"""``python -m rightsdesk translations export|import``."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import polib  # type: ignore[import-untyped]
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from rightsdesk.content.models import Translation
from rightsdesk.content.services import translation_save
from tests.content.pages import make_page

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("translations", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_export_to_standard_output_and_to_a_file(tmp_path: Path) -> None:
    page = make_page("about", "Hello.", title="Who we are")
    make_page("other", "Text.", title="Other")
    translation_save(unit=page.units.get(key="title"), language="fa", text="ما", actor=None)
    out, _err = run("export", "--language", "fa")
    entries = {entry.msgctxt: entry.msgstr for entry in polib.pofile(out)}
    assert entries == {"about/title": "ما", "about/1": "", "other/title": "", "other/1": ""}
    target = tmp_path / "about-fa.po"
    run("export", "--language", "fa", "--page", "about", "--output", str(target))
    assert {entry.msgctxt for entry in polib.pofile(str(target))} == {"about/title", "about/1"}


def test_export_of_an_unknown_page_fails() -> None:
    with pytest.raises(CommandError, match="no such page: nothing"):
        run("export", "--language", "fa", "--page", "nothing")


def test_import_prints_the_report(tmp_path: Path) -> None:
    page = make_page("about", "Hello.", title="Who we are")
    out, _err = run("export", "--language", "fa")
    catalogue = polib.pofile(out)
    for entry in catalogue:
        entry.msgstr = {"about/title": "ما", "about/1": "سلام"}.get(entry.msgctxt, "")
    path = tmp_path / "fa.po"
    catalogue.save(str(path))
    out, err = run("import", "--language", "fa", str(path))
    assert "Imported: 2" in out
    assert "Unchanged: 0" in out
    assert err == ""
    assert Translation.objects.filter(unit__page=page, language="fa").count() == 2
    out, _err = run("import", "--language", "fa", str(path))
    assert "Imported: 0" in out
    assert "Unchanged: 2" in out


def test_import_with_problems_exits_1_and_imports_the_rest(tmp_path: Path) -> None:
    page = make_page("about", "Write to {{team_email}}.", title="Who we are")
    catalogue = polib.POFile()
    catalogue.metadata = {"Language": "fa", "Content-Type": "text/plain; charset=UTF-8"}
    catalogue.append(polib.POEntry(msgctxt="about/title", msgid="Who we are", msgstr="ما"))
    catalogue.append(
        polib.POEntry(msgctxt="about/1", msgid="Write to {{team_email}}.", msgstr="بنویسید.")
    )
    catalogue.append(polib.POEntry(msgctxt="gone/1", msgid="x", msgstr="ی"))
    path = tmp_path / "fa.po"
    catalogue.save(str(path))
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as failure:
        call_command(
            "translations", "import", "--language", "fa", str(path), stdout=out, stderr=err
        )
    assert failure.value.returncode == 1
    assert "2 problem(s)" in str(failure.value)
    assert "Imported: 1" in out.getvalue()
    assert "about/1: The placeholder {{team_email}} is missing." in err.getvalue()
    assert "gone/1: there is no such unit." in err.getvalue()
    assert Translation.objects.get(unit__page=page, language="fa").text == "ما"


def test_import_of_a_missing_file_fails(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="cannot read"):
        run("import", "--language", "fa", str(tmp_path / "none.po"))


def test_import_keeps_site_edits_when_asked(tmp_path: Path) -> None:
    page = make_page("about", "Hello.", title="Who we are")
    title = page.units.get(key="title")
    translation_save(unit=title, language="fa", text="الف", actor=None)
    path = tmp_path / "fa.po"
    run("export", "--language", "fa", "--output", str(path))
    translation_save(unit=title, language="fa", text="ب", actor=None)
    path.write_text(path.read_text(encoding="utf-8").replace('"الف"', '"ج"'), encoding="utf-8")
    out, _err = run("import", "--language", "fa", "--keep-site-edits", str(path))
    assert "Kept (changed on the site since the export): 1" in out
    assert "about/title" in out
    assert Translation.objects.get(unit=title, language="fa").text == "ب"
