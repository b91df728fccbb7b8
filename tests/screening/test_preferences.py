"""Stated preferences: option meta in the preferences questionnaire -> plan rules -> adjustments."""

from __future__ import annotations

from questionnaires import SKIP, builtin_library, parse_questionnaire
from screening import builtin_content, propose_plan
from screening.preferences import preferences_from_answers

PREFERENCES = builtin_library().get("communication-preferences", "1.0")


def test_each_answer_that_asks_for_something_gives_its_preference_in_order():
    answers = {
        "cp_contact": "text",
        "cp_phone_first": "yes",
        "cp_reminders": "no",
        "cp_read_aloud": "yes",
        "cp_format": "easy_read",
        "cp_interpreter": "spoken",
        "cp_language": "  Polish ",
        "cp_advocate": SKIP,
    }
    assert preferences_from_answers(PREFERENCES, answers) == [
        "contact:text",
        "phone-before-letters",
        "read-aloud",
        "easy-read",
        "interpreter",
        "language:polish",
    ]


def test_no_answers_skips_and_noes_ask_for_nothing():
    assert preferences_from_answers(PREFERENCES, {}) == []
    answers = {item.id: SKIP for item in PREFERENCES.items}
    assert preferences_from_answers(PREFERENCES, answers) == []
    noes = {item.id: "no" for item in PREFERENCES.items if "no" in item.option_values}
    assert preferences_from_answers(PREFERENCES, noes) == []


def test_a_language_behind_a_closed_gate_does_not_count():
    answers = {"cp_interpreter": "sign", "cp_language": "Polish"}
    assert preferences_from_answers(PREFERENCES, answers) == ["bsl"]


def test_every_preference_the_questionnaire_can_give_has_a_plan_rule():
    rules = {rule.preference for rule in builtin_content().rules if rule.preference}
    offered = {
        option.meta["preference"]
        for item in PREFERENCES.items
        for option in item.options
        if "preference" in option.meta
    }
    assert len(offered) >= 12
    assert offered <= rules, offered - rules


def test_stated_preferences_become_adjustments_with_the_parents_reason():
    answers = {"cp_read_aloud": "yes", "cp_format": "audio", "cp_interpreter": "sign"}
    preferences = preferences_from_answers(PREFERENCES, answers)
    proposed = {p.adjustment.id: p for p in propose_plan([], preferences, builtin_content())}
    assert {"read-documents-aloud", "audio-information", "bsl-interpreter"} <= set(proposed)
    assert proposed["audio-information"].adjustment.snomed_code == "936601000000105"
    assert proposed["read-documents-aloud"].reasons == (
        "The parent asked for letters to be read to them.",
    )
    assert "language-interpreter" not in proposed


def test_one_option_can_ask_for_several_things_and_each_is_given_once():
    questionnaire = parse_questionnaire(
        {
            "id": "prefs",
            "version": "1",
            "title": "Preferences",
            "kind": "preferences",
            "sections": [
                {
                    "id": "s",
                    "title": "S",
                    "items": [
                        {
                            "id": "a",
                            "prompt": "A?",
                            "options": [
                                {"value": "yes", "label": "Yes", "meta": {"preference": "x, y"}},
                                {"value": "no", "label": "No"},
                            ],
                        },
                        {
                            "id": "b",
                            "prompt": "B?",
                            "options": [
                                {"value": "yes", "label": "Yes", "meta": {"preference": "y"}},
                                {"value": "no", "label": "No"},
                            ],
                        },
                        {"id": "c", "type": "text", "prompt": "C?"},
                    ],
                }
            ],
        }
    )
    answers = {"a": "yes", "b": "yes", "c": "anything"}
    assert preferences_from_answers(questionnaire, answers) == ["x", "y"]
