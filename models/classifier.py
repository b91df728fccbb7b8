"""ScorecardClassifier: learn a sparse scorecard of small integer points from answers and outcomes.

A worker has to be able to add the points up by hand, so the model is a table of integers, not
a vector of floats. The recipe is the one that did best in the trial described in
docs/scoring-model.md ("What the trial found"); the class docstring and that page say why each
step is there.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_is_fitted, validate_data

from models.fitting import fit_curve, newton, round_and_search, select_items, sigmoid
from models.scorecard import Band, Scorecard
from questionnaires.schema import Questionnaire

_BONUS_CHOICES = ("any", "top", "none")


class ScorecardClassifier(ClassifierMixin, BaseEstimator):
    """A binary classifier whose model is a sparse table of small integer points.

    Input columns hold ordinal answer codes (0 for the first option, 1 for the next, ...).
    Each chosen item scores ``coef_[j] * code`` (points per answer level) plus ``bonus_[j]`` when
    the code is at or above ``bonus_level_[j]`` (a step, by default allowed at any level: at the
    top level it is the "very often" bonus; at a middle level it is a published per-item
    threshold such as ASRS Part A's). The integer total of those points is what a worker adds
    up; ``predict_proba`` maps it to a risk through a logistic curve fitted on the training data.

    Why this recipe (docs/scoring-model.md): how items are chosen mattered more than how points
    are rounded, so items are chosen first with exact logistic fits, and only then rounded.

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

        blocks = select_items(
            X, yy, int(self.max_items), self.bonus, int(self.n_refit), float(self.l2)
        )
        self.selected_ = np.array([b.column for b in blocks], dtype=np.int64)
        if blocks:
            design = np.column_stack([col for b in blocks for col in b.columns(X)])
            beta = newton(np.column_stack([np.ones(n), design]), yy, float(self.l2))[0][1:]
            points = round_and_search(design, yy, beta, int(self.max_points))
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
        slope, intercept = fit_curve(self._total(X), yy)
        self.calibration_ = (float(slope), float(intercept))
        # Integer answer codes give integer totals, so an integer offset reproduces the 0.5-risk
        # rule exactly; other (continuous) inputs need the exact real threshold.
        self.intercept_: int | float
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
        risk = sigmoid(intercept + slope * self.points(X))
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
            bands = _default_bands(len(cutoffs))
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
def _default_bands(n_cutoffs: int) -> list[tuple[str, str, str]] | None:
    """(name, label, flag) of the bands for up to two cut-offs; None for more."""
    defaults = [("none", "Few signs", "none"), ("possible", "Some signs", "possible")]
    defaults += [("likely", "Many signs", "likely")]
    return defaults[: n_cutoffs + 1] if n_cutoffs < 3 else None


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
