"""The shape of a lesson, and where topics and lessons are read.

A lesson's body is a few short segments, each opened by a ``##`` heading, and ends in a
checklist: a bullet list whose every item starts with ``[ ]``::

    ## Why passwords matter
    A short paragraph.

    ## One password for each account
    ...

    - [ ] Install a password manager.
    - [ ] Change your wiki password to a new, long one.

The page supplies the checklist's heading itself. A lesson belongs to a topic (``topic:`` in its
front matter) at one ``level``; its slug is ``<topic>-<level>`` so that ``lesson:`` links can be
resolved without a database read. ``content sync`` refuses a tree in which any of this fails.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.urls import NoReverseMatch, reverse
from markdown_it import MarkdownIt

from rightsdesk.content.source import LEVELS, SourceError, SourcePage, body_units

SEGMENTS = (2, 6)
BLOCKS_PER_SEGMENT = (1, 8)
CHECKLIST_ITEMS = (3, 8)
SEGMENT_HEADING = re.compile(r"^##(?!#)\s+\S")
CHECKLIST_ITEM = re.compile(r"^\s*[-*+]\s+\[ \]\s+(?P<text>\S.*?)\s*$")

_parser = MarkdownIt("commonmark")


@dataclass(frozen=True)
class Segment:
    heading: str
    # Keys of the blocks after the heading, in order.
    blocks: tuple[str, ...]


@dataclass(frozen=True)
class LessonShape:
    segments: tuple[Segment, ...]
    # The checklist's unit key, and its items as the source words them.
    checklist: str
    items: tuple[str, ...]


class _Block(Protocol):
    """A unit of a page: a source file's or a stored one."""

    @property
    def key(self) -> str: ...

    @property
    def text(self) -> str: ...


def _segments[B: _Block](blocks: Sequence[B]) -> list[tuple[B, list[B]]]:
    """The blocks before the checklist as ``(heading, blocks after it)`` per segment; the first
    block is a segment heading (the callers made sure)."""
    segments: list[tuple[B, list[B]]] = []
    for block in blocks:
        if SEGMENT_HEADING.match(block.text):
            segments.append((block, []))
        else:
            segments[-1][1].append(block)
    return segments


def checklist_items(text: str) -> list[str] | None:
    """The items of a checklist block, or None when ``text`` is not one bullet list of
    ``[ ]`` items."""
    tokens = _parser.parse(text)
    if not tokens or tokens[0].type != "bullet_list_open" or tokens[-1].type != "bullet_list_close":
        return None
    if sum(1 for token in tokens if token.type == "bullet_list_open" and token.level == 0) != 1:
        return None
    items = []
    for line in text.splitlines():
        if not line.strip():
            continue
        match = CHECKLIST_ITEM.match(line)
        if match is None:
            return None
        items.append(match.group("text"))
    return items


def lesson_shape(units: Iterable[_Block]) -> LessonShape | None:
    """A lesson's segments and checklist from its units in order; None when the body does not
    have that shape (``lesson_problems`` says why)."""
    body = body_units(units)
    if len(body) < 2 or not SEGMENT_HEADING.match(body[0].text):
        return None
    items = checklist_items(body[-1].text)
    if items is None:
        return None
    segments = tuple(
        Segment(heading=heading.key, blocks=tuple(block.key for block in blocks))
        for heading, blocks in _segments(body[:-1])
    )
    return LessonShape(segments=segments, checklist=body[-1].key, items=tuple(items))


def lesson_problems(page: SourcePage) -> list[SourceError]:
    """What keeps ``page`` from being a lesson, each naming its line."""

    def problem(message: str, line: int = 1) -> SourceError:
        return SourceError(message, path=page.path, line=line)

    body = body_units(page.units)
    if not body:
        return [problem("a lesson needs segments and a checklist")]
    if not SEGMENT_HEADING.match(body[0].text):
        return [problem("a lesson starts with a '##' heading (its first segment)", body[0].line)]
    problems = []
    last = body[-1]
    items = checklist_items(last.text)
    if items is None:
        problems.append(
            problem(
                "a lesson ends in a checklist: a list whose every item starts with '[ ]'", last.line
            )
        )
    elif not CHECKLIST_ITEMS[0] <= len(items) <= CHECKLIST_ITEMS[1]:
        problems.append(
            problem(
                f"the checklist has {len(items)} item(s); a lesson's checklist has "
                f"{CHECKLIST_ITEMS[0]} to {CHECKLIST_ITEMS[1]}",
                last.line,
            )
        )
    segments = _segments(body[:-1])
    for _heading, blocks in segments:
        problems += [
            problem("only the last block of a lesson is a checklist", block.line)
            for block in blocks
            if checklist_items(block.text) is not None
        ]
    if not SEGMENTS[0] <= len(segments) <= SEGMENTS[1]:
        problems.append(
            problem(
                f"the lesson has {len(segments)} segment(s); a lesson has "
                f"{SEGMENTS[0]} to {SEGMENTS[1]}, each opened by a '##' heading",
                body[0].line,
            )
        )
    for heading, blocks in segments:
        if not BLOCKS_PER_SEGMENT[0] <= len(blocks) <= BLOCKS_PER_SEGMENT[1]:
            problems.append(
                problem(
                    f"this segment has {len(blocks)} block(s) after its heading; a segment has "
                    f"{BLOCKS_PER_SEGMENT[0]} to {BLOCKS_PER_SEGMENT[1]}",
                    heading.line,
                )
            )
    return problems


def tree_problems(pages: Sequence[SourcePage]) -> list[SourceError]:
    """Rules between files: a lesson's topic exists, one lesson per topic and level, the slug
    says both, and every topic has a lesson for beginners."""
    topics = {page.slug: page for page in pages if page.kind == "topic"}
    lessons = [page for page in pages if page.kind == "lesson"]
    problems = []
    seen: dict[tuple[str, str], SourcePage] = {}
    for lesson in lessons:
        details = lesson.details or {}
        topic, level = str(details.get("topic", "")), str(details.get("level", ""))
        if topic not in topics:
            problems.append(
                SourceError(f"the lesson's topic {topic!r} is not a topic page", path=lesson.path)
            )
        if lesson.slug != f"{topic}-{level}":
            problems.append(
                SourceError(
                    f"a lesson's slug is its topic and level: {topic}-{level} "
                    f"(got {lesson.slug!r})",
                    path=lesson.path,
                )
            )
        first = seen.setdefault((topic, level), lesson)
        if first is not lesson:
            problems.append(
                SourceError(
                    f"{first.path} is already the {level} lesson of {topic}", path=lesson.path
                )
            )
    for slug, topic_page in topics.items():
        if (slug, LEVELS[0]) not in seen:
            problems.append(
                SourceError(f"the topic {slug!r} has no {LEVELS[0]} lesson", path=topic_page.path)
            )
    return problems


def topic_route(slug: str, details: dict[str, Any]) -> tuple[str, dict[str, str]]:
    return "safety:topic", {"topic": slug}


def lesson_route(slug: str, details: dict[str, Any]) -> tuple[str, dict[str, str]]:
    return "safety:lesson", {"topic": str(details["topic"]), "level": str(details["level"])}


def lesson_link(target: str, language: str) -> str | None:
    """``lesson:passwords-beginner`` → that lesson's address (the caller has switched to
    ``language``)."""
    topic, _hyphen, level = target.rpartition("-")
    if not topic or level not in LEVELS:
        return None
    try:
        return reverse("safety:lesson", kwargs={"topic": topic, "level": level})
    except NoReverseMatch:
        return None


def topic_link(target: str, language: str) -> str | None:
    try:
        return reverse("safety:topic", kwargs={"topic": target})
    except NoReverseMatch:
        return None
