"""Evaluation numbers checked against hand-made data whose answers are known."""

import numpy as np
import pytest

from models.evaluate import (
    calibration,
    cutoff_for_sensitivity,
    cutoff_table,
    evaluate,
    operating_point,
)

# 10 people: 4 with the need (scores 5, 4, 3, 1), 6 without (4, 2, 1, 0, 0, 0).
Y = np.array([1, 1, 1, 1, 0, 0, 0, 0, 0, 0])
S = np.array([5, 4, 3, 1, 4, 2, 1, 0, 0, 0])


def test_operating_point_by_hand():
    p = operating_point(Y, S, 3)  # flagged: 5, 4, 3 (need) and 4 (no need)
    assert (p.sensitivity, p.specificity) == (0.75, 5 / 6)
    assert (p.ppv, p.npv, p.flagged) == (0.75, 5 / 6, 0.4)


def test_every_attainable_cutoff_is_tabulated():
    table = cutoff_table(Y, S)
    assert list(table["cutoff"]) == [0, 1, 2, 3, 4, 5]
    assert list(table["sensitivity"]) == [1, 1, 0.75, 0.75, 0.5, 0.25]
    assert list(table["specificity"]) == pytest.approx([0, 0.5, 4 / 6, 5 / 6, 5 / 6, 1])
    assert list(table["tp"] + table["fp"]) == [10, 7, 5, 4, 3, 1]


def test_cutoff_for_target_sensitivity():
    assert cutoff_for_sensitivity(Y, S, 0.90) == 1
    assert cutoff_for_sensitivity(Y, S, 0.75) == 3
    assert cutoff_for_sensitivity(Y, S, 0.25) == 5


def test_auc_and_interval():
    result = evaluate(Y, S, n_boot=100)
    # Pairs (need, no need) ranked right, ties half: 5: 6, 4: 5.5, 3: 5, 1: 3.5 -> 20/24.
    assert result.auc == pytest.approx(20 / 24)
    low, high = result.auc_interval
    assert low <= result.auc <= high and high - low > 0
    assert result.chosen.cutoff == 1 and result.chosen.sensitivity == 1.0


def test_calibration_of_perfectly_calibrated_risk():
    rng = np.random.default_rng(0)
    risk = rng.uniform(0.05, 0.95, 40000)
    y = (rng.random(40000) < risk).astype(int)
    cal = calibration(y, risk)
    assert cal.slope == pytest.approx(1, abs=0.05)
    assert cal.intercept == pytest.approx(0, abs=0.03)
    assert cal.brier == pytest.approx(np.mean((risk - y) ** 2))
    over = calibration(y, np.clip(risk * 1.3, 0, 0.99))
    assert over.intercept < -0.2  # risk over-predicted: negative calibration-in-the-large


def test_group_gaps():
    y = np.array([1] * 20 + [0] * 20 + [1] * 20 + [0] * 20)
    s = np.array([1] * 18 + [0] * 2 + [1] * 4 + [0] * 16 + [1] * 20 + [1] * 10 + [0] * 10)
    groups = np.array(["A"] * 40 + ["B"] * 40)
    result = evaluate(y, s, groups, cutoff=1, min_group_cases=20, n_boot=200)
    frame = result.groups.set_index("group")
    assert frame.loc["A", "sensitivity"] == 0.9 and frame.loc["B", "sensitivity"] == 1.0
    assert frame.loc["A", "false_positive_rate"] == pytest.approx(0.2)
    assert frame.loc["B", "false_positive_rate"] == pytest.approx(0.5)
    assert result.sensitivity_gap == pytest.approx(0.1)
    assert result.fpr_gap == pytest.approx(0.3)
    low, high = result.fpr_gap_interval
    assert low < 0.3 < high
    assert result.sensitivity_gap_interval[0] <= 0.1 <= result.sensitivity_gap_interval[1]
    small = evaluate(y, s, groups, cutoff=1, min_group_cases=21, n_boot=10)
    assert small.sensitivity_gap is None  # groups too small to compare
    assert small.fpr_gap_interval is None
