"""The self-check as defined, and the checks that refuse an unsound definition."""

from __future__ import annotations

import itertools
import re
from dataclasses import replace
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.functional import Promise

from rightsdesk.content.sync import content_tree_read
from rightsdesk.safety.checkup.definition import ACTIONS, AREAS, LEVELS
from rightsdesk.safety.checkup.expressions import Answer
from rightsdesk.safety.checkup.structure import (
    LESSONS,
    WORKFLOWS,
    Action,
    Area,
    Checkup,
    DefinitionError,
    Level,
    Statement,
)
from rightsdesk.safety.checkup.topics import TOPIC_TITLES, WORKFLOW_TITLES
from rightsdesk.safety.lessons.reading import LEVEL_LABELS

SHIPPED_CONTENT = Path(settings.BASE_DIR).parent / "content"


def shipped(kind: str) -> set[str]:
    """The slugs of the pages of ``kind`` under content/, as ``content sync`` reads them."""
    tree = content_tree_read(SHIPPED_CONTENT)
    assert not tree.errors
    return {source.page.slug for source in tree.sources if source.page.kind == kind}


def all_statements() -> list[Statement]:
    return [statement for level in LEVELS for statement in level.statements]


def test_the_seed_questions_are_asked_first():
    first = {statement.id: str(statement.text) for statement in LEVELS[0].statements}
    assert first["different_passwords"] == "I use a different password for every account."
    assert first["photo_on_user_page"] == "There is a photo of me on my user page."
    assert first["username_real_name"] == "My user name is my real name, or close to it."


def test_the_size_and_shape():
    assert len(LEVELS) == 3
    assert 14 <= len(all_statements()) <= 21
    assert all(not statement.requires for statement in LEVELS[0].statements)
    assert all(statement.requires for level in LEVELS[1:] for statement in level.statements)
    assert {area.id for area in AREAS} == {action.area for action in ACTIONS}


def test_statement_ids_and_action_codes_are_unique():
    ids = [statement.id for statement in all_statements()]
    assert len(ids) == len(set(ids))
    codes = [action.code for action in ACTIONS]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"[a-z0-9]{2,3}", code) for code in codes)


def test_every_identifier_resolves_to_an_earlier_level():
    level_of = {s.id: level.number for level in LEVELS for s in level.statements}
    for level in LEVELS:
        for statement in level.statements:
            for identifier in statement.requirement.identifiers():
                assert level_of[identifier] < level.number, statement.id


def test_every_action_is_reachable_from_some_answer():
    reached = {
        action_id
        for statement in all_statements()
        for answer in Answer
        for action_id, points in statement.points(answer).items()
        if points > 0
    }
    assert reached == {action.id for action in ACTIONS}


def test_every_statement_is_asked_for_some_answers():
    """A requirement that can never hold would hide its statement for good."""
    for statement in all_statements():
        names = sorted(set(statement.requirement.identifiers()))
        choices = [*Answer, None]
        holds = False
        for combination in itertools.product(choices, repeat=len(names)):
            answers = {name: a for name, a in zip(names, combination, strict=True) if a}
            holds = holds or statement.requirement.holds(answers)
        assert holds, statement.id


@pytest.mark.django_db
def test_the_lessons_and_workflows_a_plan_can_name_are_those_shipped():
    assert {f"{topic}-{level}" for topic, level in LESSONS} == shipped("lesson")
    assert shipped("workflow") == WORKFLOWS


def test_every_lesson_and_workflow_is_one_of_the_centre_s():
    for action in ACTIONS:
        topic, level = action.lesson
        assert (topic, level) in LESSONS, action.id
        assert topic in TOPIC_TITLES
        assert level in LEVEL_LABELS
        assert reverse("safety:lesson", kwargs={"topic": topic, "level": level})
        if action.workflow:
            assert action.workflow in WORKFLOWS, action.id
            assert action.workflow in WORKFLOW_TITLES


def test_every_text_is_translatable():
    texts = [area.title for area in AREAS]
    texts += [text for action in ACTIONS for text in (action.title, action.why)]
    texts += [level.title for level in LEVELS]
    texts += [statement.text for statement in all_statements()]
    assert all(isinstance(text, Promise) for text in texts)


# The checks on a definition.

AREA = Area("accounts", "Accounts")
ACTION = Action(
    "use_manager", "pm", "accounts", "Use a manager", "Because.", ("passwords", "beginner")
)
FIRST = Statement("reuses", "I reuse passwords.", yes={"use_manager": 2})


def build(*levels: tuple[Statement, ...], actions: tuple[Action, ...] = (ACTION,)) -> Checkup:
    return Checkup(
        areas=(AREA,),
        actions=actions,
        levels=tuple(Level(n, f"Level {n}", s) for n, s in enumerate(levels, start=1)),
    )


def test_a_sound_small_definition_builds():
    checkup = build(
        (FIRST,), (Statement("manager", "I use one.", no={"use_manager": 1}, requires="reuses"),)
    )
    assert checkup.level_of == {"reuses": 1, "manager": 2}


@pytest.mark.parametrize(
    ("levels", "message"),
    [
        (
            ((FIRST,), (Statement("x", "X", requires="nobody", yes={"use_manager": 1}),)),
            "unknown statement 'nobody'",
        ),
        (
            ((FIRST,), (Statement("x", "X", requires="x", yes={"use_manager": 1}),)),
            "requires 'x', which is not asked before level 2",
        ),
        (
            (
                (FIRST,),
                (Statement("x", "X", requires="y", yes={"use_manager": 1}),),
                (Statement("y", "Y", requires="reuses", yes={"use_manager": 1}),),
            ),
            "requires 'y', which is not asked before level 2",
        ),
        (
            ((FIRST,), (Statement("x", "X", requires="reuses and", yes={"use_manager": 1}),)),
            "statement 'x': expected a statement id",
        ),
        (
            ((FIRST, Statement("x", "X", requires="reuses")),),
            "statements of level 1 are always asked",
        ),
        (((FIRST, FIRST),), "duplicate statement id 'reuses'"),
        (
            ((Statement("reuses", "I reuse.", yes={"nothing": 1}),),),
            "points to unknown action 'nothing'",
        ),
        (
            ((Statement("reuses", "I reuse.", no={"use_manager": 1, "x": 0}),),),
            "unknown action 'x'",
        ),
        (((Statement("reuses", "I reuse.", no={"use_manager": -1}),),), "points must be positive"),
        (((Statement("reuses", "I reuse."),),), "no answer gives points to use_manager"),
        (((Statement("Reuses", "I reuse.", yes={"use_manager": 1}),),), "ids are a-z"),
        (((FIRST,), ()), "level 2 has no statements"),
    ],
)
def test_an_unsound_definition_is_refused(levels, message):
    with pytest.raises(DefinitionError, match=re.escape(message)):
        build(*levels)


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (replace(ACTION, lesson=("passwords", "intermediate")), "unknown lesson"),
        (replace(ACTION, workflow="lost-cat"), "unknown workflow 'lost-cat'"),
        (replace(ACTION, area="garden"), "unknown area 'garden'"),
        (replace(ACTION, code="P-M"), "code must be"),
        (replace(ACTION, code="toolong"), "code must be"),
    ],
)
def test_an_unsound_action_is_refused(action, message):
    with pytest.raises(DefinitionError, match=re.escape(message)):
        build((Statement("reuses", "I reuse.", yes={action.id: 1}),), actions=(action,))


def test_duplicate_action_codes_are_refused():
    twin = replace(ACTION, id="other")
    statement = Statement("reuses", "I reuse.", yes={"use_manager": 1, "other": 1})
    with pytest.raises(DefinitionError, match="duplicate action code 'pm'"):
        build((statement,), actions=(ACTION, twin))


def test_levels_are_numbered_in_order():
    with pytest.raises(DefinitionError, match="numbered"):
        Checkup(areas=(AREA,), actions=(ACTION,), levels=(Level(2, "Two", (FIRST,)),))
