"""How good a scorecard is, in the terms a screening service decides on.

A screen is judged at a cut-off, not by AUC alone: with ~20 attainable totals the operating
point is the hard part (docs/scoring-model.md, "What the trial found"), so every attainable
cut-off is tabulated. Fairness needs more than equal sensitivity, so false-positive rates and
calibration are reported per group too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pandas loads when a table is built, not when models is imported
    import pandas as pd


@dataclass(frozen=True)
class OperatingPoint:
    cutoff: float
    sensitivity: float
    specificity: float
    ppv: float
    npv: float
    flagged: float


@dataclass(frozen=True)
class Calibration:
    slope: float
    intercept: float  # calibration-in-the-large: the logit offset with the slope held at 1
    brier: float
    mean_risk: float
    observed_rate: float


@dataclass(frozen=True)
class Evaluation:
    n: int
    positives: int
    auc: float
    auc_interval: tuple[float, float]
    cutoffs: pd.DataFrame
    target_sensitivity: float
    chosen: OperatingPoint
    calibration: Calibration | None
    groups: pd.DataFrame | None
    sensitivity_gap: float | None
    fpr_gap: float | None
    sensitivity_gap_interval: tuple[float, float] | None = None
    fpr_gap_interval: tuple[float, float] | None = None


def cutoff_table(y_true, scores) -> pd.DataFrame:
    """Sensitivity, specificity, PPV, NPV and share flagged for "score >= cut-off", for every
    attainable cut-off (each distinct score), lowest first."""
    import pandas as pd

    y = np.asarray(y_true).astype(bool)
    s = np.asarray(scores, dtype=np.float64)
    values = np.unique(s)
    pos, neg = y.sum(), (~y).sum()
    # Counts at or above each value, from a single sort.
    order = np.searchsorted(values, s)
    pos_at = np.bincount(order, weights=y, minlength=len(values))
    all_at = np.bincount(order, minlength=len(values)).astype(np.float64)
    tp = np.cumsum(pos_at[::-1])[::-1]
    flagged = np.cumsum(all_at[::-1])[::-1]
    fp = flagged - tp
    fn, tn = pos - tp, neg - fp
    with np.errstate(invalid="ignore", divide="ignore"):
        frame = pd.DataFrame(
            {
                "cutoff": values,
                "sensitivity": tp / pos if pos else np.nan,
                "specificity": tn / neg if neg else np.nan,
                "ppv": np.where(flagged > 0, tp / np.maximum(flagged, 1), np.nan),
                "npv": np.where(tn + fn > 0, tn / np.maximum(tn + fn, 1), np.nan),
                "flagged": flagged / len(s) if len(s) else np.nan,
                "tp": tp.astype(int),
                "fp": fp.astype(int),
                "tn": tn.astype(int),
                "fn": fn.astype(int),
            }
        )
    return frame


def cutoff_for_sensitivity(y_true, scores, sensitivity: float = 0.90) -> float:
    """The highest cut-off whose "score >= cut-off" keeps sensitivity at or above the target:
    the fewest people flagged without missing more needs than agreed."""
    table = cutoff_table(y_true, scores)
    ok = table[table["sensitivity"] >= sensitivity - 1e-12]
    if ok.empty:
        return float(table["cutoff"].iloc[0])
    return float(ok["cutoff"].iloc[-1])


def operating_point(y_true, scores, cutoff: float) -> OperatingPoint:
    y = np.asarray(y_true).astype(bool)
    flag = np.asarray(scores, dtype=np.float64) >= cutoff
    tp, fp = int(np.sum(flag & y)), int(np.sum(flag & ~y))
    fn, tn = int(np.sum(~flag & y)), int(np.sum(~flag & ~y))
    return OperatingPoint(
        cutoff=float(cutoff),
        sensitivity=_ratio(tp, tp + fn),
        specificity=_ratio(tn, tn + fp),
        ppv=_ratio(tp, tp + fp),
        npv=_ratio(tn, tn + fn),
        flagged=_ratio(tp + fp, len(y)),
    )


def _ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")


def auc_with_interval(
    y_true, scores, *, n_boot: int = 200, level: float = 0.95, random_state: int = 0
) -> tuple[float, tuple[float, float]]:
    """ROC AUC and a percentile bootstrap interval. Scorecards have few distinct totals, so
    people are resampled as counts per (total, outcome) cell (a multinomial draw, the same
    distribution as resampling rows) and a million-row interval takes milliseconds."""
    y = np.asarray(y_true).astype(int)
    s = np.asarray(scores, dtype=np.float64)
    if len(np.unique(y)) < 2:
        return float("nan"), (float("nan"), float("nan"))
    _, inverse = np.unique(s, return_inverse=True)
    cells = np.bincount(inverse * 2 + y, minlength=2 * (inverse.max() + 1)).reshape(-1, 2)
    auc = _auc_from_counts(cells[:, 1], cells[:, 0])
    rng = np.random.default_rng(random_state)
    draws = rng.multinomial(len(y), cells.ravel() / len(y), size=n_boot)
    boots = [_auc_from_counts(d.reshape(-1, 2)[:, 1], d.reshape(-1, 2)[:, 0]) for d in draws]
    boots = [b for b in boots if b == b]
    if not boots:
        return auc, (float("nan"), float("nan"))
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(boots, [tail, 100 - tail])
    return auc, (float(low), float(high))


def roc_auc(y_true, scores) -> float:
    """The probability that a person with the need scores above one without (ties count half)."""
    return auc_with_interval(y_true, scores, n_boot=0)[0]


def _auc_from_counts(pos: np.ndarray, neg: np.ndarray) -> float:
    """AUC from counts of positives and negatives at each distinct score, lowest first."""
    total_pos, total_neg = pos.sum(), neg.sum()
    if not total_pos or not total_neg:
        return float("nan")
    below = np.cumsum(neg) - neg
    return float(np.sum(pos * (below + 0.5 * neg)) / (total_pos * total_neg))


def calibration(y_true, risk) -> Calibration:
    """Slope (logistic recalibration of y on logit(risk)), calibration-in-the-large (the
    intercept with the slope fixed at 1) and the Brier score."""
    y = np.asarray(y_true, dtype=np.float64)
    p = np.clip(np.asarray(risk, dtype=np.float64), 1e-9, 1 - 1e-9)
    logit = np.log(p / (1 - p))
    slope = _logistic_fit(np.column_stack([np.ones_like(logit), logit]), y, np.zeros_like(y))[1]
    citl = _logistic_fit(np.ones((len(y), 1)), y, logit)[0]
    return Calibration(
        slope=float(slope),
        intercept=float(citl),
        brier=float(np.mean((p - y) ** 2)),
        mean_risk=float(np.mean(p)),
        observed_rate=float(np.mean(y)),
    )


def _logistic_fit(F: np.ndarray, y: np.ndarray, offset: np.ndarray) -> np.ndarray:
    beta = np.zeros(F.shape[1])
    for _ in range(50):
        p = 1 / (1 + np.exp(-np.clip(offset + F @ beta, -500, 500)))
        hess = (F * (p * (1 - p))[:, None]).T @ F + 1e-9 * np.eye(F.shape[1])
        step = np.linalg.solve(hess, F.T @ (y - p))
        beta += step
        if np.max(np.abs(step)) < 1e-10:
            break
    return beta


def evaluate(
    y_true,
    scores,
    groups=None,
    *,
    risk=None,
    target_sensitivity: float = 0.90,
    cutoff: float | None = None,
    n_boot: int = 200,
    min_group_cases: int = 20,
    random_state: int = 0,
) -> Evaluation:
    """Evaluate scores (totals) against outcomes, overall and per group.

    ``risk`` (calibrated probabilities) enables the calibration figures. The operating point is
    ``cutoff`` if given, else the highest cut-off that keeps ``target_sensitivity``. Gaps are the
    largest differences between groups with at least ``min_group_cases`` positives and
    negatives, since a gap between tiny groups is mostly noise."""
    import pandas as pd

    y = np.asarray(y_true).astype(int)
    s = np.asarray(scores, dtype=np.float64)
    auc, interval = auc_with_interval(y, s, n_boot=n_boot, random_state=random_state)
    chosen_cut = cutoff if cutoff is not None else cutoff_for_sensitivity(y, s, target_sensitivity)
    chosen = operating_point(y, s, chosen_cut)
    cal = calibration(y, risk) if risk is not None else None

    group_frame, sens_gap, fpr_gap, gap_intervals = None, None, None, (None, None)
    if groups is not None:
        g = np.asarray(groups)
        rows = [
            _group_row(name, g == name, y, s, risk, chosen_cut, min_group_cases)
            for name in pd.unique(g)
        ]
        group_frame = pd.DataFrame(rows)
        enough = group_frame[group_frame["enough_cases"]]
        if len(enough) >= 2:
            sens_gap = float(enough["sensitivity"].max() - enough["sensitivity"].min())
            fpr = enough["false_positive_rate"]
            fpr_gap = float(fpr.max() - fpr.min())
            keep = np.isin(g, enough["group"].to_numpy())
            gap_intervals = _gap_intervals(
                g[keep], y[keep], s[keep] >= chosen_cut, n_boot, random_state
            )
    return Evaluation(
        n=len(y),
        positives=int(y.sum()),
        auc=auc,
        auc_interval=interval,
        cutoffs=cutoff_table(y, s),
        target_sensitivity=target_sensitivity,
        chosen=chosen,
        calibration=cal,
        groups=group_frame,
        sensitivity_gap=sens_gap,
        fpr_gap=fpr_gap,
        sensitivity_gap_interval=gap_intervals[0],
        fpr_gap_interval=gap_intervals[1],
    )


def _group_row(
    name: Any,
    mask: np.ndarray,
    y: np.ndarray,
    s: np.ndarray,
    risk: Any,
    cutoff: float,
    min_group_cases: int,
) -> dict[str, Any]:
    """One group's figures at the chosen cut-off, and whether it has cases enough to compare."""
    yg, sg = y[mask], s[mask]
    point = operating_point(yg, sg, cutoff)
    row = {
        "group": name,
        "n": int(mask.sum()),
        "positives": int(yg.sum()),
        "auc": roc_auc(yg, sg),
        "sensitivity": point.sensitivity,
        "false_positive_rate": 1 - point.specificity,
        "ppv": point.ppv,
        "flagged": point.flagged,
    }
    if risk is not None:
        rg = np.asarray(risk)[mask]
        c = calibration(yg, rg)
        row.update(calibration_in_the_large=c.intercept, mean_risk=c.mean_risk)
        row.update(observed_rate=c.observed_rate)
    row["enough_cases"] = bool(
        yg.sum() >= min_group_cases and (len(yg) - yg.sum()) >= min_group_cases
    )
    return row


def _gap_intervals(groups, y, flagged, n_boot: int, random_state: int, level: float = 0.95):
    """95% bootstrap intervals for the sensitivity and false-positive-rate gaps, resampling
    people as counts per (group, outcome, flagged) cell: a gap is only worth acting on if it
    is bigger than its noise."""
    if n_boot <= 0:
        return None, None
    names, code = np.unique(groups, return_inverse=True)
    cell = code * 4 + y.astype(int) * 2 + flagged.astype(int)
    counts = np.bincount(cell, minlength=len(names) * 4)
    draws = (
        np.random.default_rng(random_state)
        .multinomial(len(y), counts / len(y), size=n_boot)
        .reshape(n_boot, len(names), 2, 2)
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        sens = draws[:, :, 1, 1] / draws[:, :, 1, :].sum(axis=2)
        fpr = draws[:, :, 0, 1] / draws[:, :, 0, :].sum(axis=2)
    tail = (1 - level) / 2 * 100

    def interval(rates):
        gaps = np.nanmax(rates, axis=1) - np.nanmin(rates, axis=1)
        low, high = np.nanpercentile(gaps, [tail, 100 - tail])
        return float(low), float(high)

    return interval(sens), interval(fpr)
