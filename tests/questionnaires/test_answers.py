"""What counts as an answer, by item type: one rule for the page post and the autosave."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from questionnaires import SKIP, Item, Option
from questionnaires.answers import MAX_TEXT_LENGTH, AnswerProblem, check_answer

CHOICE = Item("c", "choice", "Pick", options=(Option("a", "A"), Option("b", "B")))
TEXT = Item("t", "text", "Say")
WHOLE = Item("n", "integer", "How many", minimum=0, maximum=20)
UNBOUNDED = Item("u", "integer", "How many")
DECIMAL = Item("d", "decimal", "How long", minimum=0, maximum=24)


def problem(item, raw) -> str | None:
    result = check_answer(item, raw)
    return result.kind if isinstance(result, AnswerProblem) else None


@pytest.mark.parametrize(
    ("item", "raw", "stored"),
    [
        (CHOICE, "a", "a"),
        (CHOICE, SKIP, SKIP),
        (TEXT, "  Urdu, about 50% of the time  ", "Urdu, about 50% of the time"),
        (TEXT, "<b>bold</b> & \"quoted\" 'text'", "<b>bold</b> & \"quoted\" 'text'"),
        (TEXT, SKIP, SKIP),
        (WHOLE, " 7 ", "7"),
        (WHOLE, "+3", "3"),
        (WHOLE, "007", "7"),
        (UNBOUNDED, "1,000", "1000"),
        (DECIMAL, "7.5", "7.5"),
        (DECIMAL, ".5", "0.5"),
        (DECIMAL, "2.50", "2.50"),
        (DECIMAL, "24", "24"),
    ],
)
def test_good_answers_are_stored_in_one_form(item, raw, stored):
    assert check_answer(item, raw) == stored


@pytest.mark.parametrize(
    ("item", "raw", "kind"),
    [
        (CHOICE, None, "missing"),
        (CHOICE, "maybe", "not_a_choice"),
        (TEXT, "   ", "missing"),
        (TEXT, "x" * (MAX_TEXT_LENGTH + 1), "too_long"),
        (TEXT, 5, "missing"),
        (WHOLE, "abc", "not_a_number"),
        (WHOLE, "2.5", "not_whole"),
        (WHOLE, "21", "too_big"),
        (WHOLE, "-1", "too_small"),
        (WHOLE, "²", "not_a_number"),
        (UNBOUNDED, "9" * 40, "too_big"),
        (UNBOUNDED, "-" + "9" * 40, "too_small"),
        (UNBOUNDED, "10000000000000", "too_big"),
        (DECIMAL, "nan", "not_a_number"),
        (DECIMAL, "inf", "not_a_number"),
        (DECIMAL, "1e5", "not_a_number"),
        (DECIMAL, "24.01", "too_big"),
        (DECIMAL, "7,5", "too_big"),  # a comma is a thousands separator: 75 hours
    ],
)
def test_bad_answers_say_what_is_wrong(item, raw, kind):
    assert problem(item, raw) == kind


def test_range_problems_carry_the_items_own_bounds():
    assert check_answer(WHOLE, "21") == AnswerProblem("too_big", minimum=0, maximum=20)
    assert check_answer(UNBOUNDED, "9" * 40) == AnswerProblem("too_big")


@given(st.one_of(st.text(max_size=60), st.none(), st.integers(), st.floats()))
def test_any_input_is_an_answer_or_a_problem_never_an_error(raw):
    for item in (CHOICE, TEXT, WHOLE, UNBOUNDED, DECIMAL):
        result = check_answer(item, raw)
        assert isinstance(result, (str, AnswerProblem))
        if isinstance(result, str) and item in (WHOLE, DECIMAL):
            assert 0 <= float(result) <= (20 if item is WHOLE else 24)
