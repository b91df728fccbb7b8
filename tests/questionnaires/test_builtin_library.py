"""The built-in easy-read library: house rules, scorecard shapes and the mood safety item."""

from __future__ import annotations

from pathlib import Path

import pytest

from models import builtin_scorecards, scorecards_for
from questionnaires import SKIP, builtin_library
from questionnaires.scales import current_versions
from questionnaires.versions import read_lock
from screening import builtin_content, score_response

INDICATORS = [q for q in builtin_library() if q.kind == "indicator"]
CURRENT = {q.key for q in current_versions(builtin_library())}
NEW_DOMAINS = {
    "attention",
    "social_communication",
    "coordination",
    "learning",
    "mood",
    "sensory",
    "language",
}


def test_every_indicator_domain_has_a_published_questionnaire():
    covered = {d for q in INDICATORS for d in q.domains}
    assert NEW_DOMAINS | {"literacy"} <= covered
    assert covered <= set(builtin_content().domains)


@pytest.mark.parametrize("questionnaire", INDICATORS, ids=lambda q: q.key)
def test_indicator_questionnaires_follow_the_house_rules(questionnaire):
    assert questionnaire.status == "published"
    assert questionnaire.key in read_lock()
    assert 6 <= len(questionnaire.items) <= 12
    for item in questionnaire.items:
        # Since the 1.1 versions a hint is optional: only short ones that help (checked with
        # the answer scales, tests/questionnaires/test_answer_scales.py).
        assert item.hint or questionnaire.key in CURRENT, item.id
        assert item.summary, item.id
        assert SKIP not in item.option_values
    basis = questionnaire.basis
    assert basis.startswith("Indicator questions")
    assert "not a validated instrument" in basis or "not been checked" in basis
    head = Path(questionnaire.source).read_text().split("\nid:")[0]
    assert "NOT a validated instrument" in head


@pytest.mark.parametrize("questionnaire", INDICATORS, ids=lambda q: q.key)
def test_each_indicator_has_an_expert_scorecard_for_its_domain(questionnaire):
    (card,) = scorecards_for(questionnaire.key)
    assert card.provenance == "expert"
    assert card.domain in questionnaire.domains
    assert "not a validated instrument" in card.basis or "not validated" in card.basis.lower()
    assert set(card.items) == {item.id for item in questionnaire.items}
    head = Path(card.source).read_text().split("\nid:")[0]
    assert "Not validated" in head


@pytest.mark.parametrize("questionnaire", INDICATORS, ids=lambda q: q.key)
def test_lowest_answers_raise_no_flag_and_highest_raise_the_top_flag(questionnaire):
    (card,) = scorecards_for(questionnaire.key)
    low = {i: min(t, key=t.get) for i, t in card.points.items()}
    high = {i: max(t, key=t.get) for i, t in card.points.items()}
    (low_flag,) = score_response(questionnaire, low).flags
    (high_flag,) = score_response(questionnaire, high).flags
    assert low_flag.level == "none"
    assert high_flag.level == "likely"


def card(card_id: str):
    return next(c for c in builtin_scorecards() if c.id == card_id)


def test_attention_counts_items_at_their_own_thresholds_asrs_style():
    attention = card("attention-expert")
    assert set(attention.points["at_finish"].values()) == {0, 1}
    assert attention.points["at_finish"]["sometimes"] == 1
    assert attention.points["at_put_off"]["sometimes"] == 0
    assert attention.points["at_put_off"]["often"] == 1
    three = {"at_finish": "sometimes", "at_order": "sometimes", "at_forget_dates": "sometimes"}
    assert attention.score(three).band.flag == "none"
    assert attention.score(three | {"at_fidget": "often"}).band.flag == "possible"


def test_social_communication_reverse_scores_about_half_its_items_aq10_style():
    social = card("social-communication-expert")
    agree_scored = [i for i, t in social.points.items() if t["agree_lot"] == 1]
    disagree_scored = [i for i, t in social.points.items() if t["disagree_lot"] == 1]
    assert len(agree_scored) == len(disagree_scored) == 5
    five = dict.fromkeys(agree_scored, "agree")
    assert social.score(five).band.flag == "none"
    assert social.score(five | {disagree_scored[0]: "disagree"}).band.flag == "likely"


def test_learning_is_a_proportion_of_the_maximum_arhq_style():
    learning = card("learning-expert")
    assert learning.method == "proportion"
    assert learning.max_points == 32
    ten = {"le_extra_help": "all", "le_keep_up": "very_often", "le_money": "sometimes"}
    assert learning.score(ten).total == pytest.approx(10 / 32)
    assert learning.score(ten).band.flag == "none"
    assert learning.score(ten | {"le_steps": "rarely"}).band.flag == "possible"  # 11/32 = 0.34


def test_sensory_flags_any_one_answer_at_very_hard_washington_group_style():
    sensory = card("sensory-expert")
    all_a_bit = dict.fromkeys(sensory.points, "a_bit")
    assert sensory.score(all_a_bit).band.flag == "none"
    assert sensory.score(all_a_bit | {"he_phone": "very"}).band.flag == "likely"
    assert sensory.score({"se_far": "cannot"}).band.flag == "likely"


def test_mood_bands_start_at_5_10_15_20():
    mood = card("mood-expert")
    assert [b.min for b in mood.bands] == [0, 5, 10, 15, 20]
    assert [b.flag for b in mood.bands] == ["none", "possible", "likely", "likely", "likely"]


MOOD = builtin_library().get("mood-worry", "1.0")


@pytest.mark.parametrize("answer", ["some_days", "most_days", "every_day"])
def test_the_self_harm_item_raises_a_same_day_safety_alert_whatever_the_total(answer):
    answers = {item.id: "not_at_all" for item in MOOD.items} | {"mo_hurt_self": answer}
    screening = score_response(MOOD, answers)
    assert screening.flags[0].level == "none"
    (alert,) = screening.alerts
    assert alert.item == "mo_hurt_self"
    assert "safety check today" in alert.message
    assert "999" in alert.message


@pytest.mark.parametrize("answer", ["not_at_all", SKIP, None])
def test_no_alert_without_a_positive_answer_to_the_self_harm_item(answer):
    answers = {item.id: "every_day" for item in MOOD.items} | {"mo_hurt_self": answer}
    assert score_response(MOOD, answers).alerts == ()


def test_the_preferences_questionnaire_is_unscored_and_every_item_has_a_hint():
    preferences = builtin_library().get("communication-preferences")
    assert preferences.kind == "preferences"
    assert scorecards_for(preferences.key) == []
    assert all(item.hint for item in preferences.items)
