"""A page as read in one language: every unit in the best text there is for that reader.

For each unit, in page order:

* on the page's own language, the source text (state ``source``);
* an up-to-date translation (``translated``), in the reader's language and direction;
* a translation made from an older source (``outdated``): still shown, and marked as such;
* no translation (``fallback``): the source text, carrying the source's ``lang`` and ``dir`` so
  that screen readers pronounce it right and the text runs the right way, and marked.

The completeness figure and the date come from ``PageLanguageStats``, never recounted here.
Renderings are cached per page and language under a key holding the page's revision and the
content generation: any edit bumps both, so no process can serve a stale rendering (links to
other pages are part of a rendering, hence the generation).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from typing import Literal

from django.utils.safestring import SafeString
from django.utils.translation import get_language_info

from rightsdesk.content import glossary, markup
from rightsdesk.content.caching import page_rendering
from rightsdesk.content.models import Page, PageKind, PageLanguageStats, Translation, Unit
from rightsdesk.content.selectors import page_translations
from rightsdesk.content.services import content_generation
from rightsdesk.content.source import body_units, is_field

UnitState = Literal["source", "translated", "outdated", "fallback"]


@lru_cache(maxsize=64)
def direction(language: str) -> Literal["ltr", "rtl"]:
    try:
        return "rtl" if get_language_info(language)["bidi"] else "ltr"
    except KeyError:
        return "ltr"


@dataclass(frozen=True)
class RenderedUnit:
    key: str
    html: SafeString
    state: UnitState
    # The language the text shown is in, and its direction.
    language: str
    dir: Literal["ltr", "rtl"]
    # The id a glossary entry is linked to by (``#doxxing``); empty for other units.
    anchor: str = ""

    @property
    def marked(self) -> bool:
        """Whether readers are told that this text is not (or no longer) a translation."""
        return self.state in {"outdated", "fallback"}


@dataclass(frozen=True)
class UnitRun:
    """Neighbouring body units in the same state, so that a stretch of untranslated text is
    marked once rather than paragraph by paragraph."""

    state: UnitState
    language: str
    dir: Literal["ltr", "rtl"]
    units: tuple[RenderedUnit, ...]

    @property
    def marked(self) -> bool:
        return self.state in {"outdated", "fallback"}


@dataclass(frozen=True)
class RenderedPage:
    slug: str
    kind: str
    language: str
    source_language: str
    # The title as plain text (for <title> and links), and as a unit (for its lang and marking).
    title: str
    title_unit: RenderedUnit
    source_title: str
    summary: RenderedUnit | None
    region: RenderedUnit | None
    units: tuple[RenderedUnit, ...]
    # None on the page's own language.
    percent: int | None
    updated_at: datetime

    @property
    def translated(self) -> bool:
        """Whether this is a translated version (the reader's language is not the source's)."""
        return self.language != self.source_language

    @property
    def source_dir(self) -> Literal["ltr", "rtl"]:
        return direction(self.source_language)

    @property
    def is_crisis(self) -> bool:
        return self.kind == PageKind.CRISIS

    @property
    def runs(self) -> tuple[UnitRun, ...]:
        return unit_runs(self.units)


def unit_runs(units: Sequence[RenderedUnit]) -> tuple[UnitRun, ...]:
    """Consecutive units in the same state and language, so a stretch of untranslated text is
    marked once."""
    runs: list[UnitRun] = []
    for unit in units:
        last = runs[-1] if runs else None
        if last is not None and last.state == unit.state and last.language == unit.language:
            runs[-1] = UnitRun(last.state, last.language, last.dir, (*last.units, unit))
        else:
            runs.append(UnitRun(unit.state, unit.language, unit.dir, (unit,)))
    return tuple(runs)


@dataclass(frozen=True)
class ShownText:
    """The text a reader of one language gets for a unit, its state and its language."""

    text: str
    state: UnitState
    language: str


def shown_text(unit: Unit, translation: Translation | None, page: Page, language: str) -> ShownText:
    if language == page.source_language:
        return ShownText(unit.text, "source", page.source_language)
    if translation is None:
        return ShownText(unit.text, "fallback", page.source_language)
    state: UnitState = "translated" if translation.source_hash == unit.source_hash else "outdated"
    return ShownText(translation.text, state, language)


def rendered_unit(key: str, shown: ShownText, html: SafeString) -> RenderedUnit:
    return RenderedUnit(
        key=key,
        html=html,
        state=shown.state,
        language=shown.language,
        dir=direction(shown.language),
    )


def _unit(unit: Unit, translation: Translation | None, page: Page, language: str) -> RenderedUnit:
    shown = shown_text(unit, translation, page, language)
    html = (
        markup.plain_html(shown.text)
        if is_field(unit.key)
        else markup.markdown_html(shown.text, language)
    )
    return rendered_unit(unit.key, shown, html)


def _render(page: Page, language: str) -> RenderedPage:
    units = list(page.units.all())
    translations = page_translations(page, language)
    rendered = {unit.key: _unit(unit, translations.get(unit.pk), page, language) for unit in units}
    if page.kind == PageKind.GLOSSARY:
        rendered = _with_anchors(rendered, units)
    texts = {unit.key: unit.text for unit in units}
    source_title = markup.plain_line(texts.get("title", page.slug))
    title_translation = translations.get(next((u.pk for u in units if u.key == "title"), -1))
    title = markup.plain_line(title_translation.text) if title_translation else source_title
    percent: int | None = None
    updated_at = page.updated_at
    if language != page.source_language:
        stats = PageLanguageStats.objects.filter(page=page, language=language).first()
        percent = stats.percent if stats else 0
        updated_at = stats.updated_at if stats else page.updated_at
    title_unit = rendered.get("title") or RenderedUnit(
        key="title",
        html=markup.plain_html(page.slug),
        state="source",
        language=page.source_language,
        dir=direction(page.source_language),
    )
    return RenderedPage(
        slug=page.slug,
        kind=page.kind,
        language=language,
        source_language=page.source_language,
        title=title,
        title_unit=title_unit,
        source_title=source_title,
        summary=rendered.get("summary"),
        region=rendered.get("region"),
        units=tuple(rendered[unit.key] for unit in body_units(units)),
        percent=percent,
        updated_at=updated_at,
    )


def _with_anchors(rendered: dict[str, RenderedUnit], units: list[Unit]) -> dict[str, RenderedUnit]:
    """A glossary's entries carry the anchor lessons link to, taken from the source's term."""
    anchored = dict(rendered)
    for unit in body_units(units):
        entry = glossary.entry_parse(unit.text)
        if entry is not None:
            anchored[unit.key] = replace(rendered[unit.key], anchor=glossary.anchor(entry.term))
    return anchored


def render_page(page: Page, language: str) -> RenderedPage:
    """``page`` as read in ``language``, from the cache when nothing changed since."""
    return page_rendering(
        "content:rendered",
        page,
        language,
        content_generation(),
        RenderedPage,
        lambda: _render(page, language),
    )


def plain_text(markdown: str) -> str:
    """What a reader reads of a unit's Markdown, as plain text (for search)."""
    return markup.plain_text(markdown)


def language_figures(page: Page) -> dict[str, int]:
    """Completeness of ``page`` in each of its target languages, from the stored figures."""
    return dict(PageLanguageStats.objects.filter(page=page).values_list("language", "percent"))


@dataclass(frozen=True)
class MenuItem:
    slug: str
    title: str
    # The language the title is shown in (the source's when it is not translated).
    language: str
    dir: Literal["ltr", "rtl"]


def _menu(language: str) -> tuple[MenuItem, ...]:
    pages = list(
        Page.objects.filter(published=True, menu_order__isnull=False).order_by("menu_order", "slug")
    )
    titles = dict(Unit.objects.filter(page__in=pages, key="title").values_list("page_id", "text"))
    translated = dict(
        Translation.objects.filter(
            unit__page__in=pages, unit__key="title", language=language
        ).values_list("unit__page_id", "text")
    )
    items = []
    for page in pages:
        if page.source_language == language or page.pk not in translated:
            text, shown_in = titles.get(page.pk, page.slug), page.source_language
        else:
            text, shown_in = translated[page.pk], language
        items.append(
            MenuItem(
                slug=page.slug,
                title=markup.plain_line(text),
                language=shown_in,
                dir=direction(shown_in),
            )
        )
    return tuple(items)


def site_menu(language: str) -> tuple[MenuItem, ...]:
    """The pages of the site menu, in order, with their titles in ``language`` (three small
    reads; public pages are cached whole, see core/page_cache.py)."""
    return _menu(language)


def crisis_banners(language: str) -> tuple[RenderedPage, ...]:
    """Published crisis pages whose banner is switched on, as read in ``language``."""
    pages = Page.objects.filter(kind=PageKind.CRISIS, published=True, banner=True).order_by(
        "-updated_at", "slug"
    )
    return tuple(render_page(page, language) for page in pages)
