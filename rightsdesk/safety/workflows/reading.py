"""Emergency workflows as read in one language, through the content system.

Each unit is shown in the best text there is for the reader (translated, outdated, or the
English source as a fallback), exactly as on any content page: the texts come from
:func:`rightsdesk.content.rendering.render_page` and carry its states and marks. A node's
heading loses its ``{#id}``. Answer labels come from the translated answer list, matched to the
source's answers by their link targets (translators keep those); an answer the translation lost
keeps its source label, marked with the source's language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from rightsdesk.content import markup
from rightsdesk.content.kinds import published_in_order
from rightsdesk.content.models import Page, PageKind, Unit
from rightsdesk.content.rendering import (
    RenderedPage,
    RenderedUnit,
    UnitRun,
    direction,
    render_page,
    shown_text,
    unit_runs,
)
from rightsdesk.content.selectors import page_translations
from rightsdesk.content.source import SourceUnit
from rightsdesk.safety.workflows import grammar
from rightsdesk.safety.workflows.grammar import Answer, Node, Workflow
from rightsdesk.safety.workflows.partners import SERVICES
from rightsdesk.safety.workflows.paths import Path, path_steps

# A rendered block that is one heading (or, in a translation that lost it, one paragraph).
_WRAPPED = re.compile(r"^\s*<(?P<tag>h[1-6]|p)>(?P<inner>.*)</(?P=tag)>\s*$", re.DOTALL)
_HTML_HEADING_ID = re.compile(r"\s*\{#[^{}<>]*\}\s*$")
# Between the node ids in the note's last line (a single right-pointing angle quotation mark).
STEP_SEPARATOR = " \u203a "


def workflow_pages() -> list[Page]:
    """Published workflows in their order (``position``, then slug)."""
    return published_in_order(PageKind.WORKFLOW)


def workflow_page(slug: str) -> Page | None:
    return Page.objects.filter(slug=slug, kind=PageKind.WORKFLOW, published=True).first()


@dataclass(frozen=True)
class LoadedWorkflow:
    page: Page
    workflow: Workflow
    units: dict[str, Unit]


def workflow_load(page: Page) -> LoadedWorkflow:
    """The page's question tree. ``content sync`` refused any workflow with problems, so what
    is parsed here is whole; should a problem slip through, the parser still gives every node
    it could read and the views leave out what leads nowhere."""
    units = {unit.key: unit for unit in page.units.all()}
    source = [SourceUnit(key=unit.key, text=unit.text) for unit in units.values()]
    parsed = grammar.workflow_parsed(page.slug, source, partners=SERVICES)
    return LoadedWorkflow(page=page, workflow=parsed.workflow, units=units)


@dataclass(frozen=True)
class ShownAnswer:
    answer: Answer
    # Plain text (escaped by the template).
    label: str
    language: str
    dir: Literal["ltr", "rtl"]


@dataclass(frozen=True)
class ShownBody:
    """A node's text blocks, grouped like a content page's so a stretch of untranslated text is
    marked once (the shape ``content/_units.html`` reads)."""

    units: tuple[RenderedUnit, ...]

    @property
    def runs(self) -> tuple[UnitRun, ...]:
        return unit_runs(self.units)


@dataclass(frozen=True)
class ShownNode:
    node: Node
    heading_unit: RenderedUnit
    # The heading's inline HTML without its ``{#id}``, for the page's <h1>.
    heading_html: SafeString
    # The heading as plain text (page title, the note for the team).
    heading_text: str
    body: ShownBody
    answers_unit: RenderedUnit | None
    answers: tuple[ShownAnswer, ...]


def heading_inner_html(html: str) -> SafeString:
    """The sanitised HTML of a heading block without its wrapping tag and its ``{#id}``.

    Only a wrapping tag and trailing text are removed from what the sanitiser let through, so
    the result is as safe as the input.
    """
    match = _WRAPPED.match(html)
    inner = match.group("inner") if match else html
    return mark_safe(_HTML_HEADING_ID.sub("", inner).strip())  # noqa: S308  (nh3 output)


class WorkflowReader:
    """One workflow as read in one language."""

    def __init__(self, loaded: LoadedWorkflow, language: str) -> None:
        self.loaded = loaded
        self.page = loaded.page
        self.workflow = loaded.workflow
        self.language = language
        self.rendered: RenderedPage = render_page(loaded.page, language)
        self._units = {unit.key: unit for unit in self.rendered.units}
        self._translations = page_translations(loaded.page, language)

    def _text(self, key: str) -> tuple[str, str]:
        """The text a reader gets for a unit (Markdown) and the language it is in."""
        unit = self.loaded.units[key]
        shown = shown_text(unit, self._translations.get(unit.pk), self.page, self.language)
        return shown.text, shown.language

    def heading_text(self, node: Node) -> str:
        text, _language = self._text(node.heading)
        return grammar.strip_heading_id(markup.plain_text(text))

    def answers(self, node: Node) -> tuple[ShownAnswer, ...]:
        if node.answers_unit is None:
            return ()
        text, language = self._text(node.answers_unit)
        translated: dict[str, str] = {}
        for label, href in grammar.answer_links(text) or []:
            if label:
                translated.setdefault(href, label)
        shown = []
        for answer in node.answers:
            if answer.href in translated:
                label, shown_in = translated[answer.href], language
            else:
                label, shown_in = answer.label, self.page.source_language
            shown.append(
                ShownAnswer(
                    answer=answer,
                    label=markup.plain_line(label),
                    language=shown_in,
                    dir=direction(shown_in),
                )
            )
        return tuple(shown)

    def node(self, node: Node) -> ShownNode:
        heading = self._units[node.heading]
        return ShownNode(
            node=node,
            heading_unit=heading,
            heading_html=heading_inner_html(heading.html),
            heading_text=self.heading_text(node),
            body=ShownBody(tuple(self._units[key] for key in node.body if key in self._units)),
            answers_unit=self._units.get(node.answers_unit or ""),
            answers=self.answers(node),
        )

    def report_note(self, path: Path, current: Node) -> str:
        """The steps the reader took, in their language, as a note they may put in a report:
        each question with the answer chosen, then a line of ids for the team. Plain text."""
        lines = [_("Steps I took in the guide “%(title)s”:") % {"title": self.rendered.title}]
        for number, step in enumerate(path_steps(self.workflow, path, current), start=1):
            question = self.heading_text(step.node)
            if step.answer is None:
                lines.append(
                    _("%(number)d. %(question)s") % {"number": number, "question": question}
                )
                continue
            chosen = next(
                (item.label for item in self.answers(step.node) if item.answer == step.answer),
                step.answer.label,
            )
            lines.append(
                _("%(number)d. %(question)s → %(answer)s")
                % {"number": number, "question": question, "answer": chosen}
            )
        ids = STEP_SEPARATOR.join([*path, current.id])
        lines.append(f"[{self.workflow.slug}: {ids}]")
        return "\n".join(lines)
