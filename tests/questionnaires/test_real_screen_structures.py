"""The format expresses the scoring rule of every published screen listed in
docs/questionnaire-format.md ("How published screens are expressed").

Each test encodes one real screen's STRUCTURE and CUT-OFF with placeholder item text (we never
copy a published instrument's wording) and checks both sides of each cut-off.
"""

from __future__ import annotations

import pytest

from models import scorecard_from_dict
from questionnaires import Library, parse_questionnaire

FREQUENCY = ["never", "rarely", "sometimes", "often", "very_often"]
ZERO_TO_THREE = ["0", "1", "2", "3"]
AGREE = ["definitely_agree", "slightly_agree", "slightly_disagree", "definitely_disagree"]
WG_LEVELS = ["no_difficulty", "some_difficulty", "a_lot_of_difficulty", "cannot_do_at_all"]


def items(prefix: str, count: int, values: list[str], **extra) -> list[dict]:
    return [
        {
            "id": f"{prefix}{n}",
            "prompt": f"Placeholder item {n}",
            "options": [{"value": v, "label": f"Placeholder {v}"} for v in values],
            **extra,
        }
        for n in range(1, count + 1)
    ]


def questionnaire(qid: str, item_list: list[dict]):
    return parse_questionnaire(
        {
            "id": qid,
            "version": "1",
            "title": "Placeholder",
            "kind": "instrument",
            "sections": [{"id": "main", "title": "Placeholder", "items": item_list}],
        },
        source=f"{qid}.yaml",
    )


def scorecard(q, rules: dict, bands: list[tuple[str, float, str]], **extra):
    return scorecard_from_dict(
        {
            "id": f"{q.id}-card",
            "version": "1",
            "domain": "test",
            "questionnaires": [q.key],
            "items": rules,
            "bands": [{"name": n, "label": n, "min": m, "flag": f} for n, m, f in bands],
            **extra,
        },
        Library([q]),
    )


# --- ASRS v1.1 Part A: per-item thresholds, 4 of 6 ----------------------------------------

ASRS = questionnaire("asrs-a", items("asrs", 6, FREQUENCY))
ASRS_CARD = scorecard(
    ASRS,
    {f"asrs{n}": {"threshold": "sometimes" if n <= 3 else "often"} for n in range(1, 7)},
    [("negative", 0, "none"), ("positive", 4, "likely")],
)


@pytest.mark.parametrize(
    ("answers", "count", "band"),
    [
        # Items 1-3 count at "sometimes"; 4-6 only at "often": 3 + 0 = 3, negative.
        (["sometimes"] * 6, 3, "negative"),
        (["sometimes"] * 3 + ["often", "rarely", "rarely"], 4, "positive"),
        (["rarely"] * 3 + ["often", "very_often", "often"], 3, "negative"),
        (["rarely", "sometimes", "very_often", "often", "very_often", "sometimes"], 4, "positive"),
        (["never"] * 6, 0, "negative"),
        (["very_often"] * 6, 6, "positive"),
    ],
)
def test_asrs_part_a_counts_each_item_at_its_own_threshold(answers, count, band):
    result = ASRS_CARD.score({f"asrs{n}": a for n, a in enumerate(answers, start=1)})
    assert result.total == count
    assert result.band.name == band


# --- BDA-style adult checklist: weights x3 / x2 / x1, cut-offs 45 and 60 --------------------

BDA_WEIGHTS = [3, 3, 3, 3, 3, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1]  # 15 items
BDA = questionnaire("bda", items("bda", 15, ZERO_TO_THREE))
BDA_CARD = scorecard(
    BDA,
    {f"bda{n}": {"scale": [0, 1, 2, 3], "weight": w} for n, w in enumerate(BDA_WEIGHTS, 1)},
    [("unlikely", 0, "none"), ("mild", 45, "possible"), ("moderate_severe", 61, "likely")],
)


def bda_answers(points: int) -> dict[str, str]:
    """Greedy: answers worth exactly ``points`` on the weighted checklist."""
    answers, left = {}, points
    for n, weight in enumerate(BDA_WEIGHTS, 1):
        value = min(3, left // weight)
        answers[f"bda{n}"] = str(value)
        left -= value * weight
    assert left == 0
    return answers


def test_bda_weights_multiply_the_points():
    result = BDA_CARD.score({"bda1": "3", "bda6": "3", "bda11": "3"})
    assert result.points == 3 * 3 + 3 * 2 + 3 * 1
    assert BDA_CARD.max_points == 90


@pytest.mark.parametrize(
    ("points", "band"),
    [
        (44, "unlikely"),
        (45, "mild"),
        (60, "mild"),
        (61, "moderate_severe"),
        (90, "moderate_severe"),
    ],
)
def test_bda_weighted_sum_meets_cut_offs_45_and_60(points, band):
    result = BDA_CARD.score(bda_answers(points))
    assert result.points == points
    assert result.band.name == band


# --- ARHQ: proportion of the maximum, cut-off 0.43 -------------------------------------------

ARHQ = questionnaire("arhq", items("arhq", 23, ["0", "1", "2", "3", "4"]))
ARHQ_CARD = scorecard(
    ARHQ,
    {f"arhq{n}": {"scale": [0, 1, 2, 3, 4]} for n in range(1, 24)},
    [("below", 0, "none"), ("at_risk", 0.43, "likely")],
    method="proportion",
)


def arhq_answers(points: int) -> dict[str, str]:
    answers, left = {}, points
    for n in range(1, 24):
        value = min(4, left)
        answers[f"arhq{n}"] = str(value)
        left -= value
    return answers


@pytest.mark.parametrize(
    ("points", "band"), [(0, "below"), (39, "below"), (40, "at_risk"), (92, "at_risk")]
)
def test_arhq_proportion_of_maximum_meets_043(points, band):
    # The maximum is 23 x 4 = 92: 39/92 = 0.424 is below 0.43; 40/92 = 0.435 is above.
    result = ARHQ_CARD.score(arhq_answers(points))
    assert result.points == points
    assert result.max_points == 92
    assert result.total == pytest.approx(points / 92)
    assert result.band.name == band


# --- AQ-10: agree/disagree 0/1, some reverse-scored, 6+ -------------------------------------

AQ = questionnaire("aq10", items("aq", 10, AGREE))
AQ_AGREE_SCORED = {1, 7, 8, 10}  # agreeing counts; on the others disagreeing counts
AQ_CARD = scorecard(
    AQ,
    {
        f"aq{n}": (
            {"threshold": "slightly_agree", "reverse": True}
            if n in AQ_AGREE_SCORED
            else {"threshold": "slightly_disagree"}
        )
        for n in range(1, 11)
    },
    [("below", 0, "none"), ("consider_referral", 6, "likely")],
)


def test_aq10_reverse_scored_items_count_agreeing_and_the_others_disagreeing():
    assert AQ_CARD.points["aq1"] == {
        "definitely_agree": 1,
        "slightly_agree": 1,
        "slightly_disagree": 0,
        "definitely_disagree": 0,
    }
    assert AQ_CARD.points["aq2"] == {
        "definitely_agree": 0,
        "slightly_agree": 0,
        "slightly_disagree": 1,
        "definitely_disagree": 1,
    }


@pytest.mark.parametrize(("scoring", "band"), [(5, "below"), (6, "consider_referral")])
def test_aq10_six_or_more_is_the_cut_off(scoring, band):
    answers = {}
    for n in range(1, 11):
        counts = n <= scoring
        agree = (n in AQ_AGREE_SCORED) == counts
        answers[f"aq{n}"] = "slightly_agree" if agree else "definitely_disagree"
    result = AQ_CARD.score(answers)
    assert result.total == scoring
    assert result.band.name == band


def test_aq10_agreeing_with_everything_only_scores_the_agree_items():
    result = AQ_CARD.score({f"aq{n}": "definitely_agree" for n in range(1, 11)})
    assert result.total == len(AQ_AGREE_SCORED)


# --- PHQ-9: bands at 5/10/15/20, item 9 critical whatever the total -------------------------

PHQ = questionnaire("phq9", items("phq", 9, ZERO_TO_THREE))
PHQ_CARD = scorecard(
    PHQ,
    {f"phq{n}": {"scale": [0, 1, 2, 3]} for n in range(1, 10)},
    [
        ("minimal", 0, "none"),
        ("mild", 5, "possible"),
        ("moderate", 10, "likely"),
        ("moderately_severe", 15, "likely"),
        ("severe", 20, "likely"),
    ],
    critical=[
        {"item": "phq9", "in": ["1", "2", "3"], "message": "Do a safety check today."},
    ],
)


def zero_to_three(prefix: str, count: int, total: int, *, skip: set[int] = frozenset()):
    answers, left = {}, total
    for n in range(1, count + 1):
        value = 0 if n in skip else min(3, left)
        answers[f"{prefix}{n}"] = str(value)
        left -= value
    assert left == 0
    return answers


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately_severe"),
        (19, "moderately_severe"),
        (20, "severe"),
        (24, "severe"),
    ],
)
def test_phq9_bands_at_5_10_15_20(total, band):
    result = PHQ_CARD.score(zero_to_three("phq", 9, total, skip={9}))
    assert result.total == total
    assert result.band.name == band
    assert result.alerts == ()


def test_phq9_item_9_raises_an_alert_whatever_the_total():
    answers = {f"phq{n}": "0" for n in range(1, 9)} | {"phq9": "1"}
    result = PHQ_CARD.score(answers)
    assert result.total == 1
    assert result.band.name == "minimal"
    (alert,) = result.alerts
    assert (alert.item, alert.answer, alert.message) == ("phq9", "1", "Do a safety check today.")
    assert PHQ_CARD.score(answers | {"phq9": "0"}).alerts == ()


# --- GAD-7: bands at 5/10/15 ------------------------------------------------------------------

GAD = questionnaire("gad7", items("gad", 7, ZERO_TO_THREE))
GAD_CARD = scorecard(
    GAD,
    {f"gad{n}": {"scale": [0, 1, 2, 3]} for n in range(1, 8)},
    [
        ("minimal", 0, "none"),
        ("mild", 5, "possible"),
        ("moderate", 10, "likely"),
        ("severe", 15, "likely"),
    ],
)


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "severe"),
        (21, "severe"),
    ],
)
def test_gad7_bands_at_5_10_15(total, band):
    result = GAD_CARD.score(zero_to_three("gad", 7, total))
    assert result.total == total
    assert result.band.name == band


# --- PC-PTSD-5: a gate, then five yes/no; "no" at the gate scores 0; 3+ ---------------------

PTSD = questionnaire(
    "pc-ptsd-5",
    [{"id": "gate", "type": "boolean", "prompt": "Placeholder gate item"}]
    + items("ptsd", 5, ["yes", "no"], enable_when={"item": "gate", "in": ["yes"]}),
)
PTSD_CARD = scorecard(
    PTSD,
    {f"ptsd{n}": {"points": {"yes": 1, "no": 0}} for n in range(1, 6)},
    [("negative", 0, "none"), ("positive", 3, "likely")],
)


def ptsd_answers(gate: str, yeses: int) -> dict[str, str]:
    return {"gate": gate} | {f"ptsd{n}": "yes" if n <= yeses else "no" for n in range(1, 6)}


@pytest.mark.parametrize(("yeses", "band"), [(2, "negative"), (3, "positive"), (5, "positive")])
def test_pc_ptsd5_counts_yes_answers_after_an_open_gate(yeses, band):
    answers = PTSD.effective_answers(ptsd_answers("yes", yeses))
    result = PTSD_CARD.score(answers)
    assert result.total == yeses
    assert result.band.name == band


def test_pc_ptsd5_no_at_the_gate_disables_the_follow_ups_and_scores_0():
    answers = ptsd_answers("no", 5)
    assert [item.id for item in PTSD.enabled_items(answers)] == ["gate"]
    result = PTSD_CARD.score(PTSD.effective_answers(answers))
    assert result.total == 0
    assert result.band.name == "negative"
    # Without the gate applied the same answers would have scored 5: the gate is what counts.
    assert PTSD_CARD.score(answers).total == 5


# --- Single Item Literacy Screener: one item 1-5, above 2 -----------------------------------

SILS = questionnaire("sils", items("sils", 1, ["1", "2", "3", "4", "5"]))
SILS_CARD = scorecard(
    SILS,
    {"sils1": {"points": {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5}}},
    [("adequate", 0, "none"), ("limited", 3, "likely")],
)


@pytest.mark.parametrize(
    ("answer", "band"),
    [("1", "adequate"), ("2", "adequate"), ("3", "limited"), ("5", "limited")],
)
def test_sils_above_2_is_limited_reading(answer, band):
    assert SILS_CARD.score({"sils1": answer}).band.name == band


# --- Washington Group short set: any of 6 at "a lot of difficulty" or worse ------------------

WG = questionnaire("wg-ss", items("wg", 6, WG_LEVELS))
WG_CARD = scorecard(
    WG,
    {f"wg{n}": {"threshold": "a_lot_of_difficulty"} for n in range(1, 7)},
    [("no_disability", 0, "none"), ("disability", 1, "likely")],
)


@pytest.mark.parametrize(
    ("answers", "band"),
    [
        (["some_difficulty"] * 6, "no_disability"),
        (["no_difficulty"] * 5 + ["a_lot_of_difficulty"], "disability"),
        (["cannot_do_at_all"] + ["no_difficulty"] * 5, "disability"),
        (["no_difficulty"] * 6, "no_disability"),
    ],
)
def test_washington_group_any_domain_at_a_lot_of_difficulty_or_worse(answers, band):
    result = WG_CARD.score({f"wg{n}": a for n, a in enumerate(answers, 1)})
    assert result.band.name == band


# --- One item feeding two domains: two scorecards over one questionnaire --------------------

SHARED = questionnaire("shared", items("sh", 3, ZERO_TO_THREE))
SHARED_LIBRARY = Library([SHARED])


def shared_card(domain: str, item_ids: list[str], cut_off: int):
    return scorecard_from_dict(
        {
            "id": f"{domain}-card",
            "version": "1",
            "domain": domain,
            "questionnaires": [SHARED.key],
            "items": {i: {"scale": [0, 1, 2, 3]} for i in item_ids},
            "bands": [
                {"name": "no", "label": "No", "min": 0},
                {"name": "yes", "label": "Yes", "min": cut_off, "flag": "likely"},
            ],
        },
        SHARED_LIBRARY,
    )


def test_one_item_feeds_two_domains():
    reading = shared_card("literacy", ["sh1", "sh2"], 3)
    attention = shared_card("attention", ["sh2", "sh3"], 3)
    answers = {"sh1": "0", "sh2": "3", "sh3": "0"}
    first, second = reading.score(answers), attention.score(answers)
    assert (first.domain, first.total, first.band.name) == ("literacy", 3, "yes")
    assert (second.domain, second.total, second.band.name) == ("attention", 3, "yes")
    assert [c.item for c in first.contributions] == [c.item for c in second.contributions]
    below = {"sh1": "0", "sh2": "2", "sh3": "0"}
    assert reading.score(below).band.name == attention.score(below).band.name == "no"
