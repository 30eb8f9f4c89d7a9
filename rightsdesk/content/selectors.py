"""What the translator and editor pages read. Every staff member with a content permission sees
every page, published or not: there is nothing private in public content."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from rightsdesk.content.models import Page, PageLanguageStats, Translation, Unit
from rightsdesk.content.services import shipped_languages, target_languages
from rightsdesk.content.source import TRANSLATABLE_FIELDS

_WORDS = re.compile(r"(\s+)")


@dataclass(frozen=True)
class LanguageFigure:
    language: str
    percent: int
    translated: int
    outdated: int
    total: int


@dataclass(frozen=True)
class PageRow:
    page: Page
    title: str
    figures: list[LanguageFigure]

    def figure(self, language: str) -> LanguageFigure | None:
        return next((item for item in self.figures if item.language == language), None)


def page_titles(pages: list[Page]) -> dict[int, str]:
    return dict(Unit.objects.filter(page__in=pages, key="title").values_list("page_id", "text"))


def translation_overview(language: str | None = None) -> list[PageRow]:
    """Every page with its completeness in each language it is translated into (only in
    ``language`` when given, least complete first)."""
    pages = list(Page.objects.order_by("slug"))
    titles = page_titles(pages)
    stats: dict[tuple[int, str], PageLanguageStats] = {
        (row.page_id, row.language): row for row in PageLanguageStats.objects.all()
    }
    totals = dict(
        Unit.objects.filter(page__in=pages)
        .values("page_id")
        .annotate(count=Count("id"))
        .values_list("page_id", "count")
    )
    rows = []
    for page in pages:
        languages = target_languages(page)
        if language is not None:
            if language not in languages:
                continue
            languages = [language]
        figures = []
        for code in languages:
            row = stats.get((page.pk, code))
            if row is None:
                figures.append(LanguageFigure(code, 0, 0, 0, totals.get(page.pk, 0)))
            else:
                figures.append(
                    LanguageFigure(code, row.percent, row.translated, row.outdated, row.total)
                )
        rows.append(PageRow(page=page, title=titles.get(page.pk, page.slug), figures=figures))
    if language is not None:
        rows.sort(key=lambda row: (row.figures[0].percent, -row.figures[0].outdated, row.page.slug))
    return rows


class UnitState(StrEnum):
    MISSING = "missing"
    OUTDATED = "outdated"
    CURRENT = "current"


STATE_LABELS = {
    UnitState.MISSING: _("Not translated"),
    UnitState.OUTDATED: _("Outdated: the source changed"),
    UnitState.CURRENT: _("Up to date"),
}


@dataclass(frozen=True)
class DiffPart:
    kind: str  # "same", "removed" or "added"
    text: str


@dataclass(frozen=True)
class UnitRow:
    unit: Unit
    translation: Translation | None
    state: UnitState
    # For an outdated unit: the source the translation was made from against today's, by word.
    diff: list[DiffPart]

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def is_field(self) -> bool:
        """Title, summary and region are one line of plain text; the rest is Markdown."""
        return self.unit.key in TRANSLATABLE_FIELDS


def word_diff(old: str, new: str) -> list[DiffPart]:
    """``old`` against ``new`` word by word (spaces kept), as runs of kept, removed and added
    text."""
    before, after = _WORDS.split(old), _WORDS.split(new)
    parts: list[DiffPart] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for operation, a_start, a_end, b_start, b_end in matcher.get_opcodes():
        if operation == "equal":
            parts.append(DiffPart("same", "".join(before[a_start:a_end])))
            continue
        if operation in ("delete", "replace"):
            parts.append(DiffPart("removed", "".join(before[a_start:a_end])))
        if operation in ("insert", "replace"):
            parts.append(DiffPart("added", "".join(after[b_start:b_end])))
    return [part for part in parts if part.text]


def page_for_translation(slug: str, language: str) -> Page | None:
    """The page, if it exists and is translated into ``language``."""
    page = Page.objects.filter(slug=slug).first()
    if page is None or language not in target_languages(page):
        return None
    return page


def translation_units(page: Page, language: str) -> list[UnitRow]:
    units = list(page.units.order_by("position"))
    translations = {
        translation.unit_id: translation
        for translation in Translation.objects.filter(unit__page=page, language=language)
    }
    rows = []
    for unit in units:
        unit.page = page
        translation = translations.get(unit.pk)
        if translation is None:
            rows.append(UnitRow(unit, None, UnitState.MISSING, []))
            continue
        translation.unit = unit
        if translation.source_hash == unit.source_hash:
            rows.append(UnitRow(unit, translation, UnitState.CURRENT, []))
            continue
        diff = word_diff(translation.source_text, unit.text) if translation.source_text else []
        rows.append(UnitRow(unit, translation, UnitState.OUTDATED, diff))
    return rows


def translation_languages() -> list[str]:
    """Every language a page may be translated into (all shipped ones)."""
    return shipped_languages()


def page_translations(page: Page, language: str) -> dict[int, Translation]:
    """The translations of ``page`` into ``language``, by unit id."""
    if language == page.source_language:
        return {}
    return {
        row.unit_id: row
        for row in Translation.objects.filter(unit__page=page, language=language).only(
            "unit_id", "text", "source_hash"
        )
    }
