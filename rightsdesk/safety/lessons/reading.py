"""Topics and lessons as read in one language.

Lessons are content pages (kind ``lesson``), translated unit by unit like any page. A lesson is
rendered here rather than by the plain page renderer because it has a shape (segments, then a
checklist whose items become tick boxes) and because its glossary terms are linked: the first
occurrence of each term in the whole lesson, which needs one linker across all its units.
Renderings are cached like pages are, under the page's revision and the content generation.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from rightsdesk.content import markup
from rightsdesk.content.caching import page_rendering
from rightsdesk.content.glossary import TermLinker, glossary_for
from rightsdesk.content.kinds import published_in_order
from rightsdesk.content.models import Page, PageKind
from rightsdesk.content.rendering import (
    RenderedPage,
    RenderedUnit,
    ShownText,
    render_page,
    rendered_unit,
    shown_text,
)
from rightsdesk.content.selectors import page_translations
from rightsdesk.content.services import content_generation
from rightsdesk.content.source import LEVELS
from rightsdesk.safety.lessons.grammar import checklist_items, lesson_shape


@dataclass(frozen=True)
class RenderedSegment:
    heading: RenderedUnit
    blocks: tuple[RenderedUnit, ...]


@dataclass(frozen=True)
class ChecklistItem:
    index: int
    html: SafeString


@dataclass(frozen=True)
class Checklist:
    unit: RenderedUnit
    items: tuple[ChecklistItem, ...]


@dataclass(frozen=True)
class RenderedLesson:
    page: RenderedPage
    topic: str
    level: str
    segments: tuple[RenderedSegment, ...]
    checklist: Checklist | None


LEVEL_LABELS: dict[str, str | Promise] = {
    "beginner": _("Beginner"),
    "intermediate": _("Intermediate"),
    "advanced": _("Advanced"),
}


def level_label(level: str) -> str:
    return str(LEVEL_LABELS.get(level, level))


def topics_published() -> list[Page]:
    return published_in_order(PageKind.TOPIC)


def topic_get(slug: str) -> Page | None:
    return Page.objects.filter(kind=PageKind.TOPIC, published=True, slug=slug).first()


def lessons_of(topic: str) -> list[Page]:
    """The published lessons of a topic, beginner first."""
    pages = Page.objects.filter(kind=PageKind.LESSON, published=True, details__topic=topic)
    order = {level: index for index, level in enumerate(LEVELS)}
    return sorted(pages, key=lambda page: order.get(page.details.get("level", ""), len(order)))


def lesson_get(topic: str, level: str) -> Page | None:
    return Page.objects.filter(
        kind=PageKind.LESSON, published=True, details__topic=topic, details__level=level
    ).first()


class _LessonRenderer:
    """Renders one lesson's units with one glossary linker, so that each entry is linked at
    its first occurrence in the lesson and nowhere after.

    The linker reads the glossary of the reader's language, which also knows the source's
    spelling of every term: a unit not yet translated (shown in the source's language) still
    links to the entry the reader can read in their own language.
    """

    def __init__(self, page: Page, language: str, generation: int) -> None:
        self.page = page
        self.language = language
        self.units = {unit.key: unit for unit in page.units.all()}
        self.translations = page_translations(page, language)
        self.linker = TermLinker(glossary_for(language, generation))

    def shown(self, key: str, *, translated: bool = True) -> ShownText:
        unit = self.units[key]
        translation = self.translations.get(unit.pk) if translated else None
        return shown_text(unit, translation, self.page, self.language)

    def unit(self, key: str, *, link_terms: bool = True) -> RenderedUnit:
        shown = self.shown(key)
        linker = self.linker if link_terms else None
        return rendered_unit(
            key, shown, markup.markdown_html(shown.text, self.language, linker=linker)
        )

    def checklist(self, key: str) -> Checklist:
        shown = self.shown(key)
        items = checklist_items(shown.text)
        if items is None:
            # A translation that lost the list's shape: the source's items, marked as such.
            shown = self.shown(key, translated=False)
            items = checklist_items(shown.text) or []
        # Glossary links stay out of the checklist: each item is the label of a tick box, and
        # a link inside a label is easily pressed by mistake.
        return Checklist(
            unit=rendered_unit(key, shown, SafeString("")),
            items=tuple(
                ChecklistItem(index=index, html=markup.inline_html(text, self.language))
                for index, text in enumerate(items)
            ),
        )

    def lesson(self) -> RenderedLesson:
        shape = lesson_shape(self.units.values())
        segments: tuple[RenderedSegment, ...] = ()
        checklist = None
        if shape is not None:
            segments = tuple(
                RenderedSegment(
                    heading=self.unit(segment.heading, link_terms=False),
                    blocks=tuple(self.unit(key) for key in segment.blocks),
                )
                for segment in shape.segments
            )
            checklist = self.checklist(shape.checklist)
        # Without that shape (a lesson edited on the site into another) it is read as a page.
        return RenderedLesson(
            page=render_page(self.page, self.language),
            topic=str(self.page.details.get("topic", "")),
            level=str(self.page.details.get("level", "")),
            segments=segments,
            checklist=checklist,
        )


def render_lesson(page: Page, language: str) -> RenderedLesson:
    generation = content_generation()
    return page_rendering(
        "safety:lesson",
        page,
        language,
        generation,
        RenderedLesson,
        lambda: _LessonRenderer(page, language, generation).lesson(),
    )


def checklist_length(page: Page) -> int:
    """How many items the lesson's checklist has, in its source."""
    shape = lesson_shape(page.units.only("key", "text"))
    return len(shape.items) if shape is not None else 0
