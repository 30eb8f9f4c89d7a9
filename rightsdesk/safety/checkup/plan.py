"""From answers to a ranked plan, and between a plan and the short code a plan link carries.

Answers exist only inside one request: they arrive in a form post and leave in the page's hidden
fields. A plan link carries the plan (which actions, in which order), never the answers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rightsdesk.safety.checkup.expressions import ANSWER_WORDS, Answer
from rightsdesk.safety.checkup.structure import Action, Area, Checkup, Level, Statement

ANSWER_PREFIX = "answer-"
CODE_SEPARATOR = "."
# A plan code longer than this is cut before it is read: every real plan fits easily.
MAX_CODE_CHARS = 300


@dataclass(frozen=True)
class PostedAnswers:
    """The answers a form post carried, and how many of its answer fields could not be read."""

    answers: dict[str, Answer]
    ignored: int


def answers_read(checkup: Checkup, data: Mapping[str, str]) -> PostedAnswers:
    """The ``answer-<statement id>`` fields of a post. An unknown statement or an answer that is
    not yes, no or unsure is left out and counted; nothing in the post can raise."""
    answers: dict[str, Answer] = {}
    ignored = 0
    for key, value in data.items():
        if not key.startswith(ANSWER_PREFIX):
            continue
        statement_id = key.removeprefix(ANSWER_PREFIX)
        if statement_id in checkup.statement_by_id and value in ANSWER_WORDS:
            answers[statement_id] = Answer(value)
        else:
            ignored += 1
    return PostedAnswers(answers, ignored)


def asked(checkup: Checkup, level: Level, answers: Mapping[str, Answer]) -> list[Statement]:
    """The statements of ``level`` whose requirement holds on the answers to earlier levels."""
    earlier = {
        statement_id: answer
        for statement_id, answer in answers.items()
        if checkup.level_of.get(statement_id, level.number) < level.number
    }
    return [s for s in level.statements if s.requirement.holds(earlier)]


def relevant_answers(checkup: Checkup, answers: Mapping[str, Answer]) -> dict[str, Answer]:
    """The answers to statements that are asked, level by level: an answer left over from
    before a change of an earlier answer no longer counts."""
    relevant: dict[str, Answer] = {}
    for level in checkup.levels:
        for statement in asked(checkup, level, relevant):
            if statement.id in answers:
                relevant[statement.id] = answers[statement.id]
    return relevant


def next_level(checkup: Checkup, answers: Mapping[str, Answer], after: int) -> Level | None:
    """The level to show once level ``after`` is answered: an earlier level that still lacks an
    answer (only a tampered form can get there), else the next level that asks anything, else
    None (the plan)."""
    relevant = relevant_answers(checkup, answers)
    for level in checkup.levels:
        statements = asked(checkup, level, relevant)
        if level.number < after and any(s.id not in relevant for s in statements):
            return level
        if level.number > after and statements:
            return level
    return None


def points(checkup: Checkup, answers: Mapping[str, Answer]) -> dict[str, int]:
    """Points per action id from the answers to asked statements; actions without points are
    left out."""
    totals: dict[str, int] = {}
    for statement_id, answer in relevant_answers(checkup, answers).items():
        for action_id, value in checkup.statement_by_id[statement_id].points(answer).items():
            totals[action_id] = totals.get(action_id, 0) + value
    return {action_id: total for action_id, total in totals.items() if total > 0}


def ranked(checkup: Checkup, totals: Mapping[str, int]) -> list[Action]:
    """The actions with points, most points first; equal points in the definition's order."""
    chosen = [checkup.action_by_id[action_id] for action_id in totals]
    return sorted(chosen, key=lambda action: (-totals[action.id], checkup.priority[action.id]))


@dataclass(frozen=True)
class PlanStep:
    number: int
    action: Action


@dataclass(frozen=True)
class PlanArea:
    area: Area
    steps: tuple[PlanStep, ...]

    @property
    def start(self) -> int:
        return self.steps[0].number


@dataclass(frozen=True)
class Plan:
    actions: tuple[Action, ...]
    areas: tuple[PlanArea, ...]

    @property
    def code(self) -> str:
        return plan_code(self.actions)

    def __bool__(self) -> bool:
        return bool(self.actions)


def plan_of(checkup: Checkup, actions: Iterable[Action]) -> Plan:
    """The actions, in the given order, grouped by area. An area comes where its first (so its
    highest-ranked) action comes; steps are numbered 1, 2, 3… down the grouped page."""
    ordered = tuple(actions)
    by_area: dict[str, list[Action]] = {}
    for action in ordered:
        by_area.setdefault(action.area, []).append(action)
    areas: list[PlanArea] = []
    number = 1
    for area_id, members in by_area.items():
        steps = tuple(PlanStep(number + index, action) for index, action in enumerate(members))
        number += len(steps)
        areas.append(PlanArea(checkup.area_by_id[area_id], steps))
    return Plan(ordered, tuple(areas))


def plan_from_answers(checkup: Checkup, answers: Mapping[str, Answer]) -> Plan:
    return plan_of(checkup, ranked(checkup, points(checkup, answers)))


def plan_code(actions: Iterable[Action]) -> str:
    """``2e.up.pm``: the actions' codes in order."""
    return CODE_SEPARATOR.join(action.code for action in actions)


@dataclass(frozen=True)
class DecodedPlan:
    plan: Plan
    ignored: int  # unknown codes, and whatever lay past the length limit


def plan_decode(checkup: Checkup, code: str) -> DecodedPlan:
    """The plan a code stands for. Unknown codes are left out and counted, a repeated code
    counts once, and the code is read only up to ``MAX_CODE_CHARS`` and as many codes as
    there are actions."""
    ignored = 0
    if len(code) > MAX_CODE_CHARS:
        code = code[:MAX_CODE_CHARS]
        ignored += 1
    pieces = [piece.strip().lower() for piece in code.split(CODE_SEPARATOR)]
    pieces = [piece for piece in pieces if piece]
    if len(pieces) > len(checkup.actions):
        ignored += len(pieces) - len(checkup.actions)
        pieces = pieces[: len(checkup.actions)]
    actions: dict[str, Action] = {}
    for piece in pieces:
        action = checkup.action_by_code.get(piece)
        if action is None:
            ignored += 1
        else:
            actions.setdefault(action.id, action)
    return DecodedPlan(plan_of(checkup, actions.values()), ignored)
