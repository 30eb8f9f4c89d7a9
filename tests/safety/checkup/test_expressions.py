"""Requirement expressions: parsing, evaluation, and refusing anything else."""

from __future__ import annotations

import pytest

from rightsdesk.safety.checkup.expressions import (
    MAX_EXPRESSION_LENGTH,
    AllOf,
    Always,
    Answer,
    AnyOf,
    ExpressionError,
    Is,
    Not,
    parse,
)

YES, NO, UNSURE = Answer.YES, Answer.NO, Answer.UNSURE


def test_a_bare_identifier_tests_for_yes():
    assert parse("uses_tor") == Is("uses_tor", YES)
    assert parse("uses_tor").holds({"uses_tor": YES})
    assert not parse("uses_tor").holds({"uses_tor": NO})
    assert not parse("uses_tor").holds({"uses_tor": UNSURE})


def test_is_tests_the_other_answers():
    assert parse("uses_tor is no") == Is("uses_tor", NO)
    assert parse("uses_tor is unsure").holds({"uses_tor": UNSURE})
    assert not parse("uses_tor is unsure").holds({"uses_tor": NO})
    assert parse("uses_tor is yes") == parse("uses_tor")


def test_an_unanswered_statement_fails_every_test():
    for text in ("a", "a is no", "a is unsure"):
        assert not parse(text).holds({})
    assert parse("not a").holds({})


def test_precedence_not_then_and_then_or():
    expression = parse("a or b and not c")
    assert expression == AnyOf((Is("a"), AllOf((Is("b"), Not(Is("c"))))))
    assert parse("a or b and not c").holds({"a": YES, "c": YES})
    assert not parse("(a or b) and not c").holds({"a": YES, "c": YES})
    assert parse("not (a and b)").holds({"a": YES})
    assert parse("not not a").holds({"a": YES})


def test_chains_flatten_and_white_space_is_free():
    assert parse("  a and b\tand\nc ") == AllOf((Is("a"), Is("b"), Is("c")))
    assert parse("a or (b)") == AnyOf((Is("a"), Is("b")))


def test_the_brief_example():
    expression = parse("sensitive_topics and not uses_tor")
    assert expression.holds({"sensitive_topics": YES, "uses_tor": NO})
    assert expression.holds({"sensitive_topics": YES})
    assert not expression.holds({"sensitive_topics": YES, "uses_tor": YES})
    assert not expression.holds({"sensitive_topics": UNSURE, "uses_tor": NO})
    assert sorted(expression.identifiers()) == ["sensitive_topics", "uses_tor"]


def test_an_empty_expression_always_holds():
    assert parse("") == Always()
    assert parse("   ").holds({})
    assert list(parse("").identifiers()) == []


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ("a and", 6),
        ("and a", 1),
        ("a b", 3),
        ("(a", 3),
        ("a)", 2),
        ("a is maybe", 6),
        ("a is", 5),
        ("Uses_tor", 1),
        ("9lives", 1),
        ("a && b", 3),
        ("a == 1", 3),
        ("__import__('os')", 12),
        ("not", 4),
        ("()", 2),
        ("a is not b", 6),
    ],
)
def test_syntax_errors_say_where(text: str, column: int):
    with pytest.raises(ExpressionError) as raised:
        parse(text)
    assert raised.value.position == column - 1
    assert f"at column {column} of" in str(raised.value)


def test_an_overlong_expression_is_refused():
    with pytest.raises(ExpressionError, match="too long"):
        parse(" or ".join(["a"] * MAX_EXPRESSION_LENGTH))


def test_nothing_is_evaluated_as_python(monkeypatch):
    def refuse(*args: object, **kwargs: object):
        raise AssertionError("the parser called eval")

    monkeypatch.setattr("builtins.eval", refuse)
    assert parse("a and not (b or c is unsure)").holds({"a": YES, "c": NO})
