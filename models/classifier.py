"""ScorecardClassifier: learn a sparse scorecard of small integer points from answers and outcomes.

A worker has to be able to add the points up by hand, so the model is a table of integers, not
a vector of floats. The recipe is the one that won the trial in MODEL.md; see the class
docstring and docs/scoring-model.md for why each step is there.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import reduce
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_is_fitted, validate_data

from models.scorecard import Band, Scorecard
from questionnaires.schema import Questionnaire

_BONUS_CHOICES = ("any", "top", "none")
# Above this many distinct values a column is treated as continuous: no step (bonus) candidates.
_MAX_LEVELS = 12


class ScorecardClassifier(ClassifierMixin, BaseEstimator):
    """A binary classifier whose model is a sparse table of small integer points.

    Input columns hold ordinal answer codes (0 for the first option, 1 for the next, ...).
    Each chosen item scores ``coef_[j] * code`` (points per answer level) plus ``bonus_[j]`` when
    the code is at or above ``bonus_level_[j]`` (a step, by default allowed at any level: at the
    top level it is the "very often" bonus; at a middle level it is a published per-item
    threshold such as ASRS Part A's). The integer total of those points is what a worker adds
    up; ``predict_proba`` maps it to a risk through a logistic curve fitted on the training data.

    Why this recipe (MODEL.md): how items are chosen mattered more than how points are rounded,
    so items are chosen first with exact logistic fits, and only then rounded.

    1. Encoding: per column, a linear feature (the code) and step features ``code >= t``.
    2. Forward selection: at each step every unused item and each of its encodings (linear,
       step at t, linear + step at t) is screened with a score test against the current exact
       fit; the ``n_refit`` best items are refitted exactly (Newton's method, a light ridge
       ``l2`` so separable data stays finite) and the best is kept. Selection stops at
       ``max_items`` items, or when the best gain in log-likelihood does not pay BIC's price.
    3. Rounding: the real coefficients are multiplied by each of a grid of scales (including
       every scale that makes one coefficient an exact integer), rounded and clipped to
       ``+/-max_points``; for each, the logistic curve of the total is refitted and the scale
       with the lowest log-loss wins.
    4. Local search: each integer point is moved by +/-1 while the log-loss falls
       (FasterRisk-style), then all points are divided by their greatest common divisor so a
       "count the signs" rule comes out as 1 point each.

    Parameters
    ----------
    max_items : int, default 10
        The most items that may carry points (fewer are kept when more do not pay their way).
    max_points : int, default 5
        Every point value is a whole number within +/-max_points.
    bonus : {"any", "top", "none"}, default "any"
        Where a step (bonus) may start: any level, only the top level, or nowhere.
    n_refit : int, default 3
        How many front runners of the score-test screen are refitted exactly at each step.
    l2 : float, default 1.0
        Ridge on the summed log-loss of the exact refits; tiny next to thousands of rows, it
        only keeps separable data (a published rule) finite.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features_in_,)
        Integer points per answer level for each column (0 for columns not chosen).
    bonus_ : ndarray of shape (n_features_in_,)
        Integer points added when the code is at or above ``bonus_level_`` (0 if none).
    bonus_level_ : ndarray of shape (n_features_in_,)
        The code where the bonus starts (the column's top level when there is no bonus).
    intercept_ : int (float when trained on non-integer inputs)
        Integer offset so that ``decision_function = total + intercept_`` and the default
        prediction (risk above 0.5) is ``decision_function > 0``, i.e. ``total >= 1 - intercept_``.
    calibration_ : tuple of (slope, intercept)
        ``risk = 1 / (1 + exp(-(intercept + slope * total)))``.
    selected_ : ndarray of int
        Column indices of the chosen items, in the order they were chosen.
    """

    def __init__(self, max_items=10, max_points=5, bonus="any", n_refit=3, l2=1.0):
        self.max_items = max_items
        self.max_points = max_points
        self.bonus = bonus
        self.n_refit = n_refit
        self.l2 = l2

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags

    # ----------------------------------------------------------------- fitting
    def fit(self, X, y):
        X, y = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)
        y_type = type_of_target(y, input_name="y", raise_unknown=True)
        if y_type != "binary":
            raise ValueError(
                "Only binary classification is supported (an outcome is found or not). "
                f"The type of the target is {y_type}."
            )
        self.classes_, y_index = np.unique(y, return_inverse=True)
        if self.bonus not in _BONUS_CHOICES:
            raise ValueError(f"bonus must be one of {_BONUS_CHOICES}; got {self.bonus!r}")
        if int(self.max_points) < 1 or int(self.max_items) < 0:
            raise ValueError("max_points must be >= 1 and max_items >= 0")
        yy = y_index.astype(np.float64)
        n, d = X.shape
        self.n_features_in_ = d
        self.coef_ = np.zeros(d, dtype=np.int64)
        self.bonus_ = np.zeros(d, dtype=np.int64)
        self.bonus_level_ = X.max(axis=0) if n else np.zeros(d)

        blocks = _select(X, yy, int(self.max_items), self.bonus, int(self.n_refit), float(self.l2))
        self.selected_ = np.array([b.column for b in blocks], dtype=np.int64)
        if blocks:
            design = np.column_stack([col for b in blocks for col in b.columns(X)])
            beta = _newton(np.column_stack([np.ones(n), design]), yy, float(self.l2))[0][1:]
            points = _round_and_search(design, yy, beta, int(self.max_points))
            at = 0
            for b in blocks:
                for kind in b.kinds:
                    if kind == "linear":
                        self.coef_[b.column] = points[at]
                    else:
                        self.bonus_[b.column] = points[at]
                        self.bonus_level_[b.column] = b.level
                    at += 1
        integer_codes = bool(np.all(np.round(X) == X))
        slope, intercept = _fit_curve(self._total(X), yy)
        self.calibration_ = (float(slope), float(intercept))
        # Integer answer codes give integer totals, so an integer offset reproduces the 0.5-risk
        # rule exactly; other (continuous) inputs need the exact real threshold.
        if integer_codes:
            self.intercept_ = _integer_offset(slope, intercept)
        else:
            self.intercept_ = float(intercept / slope) if slope > 0 else float(intercept > 0)
        return self

    # --------------------------------------------------------------- scoring
    def _total(self, X: np.ndarray) -> np.ndarray:
        steps = (self.bonus_level_ <= X) * self.bonus_
        return X @ self.coef_ + steps.sum(axis=1)

    def points(self, X) -> np.ndarray:
        """The total points per row: what a worker would add up by hand."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        return self._total(X)

    def decision_function(self, X):
        """Total points plus ``intercept_``: positive exactly when the risk is above 0.5."""
        return self.points(X) + self.intercept_

    def predict_proba(self, X):
        check_is_fitted(self)
        slope, intercept = self.calibration_
        risk = _sigmoid(intercept + slope * self.points(X))
        return np.column_stack([1.0 - risk, risk])

    def predict(self, X):
        check_is_fitted(self)
        return self.classes_[(self.decision_function(X) > 0).astype(int)]

    def cutoff_for_sensitivity(self, X, y, sensitivity: float = 0.90) -> float:
        """The highest total whose "total >= cut-off" rule keeps at least ``sensitivity`` on
        (X, y): with so few attainable totals, the default 0.5-risk cut-off rarely suits a
        screen, where missing a need costs more than a second look."""
        from models.evaluate import cutoff_for_sensitivity

        check_is_fitted(self)
        positive = np.asarray(y) == self.classes_[1]
        return cutoff_for_sensitivity(positive.astype(int), self.points(X), sensitivity)

    # -------------------------------------------------------- export / import
    def level_points(self, column: int, n_levels: int) -> list[int]:
        """Points for codes 0..n_levels-1 of one column: the per-option table of a scorecard."""
        coef, bonus, level = self.coef_[column], self.bonus_[column], self.bonus_level_[column]
        return [int(coef * code + (bonus if code >= level else 0)) for code in range(n_levels)]

    def to_scorecard(
        self,
        items: Questionnaire | Mapping[str, Sequence[str]],
        *,
        id: str,
        version: str = "1",
        domain: str,
        cutoffs: Sequence[float] | None = None,
        bands: Sequence[tuple[str, str, str]] | None = None,
        questionnaires: Sequence[str] | None = None,
        basis: str = "",
    ) -> Scorecard:
        """A reviewable Scorecard (provenance "fitted") with points per option value.

        ``items`` is a questionnaire (options in order give codes 0, 1, ...) or a mapping of
        item id to its option values in code order. ``cutoffs`` are totals at which each band
        after the first starts (default: the 0.5-risk cut-off); ``bands`` gives (name, label,
        flag) for each band, lowest first."""
        check_is_fitted(self)
        names = _feature_names(self)
        if isinstance(items, Questionnaire):
            options = {item.id: list(item.option_values) for item in items.iter_items()}
            questionnaires = questionnaires or [items.key]
            summaries_src = {i.id: i.summary or i.prompt for i in items.iter_items()}
        else:
            options = {k: list(v) for k, v in items.items()}
            summaries_src = {}
        points: dict[str, dict[str, float]] = {}
        for j, name in enumerate(names):
            if not (self.coef_[j] or self.bonus_[j]):
                continue
            if name not in options:
                raise ValueError(f"item {name!r} is scored but has no option values given")
            values = options[name]
            table = self.level_points(j, len(values))
            points[name] = {v: float(p) for v, p in zip(values, table, strict=True)}
        cutoffs = list(cutoffs) if cutoffs is not None else [1 - int(self.intercept_)]
        if bands is None:
            defaults = [("none", "Few signs", "none"), ("possible", "Some signs", "possible")]
            defaults += [("likely", "Many signs", "likely")]
            bands = defaults[: len(cutoffs) + 1] if len(cutoffs) < 3 else None
        if bands is None or len(bands) != len(cutoffs) + 1:
            raise ValueError("give one (name, label, flag) band more than there are cut-offs")
        low = sum(min([0.0, *t.values()]) for t in points.values())
        mins = [low, *[float(c) for c in cutoffs]]
        return Scorecard(
            id=id,
            version=version,
            domain=domain,
            provenance="fitted",
            questionnaires=tuple(questionnaires or ()),
            points=points,
            bands=tuple(
                Band(name, label, m, flag)
                for (name, label, flag), m in zip(bands, mins, strict=True)
            ),
            summaries={k: summaries_src.get(k, k) for k in points},
            basis=basis,
            calibration=self.calibration_,
        )

    @classmethod
    def from_scorecard(
        cls,
        scorecard: Scorecard,
        items: Questionnaire | Mapping[str, Sequence[str]],
        feature_names: Sequence[str] | None = None,
    ) -> ScorecardClassifier:
        """A fitted classifier that scores exactly as ``scorecard`` does on answer codes.

        Each item's table must be points-per-level plus one step (what ``to_scorecard``
        writes); ``feature_names`` fixes the column order (default: the scorecard's items).
        A scorecard without a calibration (an expert one) gets risk 0.5 half a point below its
        highest cut-off and a slope of 1 per point: a placeholder, not a fitted risk."""
        if isinstance(items, Questionnaire):
            options = {item.id: list(item.option_values) for item in items.iter_items()}
        else:
            options = {k: list(v) for k, v in items.items()}
        names = list(feature_names) if feature_names is not None else list(scorecard.items)
        model = cls()
        d = len(names)
        model.n_features_in_ = d
        model.feature_names_in_ = np.array(names, dtype=object)
        model.classes_ = np.array([0, 1])
        model.coef_ = np.zeros(d, dtype=np.int64)
        model.bonus_ = np.zeros(d, dtype=np.int64)
        model.bonus_level_ = np.array([max(len(options.get(n, [0])) - 1, 0) for n in names], float)
        for j, name in enumerate(names):
            table = scorecard.points.get(name)
            if not table:
                continue
            levels = [table.get(v, 0.0) for v in options[name]]
            coef, bonus, level = _decompose(levels, name)
            model.coef_[j], model.bonus_[j] = coef, bonus
            if bonus:
                model.bonus_level_[j] = level
        model.selected_ = np.flatnonzero(model.coef_ | model.bonus_)
        slope, intercept = scorecard.calibration or (1.0, -(scorecard.bands[-1].min - 0.5))
        model.calibration_ = (float(slope), float(intercept))
        model.intercept_ = _integer_offset(slope, intercept)
        return model


def with_cutoffs(scorecard: Scorecard, cutoffs: Sequence[float]) -> Scorecard:
    """The same scorecard with new cut-offs for its bands after the first (e.g. after choosing
    them for a target sensitivity)."""
    if len(cutoffs) != len(scorecard.bands) - 1:
        raise ValueError("give one cut-off per band after the first")
    bands = [scorecard.bands[0]]
    bands += [replace(b, min=float(c)) for b, c in zip(scorecard.bands[1:], cutoffs, strict=True)]
    return replace(scorecard, bands=tuple(bands))


# ------------------------------------------------------------------ helpers
def _feature_names(model: ScorecardClassifier) -> list[str]:
    names = getattr(model, "feature_names_in_", None)
    if names is None:
        return [f"x{j}" for j in range(model.n_features_in_)]
    return [str(n) for n in names]


def _decompose(levels: list[float], name: str) -> tuple[int, int, int]:
    """Split a per-level table into (points per level, bonus, bonus level)."""
    base = levels[0]
    if base:
        raise ValueError(f"item {name!r}: the first option must score 0 to be read as levels")
    k = len(levels)
    coef = levels[1] if k > 1 else 0.0
    if all(levels[c] == coef * c for c in range(k)):
        return int(coef), 0, k - 1
    for level in range(1, k):
        coef = levels[1] if level > 1 else (levels[2] - levels[1] if k > 2 else 0.0)
        bonus = levels[level] - coef * level
        fits = all(levels[c] == coef * c + (bonus if c >= level else 0) for c in range(k))
        if fits and float(coef).is_integer() and float(bonus).is_integer():
            return int(coef), int(bonus), level
    raise ValueError(f"item {name!r}: points {levels} are not points per level plus one step")


def _integer_offset(slope: float, intercept: float) -> int:
    """The integer k such that total + k > 0 exactly when intercept + slope * total > 0, for
    integer totals."""
    if slope <= 0:
        return 1 if intercept > 0 else 0
    return -math.floor(-intercept / slope)


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-np.clip(z, -500, 500)))


class _Block:
    """One chosen item and how it is encoded: linear, a step at ``level``, or both."""

    def __init__(self, column: int, kinds: tuple[str, ...], level: float):
        self.column, self.kinds, self.level = column, kinds, level

    def columns(self, X: np.ndarray) -> list[np.ndarray]:
        x = X[:, self.column]
        return [x if k == "linear" else (x >= self.level).astype(np.float64) for k in self.kinds]


def _candidates(X: np.ndarray, bonus: str) -> dict[int, list[_Block]]:
    out: dict[int, list[_Block]] = {}
    for j in range(X.shape[1]):
        values = np.unique(X[:, j])
        if len(values) < 2:
            continue
        blocks = [_Block(j, ("linear",), values[-1])]
        if len(values) > 2 and len(values) <= _MAX_LEVELS and bonus != "none":
            levels = values[1:] if bonus == "any" else values[-1:]
            for t in levels:
                blocks.append(_Block(j, ("step",), t))
                blocks.append(_Block(j, ("linear", "step"), t))
        out[j] = blocks
    return out


def _newton(F: np.ndarray, y: np.ndarray, l2: float, beta=None, iters: int = 50):
    """Exact (lightly ridged, intercept free) logistic regression by Newton's method."""
    p_dim = F.shape[1]
    beta = np.zeros(p_dim) if beta is None else beta.copy()
    ridge = np.full(p_dim, l2)
    ridge[0] = 0.0
    for _ in range(iters):
        eta = F @ beta
        p = _sigmoid(eta)
        w = p * (1 - p)
        grad = F.T @ (y - p) - ridge * beta
        hess = (F * w[:, None]).T @ F + np.diag(ridge) + 1e-9 * np.eye(p_dim)
        step = np.linalg.solve(hess, grad)
        beta += step
        if np.max(np.abs(step)) < 1e-5:
            break
    eta = F @ beta
    ll = float(np.sum(y * eta - np.logaddexp(0, eta)) - 0.5 * np.sum(ridge * beta**2))
    return beta, ll


def _select(X, y, max_items, bonus, n_refit, l2) -> list[_Block]:
    n = len(y)
    cands = _candidates(X, bonus)
    screen = _Screen(X, cands)
    chosen: list[_Block] = []
    F = np.ones((n, 1))
    beta, ll = _newton(F, y, l2)
    price = math.log(max(n, 2))
    while len(chosen) < max_items and cands:
        p = _sigmoid(F @ beta)
        stats = screen.statistics(F, p * (1 - p), y - p, l2)
        best_by_item: list[tuple[float, _Block]] = []
        for blocks in cands.values():
            stat, block = max(
                ((stats[id(b)] - price * len(b.kinds), b) for b in blocks), key=lambda s: s[0]
            )
            best_by_item.append((stat, block))
        best_by_item.sort(key=lambda s: -s[0])
        best = None
        for _, block in best_by_item[: max(n_refit, 1)]:
            F_new = np.column_stack([F, *block.columns(X)])
            start = np.concatenate([beta, np.zeros(len(block.kinds))])
            b_new, ll_new = _newton(F_new, y, l2, start, iters=8)
            gain = 2 * (ll_new - ll) - price * len(block.kinds)
            if best is None or gain > best[0]:
                best = (gain, block, F_new, b_new, ll_new)
        if best is None or best[0] <= 0:
            break
        _, block, F, beta, ll = best
        chosen.append(block)
        del cands[block.column]
    return chosen


class _Screen:
    """Rao's score statistic for adding each candidate block to the current fit (about 2 x its
    gain in log-likelihood), for every candidate at once: a few matrix products per step
    instead of a fit per candidate, so exact refits are spent only on the front runners."""

    def __init__(self, X: np.ndarray, cands: dict[int, list[_Block]]):
        columns: list[np.ndarray] = []
        index: dict[tuple, int] = {}
        pairs: list[tuple[int, int]] = []
        self.blocks: list[tuple[_Block, list[int]]] = []
        for blocks in cands.values():
            for block in blocks:
                at = []
                for kind, col in zip(block.kinds, block.columns(X), strict=True):
                    key = (block.column, kind, block.level if kind == "step" else None)
                    if key not in index:
                        index[key] = len(columns)
                        columns.append(col)
                    at.append(index[key])
                if len(at) == 2:
                    pairs.append((at[0], at[1]))
                self.blocks.append((block, at))
        self.C = np.column_stack(columns) if columns else np.zeros((len(X), 0))
        self.C_sq = self.C**2
        self.pairs = sorted(set(pairs))
        self.pair_at = {pair: k for k, pair in enumerate(self.pairs)}
        self.P = (
            np.column_stack([self.C[:, a] * self.C[:, b] for a, b in self.pairs])
            if self.pairs
            else np.zeros((len(X), 0))
        )

    def statistics(self, F, w, r, l2) -> dict[int, float]:
        Fw = F * w[:, None]
        H_inv = np.linalg.inv(F.T @ Fw + l2 * np.eye(F.shape[1]))
        g = self.C.T @ r
        CWF = self.C.T @ Fw
        A = CWF @ H_inv
        info_diag = self.C_sq.T @ w - np.einsum("ij,ij->i", A, CWF)
        cross = self.P.T @ w
        out: dict[int, float] = {}
        for block, at in self.blocks:
            if len(at) == 1:
                a = at[0]
                out[id(block)] = float(g[a] ** 2 / info_diag[a]) if info_diag[a] > 1e-9 else 0.0
                continue
            a, b = at
            off = cross[self.pair_at[(a, b)]] - A[a] @ CWF[b]
            info = np.array([[info_diag[a], off], [off, info_diag[b]]]) + 1e-9 * np.eye(2)
            gg = g[[a, b]]
            try:
                out[id(block)] = float(gg @ np.linalg.solve(info, gg))
            except np.linalg.LinAlgError:
                out[id(block)] = 0.0
        return out


def _curve_loss(total: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """Fit risk = sigmoid(a + c * total) on grouped totals; return (loss, c, a)."""
    values, inverse = np.unique(total, return_inverse=True)
    pos = np.bincount(inverse, weights=y, minlength=len(values))
    cnt = np.bincount(inverse, minlength=len(values)).astype(np.float64)
    F = np.column_stack([np.ones(len(values)), values])
    beta = np.zeros(2)
    ridge = np.array([0.0, 1e-6])
    for _ in range(50):
        eta = F @ beta
        p = _sigmoid(eta)
        grad = F.T @ (pos - cnt * p) - ridge * beta
        hess = (F * (cnt * p * (1 - p))[:, None]).T @ F + np.diag(ridge) + 1e-9 * np.eye(2)
        step = np.linalg.solve(hess, grad)
        beta += step
        if np.max(np.abs(step)) < 1e-9:
            break
    eta = F @ beta
    loss = float(np.sum(cnt * np.logaddexp(0, eta) - pos * eta))
    return loss, float(beta[1]), float(beta[0])


def _fit_curve(total: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    if len(np.unique(total)) < 2:
        mean = min(max(float(np.mean(y)), 1e-6), 1 - 1e-6) if len(y) else 0.5
        return 0.0, math.log(mean / (1 - mean))
    _, slope, intercept = _curve_loss(total, y)
    return slope, intercept


def _round_and_search(Z: np.ndarray, y: np.ndarray, beta: np.ndarray, max_points: int):
    """Integer points for the columns of ``Z``: best scale and rounding, then +/-1 moves."""
    biggest = float(np.max(np.abs(beta)))
    if biggest == 0:
        return np.zeros(len(beta), dtype=np.int64)
    top = max_points / biggest
    scales = set(np.linspace(top / 20, top, 40))
    for b in np.abs(beta[beta != 0]):
        scales.update(k / b for k in range(1, max_points + 1) if k / b <= top * (1 + 1e-9))
    best = None
    for s in sorted(scales):
        pts = np.clip(np.round(s * beta), -max_points, max_points).astype(np.int64)
        if not pts.any():
            continue
        loss = _curve_loss(Z @ pts, y)[0]
        if best is None or loss < best[0]:
            best = (loss, pts)
    if best is None:
        return np.zeros(len(beta), dtype=np.int64)
    loss, pts = best
    total = Z @ pts
    improved = True
    while improved:
        improved = False
        for k in range(len(pts)):
            for delta in (1, -1):
                new = pts[k] + delta
                if abs(new) > max_points:
                    continue
                trial = total + delta * Z[:, k]
                if not np.any(trial != trial[0]):
                    continue
                new_loss = _curve_loss(trial, y)[0]
                if new_loss < loss - 1e-9:
                    loss, total = new_loss, trial
                    pts[k] = new
                    improved = True
    divisor = reduce(math.gcd, (abs(int(p)) for p in pts if p), 0)
    return pts // divisor if divisor > 1 else pts


def answer_codes(answers: Any, items: Questionnaire | Mapping[str, Sequence[str]]):
    """Turn a frame of option values (one column per item) into ordinal codes 0..k, the input
    the classifier learns from. Unknown values raise, so bad data never becomes a silent 0."""
    import pandas as pd

    if isinstance(items, Questionnaire):
        options = {item.id: list(item.option_values) for item in items.iter_items()}
    else:
        options = {k: list(v) for k, v in items.items()}
    out = {}
    for column in answers.columns:
        lookup = {v: i for i, v in enumerate(options[column])}
        codes = answers[column].map(lookup)
        if codes.isna().any():
            bad = answers[column][codes.isna()].unique()[:5]
            raise ValueError(f"column {column!r} has values that are not options: {list(bad)}")
        out[column] = codes.astype(np.int64)
    return pd.DataFrame(out, index=answers.index)
