"""The shape of a self-check: areas, actions, statements in levels, and the checks that keep a
definition sound.

``Checkup(...)`` refuses a definition with a dangling or forward reference, a bad expression, a
duplicate id or code, an action no answer can reach, or a lesson outside the centre's lessons,
so a mistake in ``definition`` fails at import, not in front of a visitor.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from django.utils.functional import Promise

from rightsdesk.safety.checkup.expressions import Answer, Expression, ExpressionError, parse

# The centre's lessons, as (topic, level); each action links to one of them.
LESSONS: frozenset[tuple[str, str]] = frozenset(
    {
        ("passwords", "beginner"),
        ("passwords", "advanced"),
        ("two-factor", "beginner"),
        ("two-factor", "advanced"),
        ("user-page", "beginner"),
        ("user-page", "intermediate"),
        ("doxxing", "beginner"),
        ("doxxing", "intermediate"),
        ("doxxing", "advanced"),
        ("phishing", "beginner"),
        ("phishing", "intermediate"),
        ("tracking", "beginner"),
        ("tracking", "intermediate"),
        ("vpn-tor", "beginner"),
        ("vpn-tor", "intermediate"),
        ("vpn-tor", "advanced"),
        ("secure-messaging", "beginner"),
        ("secure-messaging", "advanced"),
        ("free-software", "beginner"),
        ("devices", "beginner"),
        ("devices", "advanced"),
        ("sensitive-topics", "beginner"),
        ("sensitive-topics", "advanced"),
        ("wellbeing", "beginner"),
        ("wellbeing", "intermediate"),
    }
)
WORKFLOWS: frozenset[str] = frozenset(
    {
        "being-doxxed",
        "account-taken-over",
        "threat-received",
        "impersonation",
        "legal-pressure",
        "device-compromised",
    }
)
ACTION_CODE = re.compile(r"[a-z0-9]{2,3}")
STATEMENT_ID = re.compile(r"[a-z][a-z0-9_]*")

Text = str | Promise


class DefinitionError(ValueError):
    """The self-check definition is unsound; the message names what is wrong."""


@dataclass(frozen=True)
class Area:
    id: str
    title: Text


@dataclass(frozen=True)
class Action:
    """Something a person can do, with the lesson that shows how.

    ``code`` is what stands for the action in a plan link: short, and never reused for another
    action once published, so old links keep their meaning.
    """

    id: str
    code: str
    area: str
    title: Text
    why: Text
    lesson: tuple[str, str]
    workflow: str = ""


@dataclass(frozen=True)
class Statement:
    """A sentence the person answers yes, no or "not sure", and the points each answer gives
    to actions (action id → points)."""

    id: str
    text: Text
    yes: Mapping[str, int] = field(default_factory=dict)
    no: Mapping[str, int] = field(default_factory=dict)
    unsure: Mapping[str, int] = field(default_factory=dict)
    requires: str = ""

    def points(self, answer: Answer) -> Mapping[str, int]:
        return {Answer.YES: self.yes, Answer.NO: self.no, Answer.UNSURE: self.unsure}[answer]

    @cached_property
    def requirement(self) -> Expression:
        return parse(self.requires)


@dataclass(frozen=True)
class Level:
    number: int
    title: Text
    statements: tuple[Statement, ...]


class Checkup:
    """A validated self-check. Actions are listed most urgent first: that order breaks ties."""

    def __init__(
        self,
        *,
        areas: tuple[Area, ...],
        actions: tuple[Action, ...],
        levels: tuple[Level, ...],
        lessons: frozenset[tuple[str, str]] = LESSONS,
        workflows: frozenset[str] = WORKFLOWS,
    ) -> None:
        self.areas = areas
        self.actions = actions
        self.levels = levels
        self.area_by_id = {area.id: area for area in areas}
        self.action_by_id = {action.id: action for action in actions}
        self.action_by_code = {action.code: action for action in actions}
        self.priority = {action.id: index for index, action in enumerate(actions)}
        self.statement_by_id = {s.id: s for level in levels for s in level.statements}
        self.level_of = {s.id: level.number for level in levels for s in level.statements}
        self._validate(lessons, workflows)

    def _validate(self, lessons: frozenset[tuple[str, str]], workflows: frozenset[str]) -> None:
        def unique(kind: str, values: list[str]) -> None:
            seen: set[str] = set()
            for value in values:
                if value in seen:
                    raise DefinitionError(f"duplicate {kind} {value!r}")
                seen.add(value)

        unique("area id", [area.id for area in self.areas])
        unique("action id", [action.id for action in self.actions])
        unique("action code", [action.code for action in self.actions])
        unique("statement id", [s.id for level in self.levels for s in level.statements])
        if [level.number for level in self.levels] != list(range(1, len(self.levels) + 1)):
            raise DefinitionError("levels must be numbered 1, 2, 3… in order")
        for action in self.actions:
            if not ACTION_CODE.fullmatch(action.code):
                raise DefinitionError(f"action {action.id!r}: code must be 2 or 3 of a-z, 0-9")
            if action.area not in self.area_by_id:
                raise DefinitionError(f"action {action.id!r}: unknown area {action.area!r}")
            if action.lesson not in lessons:
                raise DefinitionError(f"action {action.id!r}: unknown lesson {action.lesson!r}")
            if action.workflow and action.workflow not in workflows:
                raise DefinitionError(f"action {action.id!r}: unknown workflow {action.workflow!r}")
        reached: set[str] = set()
        for level in self.levels:
            if not level.statements:
                raise DefinitionError(f"level {level.number} has no statements")
            for statement in level.statements:
                self._validate_statement(statement, level.number)
                for answer in Answer:
                    reached |= {a for a, p in statement.points(answer).items() if p > 0}
        unreached = [action.id for action in self.actions if action.id not in reached]
        if unreached:
            raise DefinitionError(f"no answer gives points to {', '.join(unreached)}")
        for area in self.areas:
            if not any(action.area == area.id for action in self.actions):
                raise DefinitionError(f"area {area.id!r} has no actions")

    def _validate_statement(self, statement: Statement, level: int) -> None:
        where = f"statement {statement.id!r}"
        if not STATEMENT_ID.fullmatch(statement.id):
            raise DefinitionError(f"{where}: ids are a-z, 0-9 and _, starting with a letter")
        try:
            requirement = statement.requirement
        except ExpressionError as error:
            raise DefinitionError(f"{where}: {error}") from None
        if level == 1 and statement.requires.strip():
            raise DefinitionError(f"{where}: statements of level 1 are always asked")
        for identifier in requirement.identifiers():
            if identifier not in self.level_of:
                raise DefinitionError(f"{where}: requires unknown statement {identifier!r}")
            if self.level_of[identifier] >= level:
                raise DefinitionError(
                    f"{where}: requires {identifier!r}, which is not asked before level {level}"
                )
        for answer in Answer:
            for action_id, points in statement.points(answer).items():
                if action_id not in self.action_by_id:
                    raise DefinitionError(f"{where}: points to unknown action {action_id!r}")
                if points <= 0:
                    raise DefinitionError(f"{where}: points must be positive ({action_id!r})")
