"""The shape a lesson must have, and the rules between topics and lessons, as ``content sync``
enforces them."""

from __future__ import annotations

import io
import textwrap
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from rightsdesk.content.models import Page
from rightsdesk.content.source import SourceError, parse_source
from rightsdesk.safety.lessons.grammar import (
    checklist_items,
    lesson_link,
    lesson_problems,
    lesson_shape,
    tree_problems,
)
from tests.content.pages import page_source, write_page
from tests.safety.lessons.builders import LESSON_BODY


def lesson(body: str = LESSON_BODY, **fields: object) -> str:
    meta = {"title": "A lesson", "kind": "lesson", "topic": "passwords", "level": "beginner"}
    return page_source(body, **(meta | fields))


def problems(body: str) -> list[str]:
    page = parse_source(lesson(body), slug="passwords-beginner", path="en/passwords-beginner.md")
    return [str(problem) for problem in lesson_problems(page)]


def test_a_well_formed_lesson_has_no_problems_and_its_shape_is_read() -> None:
    page = parse_source(lesson(), slug="passwords-beginner")
    assert lesson_problems(page) == []
    shape = lesson_shape(page.units)
    assert shape is not None
    assert [len(segment.blocks) for segment in shape.segments] == [1, 2]
    assert checklist_items(page.unit(shape.checklist).text) == [  # type: ignore[union-attr]
        "Install a password manager.",
        "Give your wiki account a new password.",
        "Turn on two-factor authentication.",
    ]


def test_a_lesson_must_start_with_a_segment_heading() -> None:
    found = problems("Some words first.\n\n" + textwrap.dedent(LESSON_BODY))
    assert found == [
        "en/passwords-beginner.md:8: a lesson starts with a '##' heading (its first segment)"
    ]


def test_a_lesson_must_end_in_a_checklist() -> None:
    body = textwrap.dedent(LESSON_BODY).rsplit("- [ ]", 3)[0] + "\nA closing paragraph.\n"
    assert any("a lesson ends in a checklist" in problem for problem in problems(body))


def test_a_checklist_item_without_a_box_is_not_a_checklist() -> None:
    body = textwrap.dedent(LESSON_BODY).replace("- [ ] Install", "- Install")
    assert any("a lesson ends in a checklist" in problem for problem in problems(body))


def test_too_few_checklist_items_and_segments_are_reported() -> None:
    body = """
        ## Only one segment

        Text.

        - [ ] One.
        - [ ] Two.
        """
    found = problems(body)
    assert any("the checklist has 2 item(s)" in problem for problem in found)
    assert any("the lesson has 1 segment(s)" in problem for problem in found)


def test_an_empty_segment_and_a_checklist_in_the_middle_are_reported() -> None:
    body = """
        ## First

        - [ ] A box too early.
        - [ ] Another.
        - [ ] And one more.

        ## Empty

        ## Last

        Text.

        - [ ] One.
        - [ ] Two.
        - [ ] Three.
        """
    found = problems(body)
    assert any("only the last block of a lesson is a checklist" in problem for problem in found)
    assert any("this segment has 0 block(s)" in problem for problem in found)


def test_a_lesson_needs_a_topic_and_a_level_and_levels_are_checked() -> None:
    with pytest.raises(SourceError, match="a lesson needs a topic"):
        parse_source(page_source(LESSON_BODY, title="A", kind="lesson", level="beginner"), slug="a")
    with pytest.raises(SourceError, match="level must be one of beginner, intermediate, advanced"):
        parse_source(lesson(level="expert"), slug="a")
    with pytest.raises(SourceError, match="level means nothing on a page of kind 'page'"):
        parse_source(page_source("Text.", title="A", level="beginner"), slug="a")


def test_rules_between_files() -> None:
    topic = parse_source(page_source("Intro.", title="T", kind="topic"), slug="passwords")
    orphan = parse_source(lesson(topic="nowhere"), slug="nowhere-beginner", path="orphan.md")
    misnamed = parse_source(lesson(level="advanced"), slug="passwords-expert", path="misnamed.md")
    lonely = parse_source(
        page_source("Intro.", title="T", kind="topic"), slug="devices", path="d.md"
    )
    found = [str(problem) for problem in tree_problems([topic, orphan, misnamed, lonely])]
    assert "orphan.md:1: the lesson's topic 'nowhere' is not a topic page" in found
    assert any("a lesson's slug is its topic and level: passwords-advanced" in p for p in found)
    assert "d.md:1: the topic 'devices' has no beginner lesson" in found


def test_two_lessons_for_the_same_topic_and_level_are_refused() -> None:
    topic = parse_source(page_source("Intro.", title="T", kind="topic"), slug="passwords")
    first = parse_source(lesson(), slug="passwords-beginner", path="a.md")
    second = parse_source(lesson(), slug="passwords-beginner", path="b.md")
    found = [str(problem) for problem in tree_problems([topic, first, second])]
    assert "b.md:1: a.md is already the beginner lesson of passwords" in found


def test_lesson_links_name_topic_and_level() -> None:
    with translation.override("fa"):
        assert lesson_link("two-factor-beginner", "fa") == "/fa/safety/learn/two-factor/beginner/"
        assert lesson_link("two-factor", "fa") is None
        assert lesson_link("beginner", "fa") is None


@pytest.mark.django_db
def test_content_sync_refuses_a_broken_lesson_and_loads_nothing(tmp_path: Path) -> None:
    write_page(tmp_path, "passwords", "Intro.", kind="topic", title="Passwords")
    broken = tmp_path / "en" / "safety" / "passwords-beginner.md"
    broken.parent.mkdir(parents=True)
    broken.write_text(lesson("## Only a heading\n\nText.\n"), encoding="utf-8")
    stderr = io.StringIO()
    with pytest.raises(CommandError):
        call_command("content", "sync", "--dir", str(tmp_path), stderr=stderr, stdout=io.StringIO())
    assert "passwords-beginner.md" in stderr.getvalue()
    assert "a lesson ends in a checklist" in stderr.getvalue()
    assert not Page.objects.exists()


@pytest.mark.django_db
def test_content_sync_loads_lessons_from_a_folder_with_their_details(tmp_path: Path) -> None:
    write_page(tmp_path, "passwords", "Intro.", kind="topic", title="Passwords", position=3)
    path = tmp_path / "en" / "safety" / "passwords-beginner.md"
    path.parent.mkdir(parents=True)
    path.write_text(lesson(), encoding="utf-8")
    call_command("content", "-v0", "sync", "--dir", str(tmp_path))
    loaded = Page.objects.get(slug="passwords-beginner")
    assert loaded.kind == "lesson"
    assert loaded.details == {"topic": "passwords", "level": "beginner"}
    assert loaded.source_path == "en/safety/passwords-beginner.md"
    assert Page.objects.get(slug="passwords").details == {"position": 3}


@pytest.mark.django_db
def test_two_folders_deep_is_refused(tmp_path: Path) -> None:
    deep = tmp_path / "en" / "a" / "b" / "page.md"
    deep.parent.mkdir(parents=True)
    deep.write_text(page_source("Text."), encoding="utf-8")
    stderr = io.StringIO()
    with pytest.raises(CommandError):
        call_command("content", "sync", "--dir", str(tmp_path), stderr=stderr, stdout=io.StringIO())
    assert "one folder below it" in stderr.getvalue()
