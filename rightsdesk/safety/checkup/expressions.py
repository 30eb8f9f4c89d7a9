"""Requirement expressions: when a self-check statement is asked.

A statement of a later level may depend on earlier answers, written as a small expression::

    sensitive_topics and not uses_tor
    (sensitive_topics or risky_country) and uses_tor is unsure

Grammar (lowest precedence first; keywords are lower case)::

    expression := and_term ("or" and_term)*
    and_term   := factor ("and" factor)*
    factor     := "not" factor | "(" expression ")" | test
    test       := IDENTIFIER ["is" ("yes" | "no" | "unsure")]

A bare identifier is a statement id and holds when that statement was answered "yes";
``<id> is no`` and ``<id> is unsure`` test the other answers. A statement that was not asked or
not answered has no answer, so every test of it is false (and ``not`` of such a test true).

The text is parsed by hand into a tree of frozen dataclasses and evaluated by walking it: there
is no ``eval`` and nothing else can be expressed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    UNSURE = "unsure"


class ExpressionError(ValueError):
    """The text is not a valid requirement expression; the message says where and why."""

    def __init__(self, message: str, text: str, position: int) -> None:
        super().__init__(f"{message} at column {position + 1} of {text!r}")
        self.text = text
        self.position = position


IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*")
KEYWORDS = frozenset({"not", "and", "or", "is"})
ANSWER_WORDS = {answer.value: answer for answer in Answer}
_TOKEN = re.compile(r"\s*(?:(?P<paren>[()])|(?P<word>[A-Za-z0-9_]+)|(?P<other>\S))")
MAX_EXPRESSION_LENGTH = 500


@dataclass(frozen=True)
class Is:
    identifier: str
    answer: Answer = Answer.YES

    def holds(self, answers: Mapping[str, Answer]) -> bool:
        return answers.get(self.identifier) == self.answer

    def identifiers(self) -> Iterator[str]:
        yield self.identifier


@dataclass(frozen=True)
class Not:
    operand: Expression

    def holds(self, answers: Mapping[str, Answer]) -> bool:
        return not self.operand.holds(answers)

    def identifiers(self) -> Iterator[str]:
        yield from self.operand.identifiers()


@dataclass(frozen=True)
class AllOf:
    operands: tuple[Expression, ...]

    def holds(self, answers: Mapping[str, Answer]) -> bool:
        return all(operand.holds(answers) for operand in self.operands)

    def identifiers(self) -> Iterator[str]:
        for operand in self.operands:
            yield from operand.identifiers()


@dataclass(frozen=True)
class AnyOf:
    operands: tuple[Expression, ...]

    def holds(self, answers: Mapping[str, Answer]) -> bool:
        return any(operand.holds(answers) for operand in self.operands)

    def identifiers(self) -> Iterator[str]:
        for operand in self.operands:
            yield from operand.identifiers()


@dataclass(frozen=True)
class Always:
    """The requirement of a statement that is always asked (an empty expression)."""

    def holds(self, answers: Mapping[str, Answer]) -> bool:
        return True

    def identifiers(self) -> Iterator[str]:
        yield from ()


Expression = Is | Not | AllOf | AnyOf | Always


@dataclass(frozen=True)
class _Token:
    kind: str  # "paren", "word" or "end"
    value: str
    position: int


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:  # only trailing white space is left
            break
        kind = match.lastgroup or "other"
        start = match.start(kind)
        if kind == "other":
            raise ExpressionError(f"unexpected character {match.group(kind)!r}", text, start)
        tokens.append(_Token(kind, match.group(kind), start))
        position = match.end()
    tokens.append(_Token("end", "", len(text)))
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.index = 0

    @property
    def current(self) -> _Token:
        return self.tokens[self.index]

    def error(self, message: str) -> ExpressionError:
        return ExpressionError(message, self.text, self.current.position)

    def accept(self, value: str) -> bool:
        if self.current.kind != "end" and self.current.value == value:
            self.index += 1
            return True
        return False

    def expression(self) -> Expression:
        operands = [self.and_term()]
        while self.accept("or"):
            operands.append(self.and_term())
        return operands[0] if len(operands) == 1 else AnyOf(tuple(operands))

    def and_term(self) -> Expression:
        operands = [self.factor()]
        while self.accept("and"):
            operands.append(self.factor())
        return operands[0] if len(operands) == 1 else AllOf(tuple(operands))

    def factor(self) -> Expression:
        if self.accept("not"):
            return Not(self.factor())
        if self.accept("("):
            inner = self.expression()
            if not self.accept(")"):
                raise self.error("expected ')'")
            return inner
        return self.test()

    def test(self) -> Expression:
        token = self.current
        if token.kind == "end":
            raise self.error("expected a statement id")
        if token.kind != "word" or token.value in KEYWORDS:
            raise self.error(f"expected a statement id, not {token.value!r}")
        if not IDENTIFIER.fullmatch(token.value):
            raise self.error(f"{token.value!r} is not a statement id (a-z, 0-9, _)")
        self.index += 1
        if not self.accept("is"):
            return Is(token.value)
        word = self.current.value if self.current.kind == "word" else ""
        if word not in ANSWER_WORDS:
            raise self.error("expected yes, no or unsure after 'is'")
        self.index += 1
        return Is(token.value, ANSWER_WORDS[word])


def parse(text: str) -> Expression:
    """The expression in ``text``; an empty text is ``Always``. Raises ExpressionError."""
    if len(text) > MAX_EXPRESSION_LENGTH:
        raise ExpressionError("the expression is too long", text[:40], 0)
    if not text.strip():
        return Always()
    parser = _Parser(text)
    expression = parser.expression()
    if parser.current.kind != "end":
        raise parser.error(f"unexpected {parser.current.value!r}")
    return expression
