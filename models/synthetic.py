"""Synthetic answers and outcomes with a known truth, for tests, benchmarks and demos.

Real outcomes (formal assessments) are scarce and personal, so the model is developed on data
whose truth we wrote down: a method can then be checked for finding it. Nothing learnt from this
data has any real-world validity. Everything is deterministic given ``seed``.

Answers come from one latent "difficulty" per person (so items correlate, as real screens do),
plus item noise. Outcomes come from a sparse logistic truth: a few yes/no items, a few rated
items that count per level, and a few that matter only at the top level ("very often").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

YES_NO = ("no", "yes")
RATED = ("never", "sometimes", "often", "very_often")
ASRS_LEVELS = ("never", "rarely", "sometimes", "often", "very_often")
# ASRS v1.1 Part A: items 1-3 count from "sometimes", items 4-6 from "often"; 4 or more of 6.
ASRS_THRESHOLDS = (2, 2, 2, 3, 3, 3)


@dataclass(frozen=True)
class SyntheticData:
    X: pd.DataFrame  # ordinal codes, one column per item
    y: np.ndarray  # 0/1 outcomes
    groups: np.ndarray | None
    truth: dict[str, tuple[str, float]]  # item -> (kind: binary/linear/top, log-odds weight)
    options: dict[str, tuple[str, ...]]  # item -> option values in code order
    intercept: float

    def answers(self) -> pd.DataFrame:
        """The same data as option values (what a questionnaire records)."""
        return pd.DataFrame(
            {c: np.asarray(self.options[c], dtype=object)[self.X[c].to_numpy()] for c in self.X}
        )


def make_answers(
    n: int = 20_000,
    *,
    n_binary: int = 15,
    n_rated: int = 15,
    n_true: int = 8,
    prevalence: float = 0.35,
    group_shift: float = 0.0,
    seed: int = 0,
) -> SyntheticData:
    """Questionnaire-like answers: ``n_binary`` yes/no items then ``n_rated`` items rated 0-3.

    About a third of the ``n_true`` true items are yes/no, a third count per level and a third
    matter only at the top level. With ``group_shift`` > 0 a second group ("B", about 30%) is
    added whose answers to one true rated item are pushed up by that many levels for reasons
    unrelated to need: the fairness demo of docs/scoring-model.md ("What the trial found")."""
    rng = np.random.default_rng(seed)
    names = [f"b{i + 1:02d}" for i in range(n_binary)] + [f"r{i + 1:02d}" for i in range(n_rated)]
    options: dict[str, tuple[str, ...]] = {
        name: YES_NO if name[0] == "b" else RATED for name in names
    }
    X = _latent_answers(rng, names, n)
    true_binary, true_linear, true_top = _true_items(names, n_true, n_binary)
    truth, logit = _truth(rng, X, true_binary, true_linear, true_top)
    intercept = _intercept_for(logit, prevalence)
    y = (rng.random(n) < 1 / (1 + np.exp(-(intercept + logit)))).astype(np.int64)

    groups = None
    if group_shift > 0:
        groups = np.where(rng.random(n) < 0.3, "B", "A")
        item = (true_linear or [n for n in names if n[0] == "r"])[0]
        shifted = np.minimum(X[item].to_numpy() + int(group_shift), len(RATED) - 1)
        X[item] = np.where(groups == "B", shifted, X[item].to_numpy())
    return SyntheticData(X, y, groups, truth, options, intercept)


def _latent_answers(rng: np.random.Generator, names: list[str], n: int) -> pd.DataFrame:
    """Codes from one latent trait per person plus item noise: yes/no items ("b...") cut once,
    rated items cut into four levels."""
    trait = rng.normal(size=n)
    columns = {}
    for name in names:
        loading = rng.uniform(0.4, 0.9)
        latent = loading * trait + rng.normal(scale=1.0, size=n)
        if name[0] == "b":
            columns[name] = (latent > rng.uniform(0.0, 0.8)).astype(np.int64)
        else:
            cuts = np.sort(rng.uniform(-0.5, 1.8, size=3))
            columns[name] = np.searchsorted(cuts, latent).astype(np.int64)
    return pd.DataFrame(columns)


def _true_items(
    names: list[str], n_true: int, n_binary: int
) -> tuple[list[str], list[str], list[str]]:
    """(yes/no, per-level, top-level-only) items of the truth."""
    n_true = min(n_true, len(names))
    true_binary = [n for n in names if n[0] == "b"][: max(n_true // 3, 1 if n_binary else 0)]
    rated = [n for n in names if n[0] == "r"]
    n_rated_true = n_true - len(true_binary)
    true_linear = rated[: (n_rated_true + 1) // 2]
    true_top = rated[len(true_linear) : n_rated_true]
    return true_binary, true_linear, true_top


def _truth(
    rng: np.random.Generator,
    X: pd.DataFrame,
    true_binary: list[str],
    true_linear: list[str],
    true_top: list[str],
) -> tuple[dict[str, tuple[str, float]], np.ndarray]:
    """The weight of each true item and everyone's log-odds (before the intercept)."""
    truth: dict[str, tuple[str, float]] = {}
    logit = np.zeros(len(X))
    for name in true_binary:
        weight = float(rng.uniform(0.5, 1.2))
        truth[name] = ("binary", weight)
        logit += weight * X[name].to_numpy()
    for name in true_linear:
        weight = float(rng.uniform(0.25, 0.5))
        truth[name] = ("linear", weight)
        logit += weight * X[name].to_numpy()
    for name in true_top:
        weight = float(rng.uniform(0.8, 1.5))
        truth[name] = ("top", weight)
        logit += weight * (X[name].to_numpy() == len(RATED) - 1)
    return truth, logit


def _intercept_for(logit: np.ndarray, prevalence: float) -> float:
    """The intercept that makes the mean risk about ``prevalence``."""
    intercept = float(np.log(prevalence / (1 - prevalence)) - np.mean(logit))
    for _ in range(30):
        rate = np.mean(1 / (1 + np.exp(-(intercept + logit))))
        intercept += np.log(prevalence / (1 - prevalence)) - np.log(rate / (1 - rate))
    return intercept


def make_asrs_rule(n: int = 5_000, *, n_noise: int = 6, seed: int = 0) -> SyntheticData:
    """Answers to six 0-4 frequency items whose label is ASRS Part A's published rule (each
    item counts 1 at its own threshold; 4 or more is positive), plus ``n_noise`` unrelated
    items. A scorecard learner should give back exactly that rule."""
    rng = np.random.default_rng(seed)
    trait = rng.normal(size=n)
    names = [f"asrs{i}" for i in range(1, 7)] + [f"noise{i}" for i in range(1, n_noise + 1)]
    columns = {}
    for name in names:
        latent = (0.8 * trait if name.startswith("asrs") else 0.0) + rng.normal(size=n)
        columns[name] = np.clip(np.round(latent + 2), 0, 4).astype(np.int64)
    X = pd.DataFrame(columns)
    count = sum(
        (X[f"asrs{i}"].to_numpy() >= t).astype(int) for i, t in enumerate(ASRS_THRESHOLDS, 1)
    )
    y = (count >= 4).astype(np.int64)
    truth = {f"asrs{i}": ("threshold", float(t)) for i, t in enumerate(ASRS_THRESHOLDS, 1)}
    return SyntheticData(X, y, None, truth, dict.fromkeys(names, ASRS_LEVELS), 0.0)
