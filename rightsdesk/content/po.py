"""Translations in and out as gettext PO catalogues, so translatewiki.net or Weblate can be used.

One entry per unit: ``msgctxt`` is the unit id (``<slug>/<key>``), ``msgid`` the unit's source text
exactly as stored, ``msgstr`` the translation. An outdated translation is exported ``#, fuzzy``
with the source it was made from as ``#| msgid``; importing it back keeps it outdated. An entry
whose ``msgid`` is an older source than the page's current one is stored as the translation of
that older source, so it comes back outdated on its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

import polib  # type: ignore[import-untyped]
from django.db import transaction
from django.utils.translation import gettext as _

from rightsdesk.accounts.models import StaffMember
from rightsdesk.audit.models import Action
from rightsdesk.audit.services import audit_record
from rightsdesk.content.checks import translation_problems
from rightsdesk.content.models import Page, Translation, Unit
from rightsdesk.content.services import page_stats_refresh, pages_changed, shipped_languages
from rightsdesk.content.source import TRANSLATABLE_FIELDS, text_hash
from rightsdesk.core.clock import now

PROJECT = "rightsdesk content"
# The source hash of a fuzzy entry whose previous source is not known: it never matches a unit.
FUZZY_HASH = "fuzzy"
PO_DATE_FORMAT = "%Y-%m-%d %H:%M%z"
# When the catalogue was exported, to the microsecond: an upload can then keep the translations
# changed on the site after that moment instead of overwriting them.
EXPORTED_AT = "X-Rightsdesk-Exported-At"


class Outcome(Enum):
    IMPORTED = "imported"
    UNCHANGED = "unchanged"
    KEPT = "kept"
    REJECTED = "rejected"


@dataclass
class ImportReport:
    imported: int = 0
    unchanged: int = 0
    # Unit ids whose translation was edited on the site after ``keep_edits_since``.
    kept: list[str] = field(default_factory=list)
    # One translated line per rejected entry, naming its unit id; or one for an unreadable file.
    problems: list[str] = field(default_factory=list)


def normalise_language(code: str) -> str:
    """``zh_Hans``, ``zh-Hans`` and ``zh-hans`` are one language (PO tools write the first)."""
    return code.strip().replace("_", "-").lower()


def unit_kind(unit: Unit) -> str:
    """What kind of text a unit is, in words a translator understands."""
    names = {"title": _("page title"), "summary": _("summary"), "region": _("region")}
    if unit.key in TRANSLATABLE_FIELDS:
        return names[unit.key]
    first = unit.text.lstrip()
    if first.startswith("#"):
        return _("heading")
    if first.startswith(("- ", "* ", "+ ")) or first.split(".", 1)[0].isdigit():
        return _("list")
    if first.startswith(">"):
        return _("quotation")
    if first.startswith("|"):
        return _("table")
    if first.startswith(("```", "~~~")):
        return _("code")
    return _("paragraph")


def export_catalogue(language: str, pages: Iterable[Page] | None = None) -> str:
    """The ``language`` translations of ``pages`` (every page by default) as one PO catalogue.

    Pages written in ``language`` itself are left out: there is nothing to translate.
    """
    language = normalise_language(language)
    if language not in shipped_languages():
        raise ValueError(f"unknown language {language!r}")
    chosen = (
        Page.objects.all()
        if pages is None
        else Page.objects.filter(pk__in=[page.pk for page in pages])
    )
    chosen = chosen.exclude(source_language=language).order_by("slug")
    units = list(
        Unit.objects.filter(page__in=chosen)
        .select_related("page")
        .order_by("page__slug", "position")
    )
    translations = {
        translation.unit_id: translation
        for translation in Translation.objects.filter(unit__in=units, language=language)
    }
    titles = {unit.page_id: unit.text for unit in units if unit.key == "title"}
    revised = max(
        [translation.updated_at for translation in translations.values()]
        + [unit.page.updated_at for unit in units],
        default=now(),
    )
    catalogue = polib.POFile(wrapwidth=0)
    catalogue.metadata = {
        "Project-Id-Version": PROJECT,
        "PO-Revision-Date": revised.strftime(PO_DATE_FORMAT),
        "Language": language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        EXPORTED_AT: now().isoformat(),
    }
    for unit in units:
        translation = translations.get(unit.pk)
        entry = polib.POEntry(
            msgctxt=unit.unit_id,
            msgid=unit.text,
            msgstr=translation.text if translation else "",
            comment=_("Page “%(title)s”, %(kind)s")
            % {"title": titles.get(unit.page_id, unit.page.slug), "kind": unit_kind(unit)},
        )
        if translation is not None and translation.source_hash != unit.source_hash:
            entry.flags.append("fuzzy")
            if translation.source_text:
                entry.previous_msgid = translation.source_text
        catalogue.append(entry)
    return str(catalogue)


def catalogue_exported_at(text: str) -> datetime | None:
    """When rightsdesk exported this catalogue, if it says so (tools keep unknown header lines)."""
    try:
        value = _parse(text).metadata.get(EXPORTED_AT, "")
        at = datetime.fromisoformat(value) if value else None
    except (OSError, ValueError, UnicodeError):
        return None
    return at if at is not None and at.tzinfo is not None else None


def _parse(text: str) -> polib.POFile:
    # polib.pofile() would read a file if ``text`` happened to name one; parse the text itself.
    parser = polib._POFileParser(text, encoding="utf-8", wrapwidth=0)
    return parser.parse()


def import_catalogue(
    language: str,
    text: str,
    *,
    actor: StaffMember | None = None,
    keep_edits_since: datetime | None = None,
) -> ImportReport:
    """Store every good translation of a PO catalogue for ``language``; report every bad entry.

    Entries without a translation are ignored (they never remove one). With ``keep_edits_since``,
    a translation changed after that moment (on the site, say) is kept rather than overwritten.
    """
    report = ImportReport()
    language = normalise_language(language)
    if language not in shipped_languages():
        report.problems.append(
            _("rightsdesk is not translated into %(language)s.") % {"language": language}
        )
        return report
    try:
        catalogue = _parse(text)
    except (OSError, ValueError, UnicodeError) as error:
        report.problems.append(
            _("The file could not be read as a PO catalogue: %(error)s") % {"error": error}
        )
        return report
    declared = normalise_language(catalogue.metadata.get("Language", ""))
    if declared and declared != language:
        report.problems.append(
            _("The file is a catalogue for %(declared)s, not for %(language)s.")
            % {"declared": declared, "language": language}
        )
        return report
    entries = [entry for entry in catalogue if not entry.obsolete and entry.msgstr.strip()]
    slugs = {(entry.msgctxt or "").split("/", 1)[0] for entry in entries}
    at = now()
    touched: dict[int, Page] = {}
    with transaction.atomic():
        units = {
            unit.unit_id: unit
            for unit in Unit.objects.filter(page__slug__in=slugs).select_related("page")
        }
        existing = {
            translation.unit_id: translation  # the unit's primary key
            for translation in Translation.objects.select_for_update().filter(
                unit__in=units.values(), language=language
            )
        }
        for entry in entries:
            outcome, unit_or_problem = _import_entry(
                entry, language, units, existing, actor=actor, at=at, since=keep_edits_since
            )
            if isinstance(unit_or_problem, str):
                report.problems.append(unit_or_problem)
            elif outcome is Outcome.UNCHANGED:
                report.unchanged += 1
            elif outcome is Outcome.KEPT:
                report.kept.append(unit_or_problem.unit_id)
            else:
                report.imported += 1
                touched[unit_or_problem.page_id] = unit_or_problem.page
        for page in touched.values():
            page_stats_refresh(page, [language])
        pages_changed(touched.values())
        audit_record(
            action=Action.TRANSLATION_IMPORT,
            actor=actor,
            detail={
                "language": language,
                "pages": len(touched),
                "imported": report.imported,
                "unchanged": report.unchanged,
                "kept": len(report.kept),
                "problems": len(report.problems),
            },
        )
    return report


def _import_entry(
    entry: polib.POEntry,
    language: str,
    units: dict[str, Unit],
    existing: dict[int, Translation],
    *,
    actor: StaffMember | None,
    at: datetime,
    since: datetime | None,
) -> tuple[Outcome, Unit | str]:
    """Store one entry: the outcome and its unit, or REJECTED and a translated problem."""
    unit_id = entry.msgctxt or ""
    unit = units.get(unit_id)
    if unit is None:
        if not unit_id:
            return Outcome.REJECTED, _(
                "Line %(line)s: the entry names no unit (it has no msgctxt)."
            ) % {"line": entry.linenum}
        return Outcome.REJECTED, _("%(unit)s: there is no such unit.") % {"unit": unit_id}
    if unit.page.source_language == language:
        return Outcome.REJECTED, _("%(unit)s: this page is written in %(language)s.") % {
            "unit": unit_id,
            "language": language,
        }
    translated = entry.msgstr.strip()
    fuzzy = "fuzzy" in entry.flags
    source = entry.previous_msgid if fuzzy and entry.previous_msgid else entry.msgid
    problems = translation_problems(source, translated)
    if problems:
        return Outcome.REJECTED, _("%(unit)s: %(problems)s") % {
            "unit": unit_id,
            "problems": " ".join(problems),
        }
    if fuzzy:
        source_text = entry.previous_msgid or ""
        source_hash = text_hash(source_text) if source_text else FUZZY_HASH
        if source_hash == unit.source_hash:
            source_hash = FUZZY_HASH
    else:
        source_text = entry.msgid
        source_hash = text_hash(entry.msgid)
    current = existing.get(unit.pk)
    if current is not None:
        if current.text == translated and current.source_hash == source_hash:
            return Outcome.UNCHANGED, unit
        if since is not None and current.updated_at > since and current.text != translated:
            return Outcome.KEPT, unit
    else:
        current = Translation(unit=unit, language=language)
        existing[unit.pk] = current
    current.text = translated
    current.source_hash = source_hash
    current.source_text = source_text
    current.translated_by = actor
    current.updated_at = at
    current.save()
    return Outcome.IMPORTED, unit
