"""Loading the repository's ``content/`` tree into the database (``content sync``).

The tree holds ``<language>/<slug>.md``, the source of page ``<slug>`` written in ``<language>``,
and ``<language>/<slug>.po``, the translations of page ``<slug>`` into ``<language>``; either may
sit one folder deeper (``en/safety/passwords-beginner.md``) to keep a large tree in order. Slugs
are unique across folders. Pages of the safety centre's kinds are also held to their kind's rules
(``rightsdesk.content.kinds``). A sync is
all or nothing: every file is read and checked first, and one problem anywhere leaves both the
database and the tree untouched. Only then are the changed files loaded, in one transaction,
sources before translations.

A file whose hash is the one recorded at its last sync (:class:`SyncedFile`) is skipped, so that
what editors and translators changed on the site since is kept. A changed source file of a page
that was edited on the site since its last sync is a conflict: it is skipped with a warning
unless ``force`` is given, because loading it would silently throw the site edits away.

Blocks written without a ``<!--T:n-->`` marker are numbered, and after the transaction the
markers are written into the file, so that the next sync (and every translator) sees the same
ids. Nothing else in the file is touched.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path

from django.conf import settings
from django.db import transaction

from rightsdesk.accounts.models import StaffMember
from rightsdesk.content import po
from rightsdesk.content.kinds import source_problems
from rightsdesk.content.models import Page, SyncedFile, Unit
from rightsdesk.content.services import page_apply_source, shipped_languages
from rightsdesk.content.source import (
    SourceError,
    SourcePage,
    SourceUnit,
    assign_keys,
    file_hash,
    parse_source,
    with_markers,
)
from rightsdesk.core.clock import now

PAGE_SUFFIX = ".md"
CATALOGUE_SUFFIX = ".po"


class SyncFailed(Exception):
    """The tree has problems; nothing was changed. ``errors`` has one line per problem."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class SourceFile:
    """A page's source file as read, with every block keyed."""

    # Relative to the content directory, with forward slashes: "en/about.md". This is what
    # ``SyncedFile.path`` and ``Page.source_path`` hold.
    path: str
    # How messages name the file: relative to the working directory when it is below it.
    shown: str
    raw: str
    page: SourcePage

    @property
    def unmarked(self) -> list[SourceUnit]:
        """Blocks that have no marker in the file yet."""
        return [unit for unit in self.page.units if unit.new_key]

    @property
    def marked_text(self) -> str:
        """The file's text with a marker before every block that has none."""
        return with_markers(self.raw, self.page)


@dataclass(frozen=True)
class CatalogueFile:
    """A PO file: translations of one page into one language."""

    path: str
    shown: str
    language: str
    slug: str
    text: str


@dataclass
class ContentTree:
    directory: Path
    sources: list[SourceFile] = field(default_factory=list)
    catalogues: list[CatalogueFile] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


@dataclass
class SyncReport:
    directory: Path
    dry_run: bool = False
    # One line per file that was (or, in a dry run, would be) loaded.
    changes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    # One line per block without a marker, whether or not its file changed.
    unmarked: list[str] = field(default_factory=list)
    changed: int = 0
    unchanged: int = 0
    skipped: int = 0

    @property
    def summary(self) -> str:
        if self.dry_run:
            return (
                f"Check of {self.directory}: {self.changed} file(s) would change, "
                f"{self.unchanged} unchanged, {self.skipped} would be skipped; "
                f"{len(self.unmarked)} block(s) without a marker. Nothing was written."
            )
        if not self.changed and not self.skipped:
            return f"Nothing changed: {self.unchanged} file(s) in {self.directory} are up to date."
        return (
            f"Content synced from {self.directory}: {self.changed} file(s) loaded, "
            f"{self.unchanged} unchanged, {self.skipped} skipped."
        )


def content_directory() -> Path:
    return Path(settings.CONTENT_DIR)


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _read_text(path: Path, shown: str, errors: list[str]) -> str | None:
    """The file's text exactly as stored (line endings included), or None after an error."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        errors.append(f"{shown}:{line}: the file is not UTF-8 text")
        return None


@dataclass(frozen=True)
class _Found:
    file: Path
    language: str
    # Relative to the content directory, with forward slashes.
    path: str

    @property
    def shown(self) -> str:
        return _shown(self.file)


def content_tree_read(directory: Path) -> ContentTree:
    """Read and check every file of the tree. Problems are collected in ``errors``, all of them,
    so that an author can fix a whole tree in one go."""
    tree = ContentTree(directory=directory)
    if not directory.is_dir():
        tree.errors.append(f"{_shown(directory)}: the content directory does not exist")
        return tree
    found = _walk(directory, tree)
    unreadable = _read_pages([item for item in found if item.file.suffix == PAGE_SUFFIX], tree)
    tree.errors += [str(problem) for problem in source_problems([s.page for s in tree.sources])]
    _read_catalogues(
        [item for item in found if item.file.suffix == CATALOGUE_SUFFIX], tree, unreadable
    )
    return tree


def _walk(directory: Path, tree: ContentTree) -> list[_Found]:
    """The pages and translations in the tree. Hidden files and READMEs are passed over
    silently, anything else that is neither with a notice."""
    languages = shipped_languages()
    found = []
    for file in sorted(directory.rglob("*")):
        relative = file.relative_to(directory)
        if file.is_dir() or any(part.startswith(".") for part in relative.parts):
            continue
        if file.name.lower().startswith("readme"):
            continue
        shown = _shown(file)
        if file.suffix not in (PAGE_SUFFIX, CATALOGUE_SUFFIX):
            tree.notices.append(f"{shown}: ignored (neither a page .md nor a translation .po)")
            continue
        if len(relative.parts) not in (2, 3):
            tree.errors.append(
                f"{shown}: pages and translations belong in a language directory or one folder "
                f"below it (<language>/<slug>{file.suffix} or <language>/<folder>/<slug>"
                f"{file.suffix})"
            )
            continue
        language = relative.parts[0]
        if language not in languages:
            tree.errors.append(
                f"{shown}: {language!r} is not a language rightsdesk ships "
                f"(one of: {', '.join(languages)})"
            )
            continue
        found.append(_Found(file=file, language=language, path=relative.as_posix()))
    return found


def _read_pages(found: list[_Found], tree: ContentTree) -> set[str]:
    """Parse every source file into ``tree.sources``; returns the names of those that could not
    be read, so that their translations are not reported as orphans as well."""
    unreadable: set[str] = set()
    by_slug: dict[str, SourceFile] = {}
    for item in found:
        raw = _read_text(item.file, item.shown, tree.errors)
        if raw is None:
            unreadable.add(item.file.stem)
            continue
        try:
            page = parse_source(raw, path=item.shown, slug=item.file.stem, language=item.language)
        except SourceError as error:
            tree.errors.append(str(error))
            unreadable.add(item.file.stem)
            continue
        first = by_slug.get(page.slug)
        if first is not None:
            tree.errors.append(
                f"{item.shown}: the slug {page.slug!r} is also used by {first.shown}"
            )
            continue
        page = _keyed(replace(page, path=item.path), raw)
        by_slug[page.slug] = SourceFile(path=item.path, shown=item.shown, raw=raw, page=page)
        tree.sources.append(by_slug[page.slug])
    return unreadable


def _read_catalogues(found: list[_Found], tree: ContentTree, unreadable: set[str]) -> None:
    in_tree = {source.page.slug: source.page.language for source in tree.sources}
    on_site = dict(Page.objects.values_list("slug", "source_language"))
    for item in found:
        slug = item.file.stem
        source_language = in_tree.get(slug) or on_site.get(slug)
        if source_language is None and slug not in unreadable:
            tree.errors.append(
                f"{item.shown}: there is no page {slug!r}, neither in the tree nor on the site"
            )
            continue
        if source_language == item.language:
            tree.errors.append(
                f"{item.shown}: page {slug!r} is written in {item.language}; "
                "it has no translation into it"
            )
            continue
        text = _read_text(item.file, item.shown, tree.errors)
        if text is not None:
            tree.catalogues.append(
                CatalogueFile(
                    path=item.path, shown=item.shown, language=item.language, slug=slug, text=text
                )
            )


def _keyed(page: SourcePage, raw: str) -> SourcePage:
    """``page`` with keys for its unmarked blocks that never reuse a key the page had before.

    The parser numbers unmarked blocks after the highest marker in the file. If the block with
    the highest number was removed in the same edit, a new block would take over its number and
    so its translations; counting the keys the page has on the site prevents that. The exception
    is a file whose markers could not be written at its last sync: its blocks already have their
    keys on the site, and the plain numbering gives them the same ones again.
    """
    if not any(unit.new_key for unit in page.units):
        return page
    synced = SyncedFile.objects.filter(path=page.path).values_list("file_hash", flat=True).first()
    if synced is not None and synced == file_hash(with_markers(raw, page)):
        return page
    taken = set(Unit.objects.filter(page__slug=page.slug).values_list("key", flat=True))
    if not taken:
        return page
    units = assign_keys(
        [
            SourceUnit(key="", text=unit.text, line=unit.line) if unit.new_key else unit
            for unit in page.units
        ],
        taken,
    )
    return replace(page, units=tuple(units))


def content_sync(
    *,
    directory: Path | None = None,
    force: bool = False,
    dry_run: bool = False,
    actor: StaffMember | None = None,
) -> SyncReport:
    """Load the changed files of the content tree. Raises :class:`SyncFailed`, having changed
    nothing, when any file has a problem.

    ``dry_run`` does all the work in a transaction that is then rolled back, so the report says
    exactly what a real sync would do, and writes no file.
    """
    directory = directory or content_directory()
    tree = content_tree_read(directory)
    if tree.errors:
        raise SyncFailed(tree.errors)
    report = SyncReport(directory=directory, dry_run=dry_run, notices=list(tree.notices))
    gets = "would get" if dry_run else "gets"
    for source in tree.sources:
        for unit in source.unmarked:
            report.unmarked.append(
                f"{source.shown}:{unit.line}: block without a marker (it {gets} T:{unit.key})"
            )
    with transaction.atomic():
        synced = {row.path: row for row in SyncedFile.objects.select_for_update()}
        to_write = _apply_sources(tree.sources, synced, report, force=force, actor=actor)
        _apply_catalogues(tree.catalogues, synced, report, actor=actor)
        _notice_missing_sources(tree.sources, report)
        if dry_run:
            transaction.set_rollback(True)
    if not dry_run:
        for source in to_write:
            write_markers(source, directory, report)
    return report


def _apply_sources(
    sources: list[SourceFile],
    synced: dict[str, SyncedFile],
    report: SyncReport,
    *,
    force: bool,
    actor: StaffMember | None,
) -> list[SourceFile]:
    """Load the changed source files; returns those whose new markers are to be written."""
    would = "would be " if report.dry_run else ""
    to_write = []
    for source in sources:
        record = synced.get(source.path)
        page = Page.objects.filter(slug=source.page.slug).first()
        if record and record.file_hash == file_hash(source.raw) and page is not None:
            report.unchanged += 1
            continue
        if page is not None and page.edited_on_site_at is not None and not force:
            report.skipped += 1
            report.warnings.append(
                f"{source.shown}: {would}skipped: page {page.slug!r} was edited on the site "
                f"since its last sync; the site edits were kept. Copy them into the file, or "
                f"sync with --force to replace them with the file."
            )
            continue
        change = page_apply_source(source=source.page, actor=actor)
        report.changed += 1
        if change.created:
            line = f"created ({len(source.page.units)} units)"
        elif change.added or change.changed or change.removed:
            line = (
                f"{len(change.added)} unit(s) added, {len(change.changed)} changed, "
                f"{len(change.removed)} removed"
            )
        else:
            line = "no unit changed"
        marked = source.marked_text
        if marked != source.raw:
            done = "to write" if report.dry_run else "written"
            line += f"; {len(source.unmarked)} marker(s) {done}"
            to_write.append(source)
            Page.objects.filter(pk=change.page.pk).update(source_file_hash=file_hash(marked))
        report.changes.append(f"{source.shown}: {line}")
        _record(synced, source.path, file_hash(marked))
    return to_write


def _apply_catalogues(
    catalogues: list[CatalogueFile],
    synced: dict[str, SyncedFile],
    report: SyncReport,
    *,
    actor: StaffMember | None,
) -> None:
    """Import the changed PO files. Entries they cannot use are warnings; the rest is imported."""
    for catalogue in catalogues:
        record = synced.get(catalogue.path)
        if record and record.file_hash == file_hash(catalogue.text):
            report.unchanged += 1
            continue
        imported = po.import_catalogue(
            catalogue.language,
            catalogue.text,
            actor=actor,
            keep_edits_since=record.synced_at if record else None,
        )
        report.changed += 1
        report.changes.append(
            f"{catalogue.shown}: {imported.imported} translation(s) imported, "
            f"{imported.unchanged} unchanged"
        )
        if imported.kept:
            report.warnings.append(
                f"{catalogue.shown}: {len(imported.kept)} translation(s) edited on the site "
                f"since the last sync were kept: {', '.join(imported.kept)}"
            )
        report.warnings.extend(f"{catalogue.shown}: {problem}" for problem in imported.problems)
        # Recorded after the import, so that the next import of this file does not take the
        # translations it has just stored for edits made on the site.
        _record(synced, catalogue.path, file_hash(catalogue.text))


def _notice_missing_sources(sources: list[SourceFile], report: SyncReport) -> None:
    """Pages loaded from a file that is gone stay as they are: deleting a public page is an
    editor's decision, not a side effect of a file moving."""
    in_tree = {source.page.slug for source in sources}
    for slug, source_path in (
        Page.objects.exclude(source_path="")
        .exclude(slug__in=in_tree)
        .values_list("slug", "source_path")
    ):
        report.notices.append(
            f"page {slug!r} was loaded from {source_path}, which is no longer in the tree; "
            f"the page was left as it is"
        )


def _record(synced: dict[str, SyncedFile], path: str, digest: str) -> None:
    record = synced.get(path) or SyncedFile(path=path)
    record.file_hash = digest
    record.synced_at = now()
    record.save()


def write_markers(source: SourceFile, directory: Path, report: SyncReport) -> None:
    """Write the new markers into the file, replacing it in one step (never half-written).

    A file that changed since it was read is left alone: the author is editing it.
    """
    path = directory / source.path
    partial = path.with_name(f".{path.name}.sync")
    try:
        if path.read_bytes() != source.raw.encode("utf-8"):
            raise OSError("the file changed while it was being synced")
        partial.write_bytes(source.marked_text.encode("utf-8"))
        shutil.copymode(path, partial)
        os.replace(partial, path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        report.warnings.append(
            f"{source.shown}: could not write the markers of its new blocks ({error}); their ids "
            f"stay the same until the file is edited. Sync again once the file can be written."
        )
