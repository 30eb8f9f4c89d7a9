"""PO export and import: a catalogue round-trips the translations, outdated flags included."""

from __future__ import annotations

import polib  # type: ignore[import-untyped]
import pytest

from rightsdesk.audit.models import Action, AuditEntry
from rightsdesk.content.models import Page, PageLanguageStats, Translation, Unit
from rightsdesk.content.po import export_catalogue, import_catalogue
from rightsdesk.content.services import (
    content_generation,
    page_apply_source,
    translation_save,
)
from rightsdesk.content.source import parse_source, text_hash
from tests.factories import make_staff

pytestmark = pytest.mark.django_db

RAW = """---
title: Who we are
summary: A human-rights team for the volunteers.
---

<!--T:1-->
## Whom we support

<!--T:2-->
Write to {{team_email}} or read [the disclaimer](page:disclaimer).

<!--T:3-->
- one
- two
"""

OTHER = """---
title: Office hours
---

<!--T:1-->
We meet on Tuesdays.
"""


def make_pages() -> tuple[Page, Page]:
    first = page_apply_source(source=parse_source(RAW, slug="overview")).page
    second = page_apply_source(source=parse_source(OTHER, slug="office-hours")).page
    return first, second


def unit(page: Page, key: str) -> Unit:
    return page.units.get(key=key)


def state(language: str) -> list[tuple[str, str, str, str, bool]]:
    return sorted(
        (t.unit.unit_id, t.text, t.source_hash, t.source_text, t.outdated)
        for t in Translation.objects.filter(language=language).select_related("unit__page")
    )


def edit_source(old: str, new: str) -> None:
    page_apply_source(source=parse_source(RAW.replace(old, new), slug="overview"))


def parsed(text: str) -> dict[str, polib.POEntry]:
    return {entry.msgctxt: entry for entry in polib.pofile(text)}


def test_export_has_one_entry_per_unit_with_header_and_comments() -> None:
    page, _other = make_pages()
    translation_save(unit=unit(page, "title"), language="fa", text="ما که هستیم", actor=None)
    text = export_catalogue("fa")
    catalogue = polib.pofile(text)
    assert catalogue.metadata["Language"] == "fa"
    assert catalogue.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    assert catalogue.metadata["Project-Id-Version"] == "rightsdesk content"
    assert catalogue.metadata["PO-Revision-Date"]
    entries = parsed(text)
    assert sorted(entries) == [
        "office-hours/1",
        "office-hours/title",
        "overview/1",
        "overview/2",
        "overview/3",
        "overview/summary",
        "overview/title",
    ]
    assert entries["overview/title"].msgstr == "ما که هستیم"
    assert entries["overview/2"].msgid == unit(page, "2").text
    assert entries["overview/2"].msgstr == ""
    assert entries["overview/1"].comment == "Page “Who we are”, heading"
    assert entries["overview/3"].comment == "Page “Who we are”, list"
    assert entries["office-hours/1"].comment == "Page “Office hours”, paragraph"
    assert "fuzzy" not in entries["overview/title"].flags


def test_export_of_some_pages_only() -> None:
    _page, other = make_pages()
    assert sorted(parsed(export_catalogue("fa", [other]))) == [
        "office-hours/1",
        "office-hours/title",
    ]


def test_export_of_an_outdated_unit_is_fuzzy_with_the_previous_source() -> None:
    page, _other = make_pages()
    translation_save(unit=unit(page, "1"), language="fa", text="## چه کسانی", actor=None)
    edit_source("## Whom we support", "## Whom we protect")
    entry = parsed(export_catalogue("fa"))["overview/1"]
    assert "fuzzy" in entry.flags
    assert entry.previous_msgid == "## Whom we support"
    assert entry.msgid == "## Whom we protect"
    assert entry.msgstr == "## چه کسانی"


def test_round_trip_restores_the_same_state_including_outdated_flags() -> None:
    page, other = make_pages()
    member = make_staff("translator").member
    translation_save(unit=unit(page, "title"), language="fa", text="ما که هستیم", actor=member)
    translation_save(
        unit=unit(page, "2"),
        language="fa",
        text="به {{team_email}} بنویسید یا [سلب مسئولیت](page:disclaimer) را بخوانید.",
        actor=member,
    )
    translation_save(unit=unit(page, "1"), language="fa", text="## چه کسانی", actor=member)
    translation_save(unit=unit(other, "1"), language="fa", text="سه‌شنبه‌ها", actor=member)
    edit_source("## Whom we support", "## Whom we protect")
    before = state("fa")
    stats_before = sorted(
        PageLanguageStats.objects.filter(language="fa").values_list(
            "page__slug", "translated", "outdated", "percent"
        )
    )
    assert [row[4] for row in before].count(True) == 1
    text = export_catalogue("fa")

    Translation.objects.filter(language="fa").delete()
    generation = content_generation()
    report = import_catalogue("fa", text, actor=member)

    assert report.problems == []
    assert report.imported == 4
    assert report.unchanged == 0
    assert state("fa") == before
    stats_after = sorted(
        PageLanguageStats.objects.filter(language="fa").values_list(
            "page__slug", "translated", "outdated", "percent"
        )
    )
    assert stats_after == stats_before
    # The generation is bumped once for the whole import.
    assert content_generation() == generation + 1

    again = import_catalogue("fa", text, actor=member)
    assert (again.imported, again.unchanged, again.problems) == (0, 4, [])
    assert content_generation() == generation + 1


def test_import_writes_one_audit_entry_with_counts_only() -> None:
    _page, _other = make_pages()
    member = make_staff("translator").member
    catalogue = polib.POFile()
    catalogue.metadata = {"Language": "fa", "Content-Type": "text/plain; charset=UTF-8"}
    catalogue.append(polib.POEntry(msgctxt="overview/title", msgid="Who we are", msgstr="ما"))
    catalogue.append(polib.POEntry(msgctxt="overview/99", msgid="Gone", msgstr="رفته"))
    before = AuditEntry.objects.filter(action=Action.TRANSLATION_IMPORT).count()
    import_catalogue("fa", str(catalogue), actor=member)
    entries = AuditEntry.objects.filter(action=Action.TRANSLATION_IMPORT)
    assert entries.count() == before + 1
    entry = entries.first()
    assert entry is not None
    assert entry.actor == member.username
    assert entry.detail == {
        "language": "fa",
        "pages": 1,
        "imported": 1,
        "unchanged": 0,
        "kept": 0,
        "problems": 1,
    }
    assert "ما" not in str(entry.detail)


def test_unknown_ids_and_mismatched_placeholders_and_links_are_reported_and_the_rest_imports() -> (
    None
):
    page, _other = make_pages()
    source = unit(page, "2").text
    catalogue = polib.POFile()
    catalogue.metadata = {"Language": "fa", "Content-Type": "text/plain; charset=UTF-8"}
    catalogue.append(polib.POEntry(msgctxt="overview/title", msgid="Who we are", msgstr="ما"))
    catalogue.append(polib.POEntry(msgctxt="nowhere/1", msgid="x", msgstr="ی"))
    catalogue.append(
        polib.POEntry(
            msgctxt="overview/2",
            msgid=source,
            msgstr="به {{team_mail}} بنویسید یا [سلب](page:disclaimer).",
        )
    )
    catalogue.append(
        polib.POEntry(
            msgctxt="overview/2",
            msgid=source,
            msgstr="به {{team_email}} بنویسید یا [سلب](page:statements).",
        )
    )
    catalogue.append(polib.POEntry(msgid="no context", msgstr="بی‌زمینه"))
    report = import_catalogue("fa", str(catalogue))
    assert report.imported == 1
    assert len(report.problems) == 4
    assert report.problems[0] == "nowhere/1: there is no such unit."
    assert report.problems[1].startswith("overview/2: ")
    assert "{{team_email}} is missing" in report.problems[1]
    assert "{{team_mail}} is not in the source" in report.problems[1]
    assert "page:statements" in report.problems[2]
    assert "page:disclaimer" in report.problems[2]
    assert "no msgctxt" in report.problems[3]
    assert state("fa") == [
        ("overview/title", "ما", text_hash("Who we are"), "Who we are", False),
    ]


def test_an_entry_translated_from_an_older_source_becomes_outdated() -> None:
    page, _other = make_pages()
    catalogue = polib.POFile()
    catalogue.metadata = {"Language": "fa"}
    catalogue.append(
        polib.POEntry(msgctxt="overview/1", msgid="## Whom we helped", msgstr="## کمک")
    )
    report = import_catalogue("fa", str(catalogue))
    assert report.imported == 1
    translation = Translation.objects.get(unit=unit(page, "1"), language="fa")
    assert translation.outdated
    assert translation.source_text == "## Whom we helped"
    stats = PageLanguageStats.objects.get(page=page, language="fa")
    assert (stats.translated, stats.outdated) == (0, 1)


def test_a_fuzzy_entry_without_previous_source_is_outdated() -> None:
    page, _other = make_pages()
    catalogue = polib.POFile()
    catalogue.metadata = {"Language": "fa"}
    catalogue.append(
        polib.POEntry(msgctxt="overview/title", msgid="Who we are", msgstr="ما", flags=["fuzzy"])
    )
    catalogue.append(
        polib.POEntry(
            msgctxt="overview/1",
            msgid="## Whom we support",
            msgstr="## ما",
            flags=["fuzzy"],
            previous_msgid="## Whom we support",
        )
    )
    assert import_catalogue("fa", str(catalogue)).imported == 2
    assert Translation.objects.get(unit=unit(page, "title"), language="fa").outdated
    assert Translation.objects.get(unit=unit(page, "1"), language="fa").outdated


def test_a_catalogue_written_by_another_tool_imports() -> None:
    """As translatewiki.net or Weblate write it: their own header, wrapped lines, locale names
    with underscores, obsolete entries and untranslated ones."""
    page, _other = make_pages()
    catalogue = polib.POFile(wrapwidth=40)
    catalogue.metadata = {
        "Project-Id-Version": "Rightsdesk",
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": "2025-01-01 10:00+0000",
        "PO-Revision-Date": "2025-02-01 10:00+0000",
        "Last-Translator": "Someone",
        "Language-Team": "Chinese (Simplified)",
        "Language": "zh_Hans",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": "nplurals=1; plural=0;",
        "X-Generator": "Weblate 5.0",
    }
    catalogue.append(
        polib.POEntry(
            msgctxt="overview/2",
            msgid=unit(page, "2").text,
            msgstr="请写信至 {{team_email}} 或阅读[免责声明](page:disclaimer)。"
            "这是一段很长的文字，会被换行。",
            tcomment="reviewed",
        )
    )
    catalogue.append(polib.POEntry(msgctxt="overview/3", msgid=unit(page, "3").text, msgstr=""))
    catalogue.append(polib.POEntry(msgctxt="overview/77", msgid="old", msgstr="旧", obsolete=True))
    text = catalogue.__unicode__()
    assert '\n"' in text  # wrapped
    report = import_catalogue("zh-hans", text)
    assert (report.imported, report.problems) == (1, [])
    translation = Translation.objects.get(unit=unit(page, "2"), language="zh-hans")
    assert not translation.outdated
    assert translation.text.endswith("会被换行。")


def test_an_unreadable_file_is_one_problem_and_imports_nothing() -> None:
    make_pages()
    before = content_generation()
    report = import_catalogue(
        "fa",
        'msgctxt "overview/title"\nmsgid "Who we are"\nmsgstr "ما"\n\nthis is not a PO file\n',
    )
    assert report.imported == 0
    assert len(report.problems) == 1
    assert report.problems[0].startswith("The file could not be read as a PO catalogue")
    assert "line 5" in report.problems[0]
    assert not Translation.objects.exists()
    assert content_generation() == before


def test_a_file_name_is_not_read_as_a_file() -> None:
    make_pages()
    report = import_catalogue("fa", "/etc/hostname")
    assert report.imported == 0
    assert not Translation.objects.exists()


def test_a_catalogue_for_another_language_is_refused() -> None:
    _page, _other = make_pages()
    catalogue = polib.POFile()
    catalogue.metadata = {"Language": "ar"}
    catalogue.append(polib.POEntry(msgctxt="overview/title", msgid="Who we are", msgstr="من"))
    report = import_catalogue("fa", str(catalogue))
    assert report.imported == 0
    assert report.problems == ["The file is a catalogue for ar, not for fa."]
    assert not Translation.objects.exists()


def test_the_source_language_and_unknown_languages_are_refused() -> None:
    make_pages()
    catalogue = polib.POFile()
    catalogue.append(polib.POEntry(msgctxt="overview/title", msgid="Who we are", msgstr="Wer"))
    report = import_catalogue("en", str(catalogue))
    assert report.problems == ["overview/title: this page is written in en."]
    assert import_catalogue("xx", str(catalogue)).problems == [
        "rightsdesk is not translated into xx."
    ]
    with pytest.raises(ValueError, match="unknown language"):
        export_catalogue("xx")


def test_edits_made_on_the_site_since_the_export_are_kept() -> None:
    page, _other = make_pages()
    translation_save(unit=unit(page, "title"), language="fa", text="ما", actor=None)
    translation_save(unit=unit(page, "1"), language="fa", text="## الف", actor=None)
    text = export_catalogue("fa")
    exported_at = Translation.objects.get(unit=unit(page, "1"), language="fa").updated_at
    translation_save(unit=unit(page, "title"), language="fa", text="ما که هستیم", actor=None)
    catalogue = polib.pofile(text)
    for entry in catalogue:
        if entry.msgctxt == "overview/title":
            entry.msgstr = "ما کیستیم"
        if entry.msgctxt == "overview/1":
            entry.msgstr = "## ب"
    report = import_catalogue("fa", str(catalogue), keep_edits_since=exported_at)
    assert report.kept == ["overview/title"]
    assert report.imported == 1
    assert Translation.objects.get(unit=unit(page, "title"), language="fa").text == "ما که هستیم"
    assert Translation.objects.get(unit=unit(page, "1"), language="fa").text == "## ب"
