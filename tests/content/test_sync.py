from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.test import override_settings

from rightsdesk.audit.models import Action, AuditEntry
from rightsdesk.content.models import Page, PageLanguageStats, SyncedFile, Translation, Unit
from rightsdesk.content.services import page_apply_source, translation_save
from rightsdesk.content.source import file_hash, parse_source
from rightsdesk.content.sync import SyncReport, content_sync, content_tree_read, write_markers
from tests.content.pages import failing_sync, make_page, page_source, sync, write_page

pytestmark = pytest.mark.django_db

ABOUT = """
    <!--T:1-->
    ## Whom we support

    <!--T:2-->
    Anyone who is harassed for good-faith contributions.

    <!--T:3-->
    Write to {{team_email}}.
    """


def catalogue(language: str, *entries: tuple[str, str, str]) -> str:
    """A PO file: entries are (unit id, source text, translation)."""

    def quoted(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'

    head = (
        'msgid ""\nmsgstr ""\n'
        f'"Language: {language}\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    )
    body = "".join(
        f"\nmsgctxt {quoted(unit)}\nmsgid {quoted(source)}\nmsgstr {quoted(text)}\n"
        for unit, source, text in entries
    )
    return head + body


def write_catalogue(directory: Path, language: str, slug: str, text: str) -> Path:
    path = directory / language / f"{slug}.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def snapshot(directory: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(directory)): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def stats(slug: str, language: str) -> PageLanguageStats:
    return PageLanguageStats.objects.get(page__slug=slug, language=language)


def test_first_sync_loads_every_page_and_a_second_changes_nothing(tmp_path: Path) -> None:
    write_page(tmp_path, "about", ABOUT, title="Who we are", menu=1)
    write_page(tmp_path, "glossary", "<!--T:1-->\nWords.", title="Glossary")
    (tmp_path / "README.md").write_text("How this tree works.\n")
    (tmp_path / "en" / "README.md").write_text("Not a page.\n")

    first = sync(tmp_path)

    about = tmp_path / "en" / "about.md"
    assert f"{about}: created (4 units)" in first.stdout
    assert f"{tmp_path / 'en' / 'glossary.md'}: created (2 units)" in first.stdout
    assert "2 file(s) loaded, 0 unchanged, 0 skipped" in first.stdout
    assert "README" not in first.stdout + first.stderr
    assert first.stderr == ""
    page = Page.objects.get(slug="about")
    assert (page.menu_order, page.source_language, page.source_path) == (1, "en", "en/about.md")
    assert page.source_file_hash == file_hash(about.read_text())
    assert [unit.key for unit in page.units.all()] == ["title", "1", "2", "3"]
    assert set(SyncedFile.objects.values_list("path", flat=True)) == {
        "en/about.md",
        "en/glossary.md",
    }
    assert stats("about", "fa").percent == 0

    revision = page.revision
    entries = AuditEntry.objects.count()
    second = sync(tmp_path)
    assert second.stdout == f"Nothing changed: 2 file(s) in {tmp_path} are up to date.\n"
    page.refresh_from_db()
    assert page.revision == revision
    assert AuditEntry.objects.count() == entries


def test_the_services_can_sync_the_configured_directory(tmp_path: Path) -> None:
    write_page(tmp_path, "about", ABOUT)
    with override_settings(CONTENT_DIR=tmp_path):
        report = content_sync()
    assert report.changed == 1
    assert report.changes == [f"{tmp_path / 'en' / 'about.md'}: created (4 units)"]
    assert AuditEntry.objects.filter(action=Action.CONTENT_CHANGE).count() == 1


def test_a_changed_unit_makes_its_translations_outdated(tmp_path: Path) -> None:
    path = write_page(tmp_path, "about", ABOUT)
    sync(tmp_path)
    units = {unit.key: unit for unit in Unit.objects.filter(page__slug="about")}
    for key in ("title", "1", "2", "3"):
        text = units[key].text.replace("Whom we support", "از چه کسی حمایت می‌کنیم")
        translation_save(unit=units[key], language="fa", text=f"{text} [fa]", actor=None)
    assert stats("about", "fa").percent == 100

    path.write_text(path.read_text().replace("good-faith contributions", "their contributions"))
    run = sync(tmp_path)

    assert f"{path}: 0 unit(s) added, 1 changed, 0 removed" in run.stdout
    figures = stats("about", "fa")
    assert (figures.translated, figures.outdated, figures.percent) == (3, 1, 75)
    outdated = Translation.objects.get(unit__page__slug="about", unit__key="2", language="fa")
    assert outdated.outdated
    assert outdated.source_text == "Anyone who is harassed for good-faith contributions."


def test_a_removed_block_deletes_its_unit_and_translations(tmp_path: Path) -> None:
    path = write_page(tmp_path, "about", ABOUT)
    sync(tmp_path)
    unit = Unit.objects.get(page__slug="about", key="3")
    translation_save(unit=unit, language="fa", text="به {{team_email}} بنویسید.", actor=None)

    path.write_text(page_source(ABOUT.split("    <!--T:3-->")[0]))
    run = sync(tmp_path)

    assert f"{path}: 0 unit(s) added, 0 changed, 1 removed" in run.stdout
    assert not Unit.objects.filter(page__slug="about", key="3").exists()
    assert not Translation.objects.filter(language="fa").exists()
    assert stats("about", "fa").total == 3


def test_new_blocks_get_their_markers_written_and_keep_their_ids(tmp_path: Path) -> None:
    body = "## Whom we support\n\nAnyone who is harassed.\n\n<!--T:7-->\nMarked already."
    path = write_page(tmp_path, "about", body)
    before = path.read_text()

    run = sync(tmp_path)

    assert f"{path}: created (4 units); 2 marker(s) written" in run.stdout
    after = path.read_text()
    assert after == before.replace("## Whom", "<!--T:8-->\n## Whom").replace(
        "Anyone", "<!--T:9-->\nAnyone"
    )
    assert [unit.key for unit in Unit.objects.filter(page__slug="about")] == [
        "title",
        "8",
        "9",
        "7",
    ]
    assert SyncedFile.objects.get(path="en/about.md").file_hash == file_hash(after)
    assert Page.objects.get(slug="about").source_file_hash == file_hash(after)

    ids = set(Unit.objects.values_list("pk", "key"))
    assert "Nothing changed" in sync(tmp_path).stdout
    assert set(Unit.objects.values_list("pk", "key")) == ids
    assert path.read_text() == after


def test_a_new_block_never_takes_over_a_removed_blocks_key(tmp_path: Path) -> None:
    path = write_page(tmp_path, "about", ABOUT)
    sync(tmp_path)
    unit = Unit.objects.get(page__slug="about", key="3")
    translation_save(unit=unit, language="fa", text="به {{team_email}} بنویسید.", actor=None)

    # The last block is replaced by a new one, written without a marker.
    path.write_text(page_source(ABOUT.split("    <!--T:3-->")[0] + "\n    Something else."))
    run = sync(tmp_path)

    assert f"{path}: 1 unit(s) added, 0 changed, 1 removed; 1 marker(s) written" in run.stdout
    assert path.read_text().endswith("<!--T:4-->\nSomething else.\n")
    assert not Translation.objects.filter(language="fa").exists()


def test_markers_that_could_not_be_written_are_written_by_the_next_sync(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_page(tmp_path, "about", "One.\n\nTwo.")
    raw = path.read_text()

    def refuse(source: object, target: object) -> None:
        raise PermissionError("read-only file system")

    with monkeypatch.context() as patched:
        patched.setattr(os, "replace", refuse)
        run = sync(tmp_path)
    assert f"Warning: {path}: could not write the markers" in run.stderr
    assert "read-only file system" in run.stderr
    assert path.read_text() == raw
    assert [p.name for p in path.parent.iterdir()] == ["about.md"]
    ids = list(Unit.objects.values_list("pk", "key"))

    again = sync(tmp_path)

    assert f"{path}: no unit changed; 2 marker(s) written" in again.stdout
    assert path.read_text().count("<!--T:") == 2
    assert list(Unit.objects.values_list("pk", "key")) == ids
    assert "Nothing changed" in sync(tmp_path).stdout


def test_broken_front_matter_names_file_and_line_and_changes_nothing(tmp_path: Path) -> None:
    good = write_page(tmp_path, "about", "A block without a marker.")
    broken = tmp_path / "en" / "glossary.md"
    broken.write_text("---\ntitle: Glossary\nsummary: [unclosed\n---\n\nWords.\n")
    files = snapshot(tmp_path)
    entries = AuditEntry.objects.count()

    error, stderr = failing_sync(tmp_path)

    assert f"{broken}:4: front matter:" in stderr
    assert "1 problem(s)" in str(error)
    assert "nothing was changed" in str(error)
    assert not Page.objects.exists()
    assert not SyncedFile.objects.exists()
    assert AuditEntry.objects.count() == entries
    assert snapshot(tmp_path) == files
    assert "T:" not in good.read_text()


def test_every_problem_in_the_tree_is_reported_at_once(tmp_path: Path) -> None:
    make_page("statements", "Old text.")  # on the site only, written in English
    write_page(tmp_path, "about", "<!--T:1-->\nText.\n\n<!--T:1-->\nAgain.")
    write_page(tmp_path, "glossary", "Words.", language="de")
    write_page(tmp_path, "first", "One.", slug="same")
    write_page(tmp_path, "second", "Two.", slug="same")
    (tmp_path / "en" / "deeper" / "still").mkdir(parents=True)
    (tmp_path / "en" / "deeper" / "still" / "page.md").write_text(page_source("Text."))
    (tmp_path / "loose.md").write_text(page_source("Text."))
    (tmp_path / "en" / "latin1.md").write_bytes(b"---\ntitle: T\n---\n\nCaf\xe9.\n")
    write_catalogue(tmp_path, "fa", "nowhere", catalogue("fa"))
    write_catalogue(tmp_path, "en", "statements", catalogue("en"))
    write_catalogue(tmp_path, "fa", "about", catalogue("fa"))  # fine: the page is broken only
    (tmp_path / "fr").mkdir()
    (tmp_path / "fr" / "about.po").write_bytes(b'msgid ""\nmsgstr "\xe9"\n')

    _error, stderr = failing_sync(tmp_path)

    en = tmp_path / "en"
    assert (
        f"{en / 'deeper' / 'still' / 'page.md'}: pages and translations belong in a language "
        "directory or one folder below it"
    ) in stderr
    assert f"{tmp_path / 'de' / 'glossary.md'}: 'de' is not a language rightsdesk ships" in stderr
    assert (
        f"{tmp_path / 'loose.md'}: pages and translations belong in a language directory" in stderr
    )
    assert f"{en / 'about.md'}:8: marker T:1 is used twice (first on line 5)" in stderr
    assert f"{en / 'latin1.md'}:5: the file is not UTF-8 text" in stderr
    assert f"{en / 'second.md'}: the slug 'same' is also used by {en / 'first.md'}" in stderr
    assert f"{tmp_path / 'fa' / 'nowhere.po'}: there is no page 'nowhere'" in stderr
    assert (
        f"{en / 'statements.po'}: page 'statements' is written in en; it has no translation"
        in stderr
    )
    assert f"{tmp_path / 'fr' / 'about.po'}:2: the file is not UTF-8 text" in stderr
    assert "fa/about.po" not in stderr
    assert len(stderr.splitlines()) == 9
    assert list(Page.objects.values_list("slug", flat=True)) == ["statements"]


def test_quiet_sync_prints_only_warnings(tmp_path: Path) -> None:
    path = write_page(tmp_path, "about", ABOUT)
    sync(tmp_path)
    page_apply_source(source=parse_source(page_source("Edited."), slug="about"), on_site=True)
    path.write_text(page_source("Changed."))
    run = sync(tmp_path, verbosity=0)
    assert run.stdout == ""
    assert "skipped: page 'about' was edited on the site" in run.stderr


def test_markers_are_not_written_into_a_file_edited_during_the_sync(tmp_path: Path) -> None:
    path = write_page(tmp_path, "about", "One.")
    tree = content_tree_read(tmp_path)
    path.write_text(page_source("One, edited meanwhile."))
    report = SyncReport(directory=tmp_path)

    write_markers(tree.sources[0], tmp_path, report)

    assert path.read_text() == page_source("One, edited meanwhile.")
    assert report.warnings == [
        f"{path}: could not write the markers of its new blocks (the file changed while it was "
        "being synced); their ids stay the same until the file is edited. Sync again once the "
        "file can be written."
    ]


def test_other_files_are_ignored_with_a_notice(tmp_path: Path) -> None:
    write_page(tmp_path, "about", ABOUT)
    (tmp_path / "en" / "photo.png").write_bytes(b"\x89PNG")
    (tmp_path / "en" / ".about.md.swp").write_bytes(b"\0")
    run = sync(tmp_path)
    assert f"Notice: {tmp_path / 'en' / 'photo.png'}: ignored" in run.stdout
    assert ".swp" not in run.stdout


def test_a_missing_content_directory_is_an_error(tmp_path: Path) -> None:
    _error, stderr = failing_sync(tmp_path / "nowhere")
    assert "the content directory does not exist" in stderr


def test_site_edits_are_kept_unless_forced(tmp_path: Path) -> None:
    path = write_page(tmp_path, "about", ABOUT)
    sync(tmp_path)
    edited = parse_source(page_source(ABOUT.replace("Anyone", "Everyone")), slug="about")
    page_apply_source(source=edited, on_site=True)
    path.write_text(path.read_text().replace("## Whom", "## For whom"))

    run = sync(tmp_path)

    assert f"Warning: {path}: skipped: page 'about' was edited on the site" in run.stderr
    assert "the site edits were kept" in run.stderr
    assert "0 file(s) loaded, 0 unchanged, 1 skipped" in run.stdout
    assert Unit.objects.get(page__slug="about", key="2").text.startswith("Everyone")
    assert Unit.objects.get(page__slug="about", key="1").text == "## Whom we support"
    assert "skipped" in sync(tmp_path).stderr  # still in conflict: said again

    forced = sync(tmp_path, "--force")

    assert f"{path}: 0 unit(s) added, 2 changed, 0 removed" in forced.stdout
    assert Unit.objects.get(page__slug="about", key="2").text.startswith("Anyone")
    assert Page.objects.get(slug="about").edited_on_site_at is None
    assert "Nothing changed" in sync(tmp_path).stdout


def test_an_unchanged_file_does_not_undo_site_edits(tmp_path: Path) -> None:
    write_page(tmp_path, "about", ABOUT)
    sync(tmp_path)
    edited = parse_source(page_source(ABOUT.replace("Anyone", "Everyone")), slug="about")
    page_apply_source(source=edited, on_site=True)
    run = sync(tmp_path)
    assert "Nothing changed" in run.stdout
    assert run.stderr == ""
    assert Unit.objects.get(page__slug="about", key="2").text.startswith("Everyone")


def test_a_page_deleted_on_the_site_is_loaded_again(tmp_path: Path) -> None:
    write_page(tmp_path, "about", ABOUT)
    sync(tmp_path)
    Page.objects.all().delete()
    assert "created (4 units)" in sync(tmp_path).stdout


def test_a_page_whose_file_disappeared_is_left_with_a_notice(tmp_path: Path) -> None:
    path = write_page(tmp_path, "about", ABOUT)
    write_page(tmp_path, "glossary", "<!--T:1-->\nWords.")
    sync(tmp_path)
    path.unlink()
    run = sync(tmp_path)
    assert (
        "Notice: page 'about' was loaded from en/about.md, which is no longer in the tree; "
        "the page was left as it is"
    ) in run.stdout
    assert Page.objects.filter(slug="about").exists()


def test_check_reports_and_writes_nothing(tmp_path: Path) -> None:
    path = write_page(tmp_path, "about", ABOUT)
    write_page(tmp_path, "glossary", "Words without a marker.")
    files = snapshot(tmp_path)
    entries = AuditEntry.objects.count()

    error, stderr = failing_sync(tmp_path, "--check")

    assert f"{tmp_path / 'en' / 'glossary.md'}:5: block without a marker (it would get T:1)" in (
        stderr
    )
    assert "1 block(s) have no <!--T:n--> marker" in str(error)
    assert snapshot(tmp_path) == files
    assert not Page.objects.exists()
    assert not SyncedFile.objects.exists()
    assert AuditEntry.objects.count() == entries

    (tmp_path / "en" / "glossary.md").unlink()
    run = sync(tmp_path, "--check")
    assert f"{path}: created (4 units)" in run.stdout
    assert "1 file(s) would change, 0 unchanged, 0 would be skipped" in run.stdout
    assert not Page.objects.exists()


def test_check_fails_on_errors(tmp_path: Path) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "about.md").write_text("no front matter\n")
    _error, stderr = failing_sync(tmp_path, "--check")
    assert f"{tmp_path / 'en' / 'about.md'}:1: the file must start with front matter" in stderr


def test_check_after_a_sync_passes(tmp_path: Path) -> None:
    write_page(tmp_path, "about", "No marker yet.")
    sync(tmp_path)
    run = sync(tmp_path, "--check")
    assert "0 file(s) would change, 1 unchanged" in run.stdout
    assert run.stderr == ""


def test_translations_are_imported_from_po_files(tmp_path: Path) -> None:
    write_page(tmp_path, "about", ABOUT, title="Who we are")
    po_path = write_catalogue(
        tmp_path,
        "fa",
        "about",
        catalogue(
            "fa",
            ("about/title", "Who we are", "ما که هستیم"),
            ("about/1", "## Whom we support", "## از چه کسی حمایت می‌کنیم"),
        ),
    )

    run = sync(tmp_path)

    lines = run.stdout.splitlines()
    assert lines[0].endswith("en/about.md: created (4 units)")  # sources come first
    assert lines[1] == f"{po_path}: 2 translation(s) imported, 0 unchanged"
    assert stats("about", "fa").percent == 50
    assert AuditEntry.objects.filter(action=Action.TRANSLATION_IMPORT).count() == 1
    assert "Nothing changed: 2 file(s)" in sync(tmp_path).stdout


def test_po_problems_are_warnings_and_the_rest_is_imported(tmp_path: Path) -> None:
    write_page(tmp_path, "about", ABOUT)
    po_path = write_catalogue(
        tmp_path,
        "fa",
        "about",
        catalogue(
            "fa",
            ("about/2", "Anyone who is harassed for good-faith contributions.", "هر کسی"),
            ("about/3", "Write to {{team_email}}.", "بنویسید."),
            ("about/99", "Gone.", "رفته."),
        ),
    )

    run = sync(tmp_path)

    assert f"{po_path}: 1 translation(s) imported, 0 unchanged" in run.stdout
    assert f"Warning: {po_path}: about/3:" in run.stderr
    assert f"Warning: {po_path}: about/99:" in run.stderr
    assert Translation.objects.get(language="fa").unit.key == "2"


def test_a_po_file_for_a_page_only_on_the_site_is_imported(tmp_path: Path) -> None:
    make_page("statements", "<!--T:1-->\nOur statements.")
    write_catalogue(
        tmp_path,
        "fr",
        "statements",
        catalogue("fr", ("statements/1", "Our statements.", "Nos déclarations.")),
    )
    run = sync(tmp_path)
    assert "1 translation(s) imported" in run.stdout
    assert stats("statements", "fr").translated == 1


def test_a_changed_po_file_keeps_translations_edited_on_the_site(tmp_path: Path) -> None:
    write_page(tmp_path, "about", ABOUT, title="Who we are")
    po_path = write_catalogue(
        tmp_path, "fa", "about", catalogue("fa", ("about/title", "Who we are", "ما که هستیم"))
    )
    sync(tmp_path)
    title = Unit.objects.get(page__slug="about", key="title")
    translation_save(unit=title, language="fa", text="ما چه کسانی هستیم", actor=None)
    po_path.write_text(
        catalogue(
            "fa",
            ("about/title", "Who we are", "ما کیستیم"),
            ("about/1", "## Whom we support", "## از چه کسی حمایت می‌کنیم"),
        )
    )

    run = sync(tmp_path)

    assert f"{po_path}: 1 translation(s) imported, 0 unchanged" in run.stdout
    assert (
        f"Warning: {po_path}: 1 translation(s) edited on the site since the last sync were kept: "
        "about/title"
    ) in run.stderr
    assert Translation.objects.get(unit=title, language="fa").text == "ما چه کسانی هستیم"
