"""The domain from answers to flags to a proposed plan, with the shipped content."""

from __future__ import annotations

import shutil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models import builtin_scorecards
from questionnaires import SKIP, ContentError, builtin_library
from screening import (
    builtin_content,
    load_content,
    preferences_from_contact,
    propose_plan,
    score_response,
)
from screening.content import CONTENT_DIR
from screening.flags import Flag

QUESTIONNAIRE = builtin_library().get("reading-writing", "1.0")
LITERACY = next(c for c in builtin_scorecards() if c.id == "literacy-expert")


def answers_scoring(points: int) -> dict[str, str]:
    """Answers worth exactly ``points`` on the literacy scorecard (greedy over the table)."""
    answers, left = {}, points
    for item_id, table in LITERACY.points.items():
        best = max((v for v, p in table.items() if p <= left), key=lambda v: table[v])
        answers[item_id] = best
        left -= table[best]
    assert left == 0
    return answers


@pytest.mark.parametrize(
    ("points", "level"),
    [(0, "none"), (11, "none"), (12, "possible"), (18, "possible"), (19, "likely"), (40, "likely")],
)
def test_bands_change_exactly_at_the_named_cut_offs(points, level):
    screening = score_response(QUESTIONNAIRE, answers_scoring(points))
    (result,) = screening.results
    assert result.points == points
    assert screening.flags[0].level == level


def test_the_flag_says_may_need_an_assessment_and_why():
    screening = score_response(QUESTIONNAIRE, answers_scoring(40))
    flag = screening.flags[0]
    assert flag.headline.startswith("May need an assessment for reading difficulties")
    assert "40 of 40 points" in flag.headline
    assert flag.reasons[0] == "6 points from finding letters hard to read"
    assert flag.pathway == "dyslexia-assessment"
    assert "has dyslexia" not in flag.headline.lower()


def test_skipped_answers_score_nothing_and_are_reported():
    answers = {item.id: SKIP for item in QUESTIONNAIRE.items}
    answers["rw_forms"] = "always"
    (result,) = score_response(QUESTIONNAIRE, answers).results
    assert result.points == 6
    assert len(result.skipped) == 9
    flag = score_response(QUESTIONNAIRE, answers).flags[0]
    assert "9 questions were not answered" in flag.reasons[-1]


@settings(max_examples=200, deadline=None)
@given(
    st.fixed_dictionaries(
        {item.id: st.sampled_from([*item.option_values, SKIP]) for item in QUESTIONNAIRE.items}
    )
)
def test_contributions_add_up_to_the_total_and_match_a_hand_calculation(answers):
    (result,) = score_response(QUESTIONNAIRE, answers).results
    by_hand = sum(
        LITERACY.points[item].get(value, 0)
        for item, value in answers.items()
        if item in LITERACY.points
    )
    assert result.points == by_hand
    assert sum(c.points for c in result.contributions) == result.points


def flag(domain: str, level: str) -> Flag:
    return Flag(domain, level, "", (), None)


def test_plan_for_everyone_has_the_always_adjustments_only():
    proposed = propose_plan([flag("literacy", "none")], [], builtin_content())
    assert [p.adjustment.id for p in proposed] == [
        "explain-next-steps",
        "summary-after-meeting",
        "offer-advocate",
    ]


def test_reading_flag_and_stated_preferences_add_their_adjustments_with_reasons():
    preferences = preferences_from_contact("text", "Urdu")
    assert preferences == ["contact:text", "interpreter"]
    proposed = {
        p.adjustment.id: p
        for p in propose_plan([flag("literacy", "possible")], preferences, builtin_content())
    }
    assert {
        "phone-before-letters",
        "read-documents-aloud",
        "text-reminders",
        "contact-by-text",
        "language-interpreter",
    } <= set(proposed)
    assert proposed["language-interpreter"].reasons == (
        "The parent's first language is not English.",
    )
    assert proposed["phone-before-letters"].adjustment.snomed_code == "795661000000104"
    assert proposed["phone-before-letters"].adjustment.ais_category == "contact_method"


def test_bsl_users_get_a_bsl_interpreter_not_a_spoken_language_one():
    assert preferences_from_contact("email", "British Sign Language") == ["contact:email", "bsl"]
    assert preferences_from_contact(None, "english") == []


def test_every_adjustment_says_what_staff_do_and_why():
    for adjustment in builtin_content().adjustments.values():
        assert len(adjustment.staff_action.split()) >= 8, adjustment.id
        assert adjustment.why, adjustment.id


def test_a_rule_naming_a_missing_adjustment_is_reported_with_file_and_line(tmp_path):
    directory = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, directory)
    rules = directory / "plan_rules.yaml"
    rules.write_text(
        rules.read_text().replace("add: [language-interpreter]", "add: [langauge-interpreter]", 1)
    )
    with pytest.raises(ContentError) as caught:
        load_content(directory)
    message = str(caught.value)
    assert "plan_rules.yaml:" in message
    assert "'langauge-interpreter', which is not in the adjustment catalogue" in message


def test_every_adjustment_has_easy_read_words_for_the_parent():
    from questionnaires.readability import check_texts

    texts = {a.id: a.parent_text for a in builtin_content().adjustments.values()}
    assert all(texts.values()), [k for k, v in texts.items() if not v]
    assert check_texts(texts) == []


def test_questions_not_asked_are_not_reported_as_skipped():
    answers = {item.id: item.option_values[-1] for item in QUESTIONNAIRE.items}
    del answers["rw_mix_up"]  # not asked (e.g. behind a closed gate)
    result = LITERACY.score(answers)
    assert result.skipped == () and result.points == 37
    answers["rw_mix_up"] = None  # asked, not answered
    assert LITERACY.score(answers).skipped == ("rw_mix_up",)


def test_a_closed_gate_scores_nothing_and_skips_nothing():
    from models import scorecard_from_dict
    from questionnaires import Library, parse_questionnaire

    gated = parse_questionnaire(
        {
            "id": "gated",
            "version": "1",
            "title": "Gate",
            "sections": [
                {
                    "id": "s",
                    "title": "S",
                    "items": [
                        {"id": "gate", "type": "boolean", "prompt": "Placeholder gate"},
                        {
                            "id": "follow",
                            "type": "boolean",
                            "prompt": "Placeholder follow-up",
                            "enable_when": {"item": "gate", "in": ["yes"]},
                        },
                    ],
                }
            ],
        }
    )
    card = scorecard_from_dict(
        {
            "id": "g",
            "version": "1",
            "domain": "mood",
            "questionnaires": ["gated@1"],
            "items": {"gate": {"points": {"yes": 0}}, "follow": {"points": {"yes": 1}}},
            "bands": [{"name": "none", "label": "None", "min": 0}],
        },
        Library([gated]),
    )
    (result,) = score_response(gated, {"gate": "no", "follow": "yes"}, [card]).results
    assert result.points == 0 and result.skipped == ()
