"""The parent's pages across a link's questionnaires: a gate question opens its follow-up, the
count never jumps, and the pages worked out once are reused only for the same questionnaires
and the same gate answers (services/questions.py keeps them)."""

from __future__ import annotations

import dataclasses

from questionnaires import builtin_library
from webapp.services.questions import journey_steps

LIBRARY = builtin_library()
PREFERENCES = LIBRARY.get("communication-preferences")  # cp_language follows cp_interpreter
READING = LIBRARY.get("reading-writing")


def ids(steps) -> list[str]:
    return [step.item.id for step in steps]


def test_a_gate_answer_opens_its_follow_up_and_closes_it_again():
    closed = ids(journey_steps([(PREFERENCES, {})]))
    assert "cp_language" not in closed
    opened = ids(journey_steps([(PREFERENCES, {"cp_interpreter": "spoken"})]))
    assert opened.index("cp_language") == opened.index("cp_interpreter") + 1
    assert ids(journey_steps([(PREFERENCES, {"cp_interpreter": "no"})])) == closed


def test_answers_to_other_questions_share_the_pages_and_the_count():
    first = journey_steps([(READING, {}), (PREFERENCES, {})])
    again = journey_steps([(READING, {READING.items[0].id: "often"}), (PREFERENCES, {})])
    assert again == first
    assert [s.number for s in first] == sorted(s.number for s in first)  # never jumps
    follow = journey_steps([(READING, {}), (PREFERENCES, {"cp_interpreter": "spoken"})])
    assert len(follow) == len(first) + 1 and follow[-1].total == first[-1].total


def test_another_questionnaire_with_the_same_key_gets_its_own_pages():
    """An imported questionnaire is a new object even where its key repeats (a test app's
    import, say): pages kept for one are never served for another."""
    ungated = dataclasses.replace(
        PREFERENCES,
        sections=tuple(
            dataclasses.replace(
                section,
                items=tuple(dataclasses.replace(i, enable_when=()) for i in section.items),
            )
            for section in PREFERENCES.sections
        ),
    )
    assert ungated.key == PREFERENCES.key
    assert "cp_language" not in ids(journey_steps([(PREFERENCES, {})]))
    assert "cp_language" in ids(journey_steps([(ungated, {})]))


def test_the_caller_may_change_the_list_it_gets():
    steps = journey_steps([(READING, {})])
    steps.clear()
    assert journey_steps([(READING, {})])
