"""Fitting ScorecardClassifier: time and held-out AUC beside logistic regression on the same
answers (FasterRisk too, when installed), and recovery of the ASRS Part A rule."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.preprocessing import OneHotEncoder

from models.classifier import ScorecardClassifier
from models.evaluate import evaluate
from models.synthetic import make_answers, make_asrs_rule

N_TEST = 200_000


def _auc_lr(X_train, y_train, X_test, y_test, one_hot: bool) -> tuple[float, float]:
    if one_hot:
        enc = OneHotEncoder(drop="first", handle_unknown="ignore").fit(X_train)
        X_train, X_test = enc.transform(X_train), enc.transform(X_test)
    started = time.perf_counter()
    model = LogisticRegression(C=np.inf, max_iter=5000).fit(X_train, y_train)
    seconds = time.perf_counter() - started
    return roc_auc_score(y_test, model.decision_function(X_test)), seconds


def _fasterrisk(X_train, y_train, X_test, y_test):
    try:
        from fasterrisk.fasterrisk import RiskScoreClassifier, RiskScoreOptimizer
    except Exception:  # noqa: BLE001 - any import failure means "not usable here"
        return None
    started = time.perf_counter()
    yy = np.where(np.asarray(y_train) == 1, 1, -1)
    opt = RiskScoreOptimizer(X=np.asarray(X_train, float), y=yy, k=10, lb=-5, ub=5)
    opt.optimize()
    multipliers, intercepts, coefs = opt.get_models()
    clf = RiskScoreClassifier(multipliers[0], intercepts[0], coefs[0])
    seconds = time.perf_counter() - started
    return roc_auc_score(y_test, clf.predict_prob(np.asarray(X_test, float))), seconds


def scenario(name: str, n_train: int, n_binary: int, n_rated: int, n_true: int) -> list[tuple]:
    data = make_answers(n_train + N_TEST, n_binary=n_binary, n_rated=n_rated, n_true=n_true)
    X_train, X_test = data.X.iloc[:n_train], data.X.iloc[n_train:]
    y_train, y_test = data.y[:n_train], data.y[n_train:]
    started = time.perf_counter()
    model = ScorecardClassifier().fit(X_train, y_train)
    seconds = time.perf_counter() - started
    auc = roc_auc_score(y_test, model.points(X_test))
    items = int(np.count_nonzero(model.coef_ | model.bonus_))
    truth_auc = roc_auc_score(y_test, _true_logit(data, X_test))
    rows = [(name, f"ScorecardClassifier ({items} items)", auc, seconds)]
    yardsticks = (("LogisticRegression, codes", False), ("LogisticRegression, 1-hot", True))
    for label, one_hot in yardsticks:
        lr_auc, lr_seconds = _auc_lr(X_train, y_train, X_test, y_test, one_hot)
        rows.append((name, label, lr_auc, lr_seconds))
    fr = _fasterrisk(X_train, y_train, X_test, y_test)
    rows.append((name, "FasterRisk", *(fr if fr else (None, None))))
    rows.append((name, "the known truth (ceiling)", truth_auc, None))
    return rows


def _true_logit(data, X: pd.DataFrame) -> np.ndarray:
    logit = np.zeros(len(X))
    for item, (kind, weight) in data.truth.items():
        x = X[item].to_numpy()
        logit += weight * ((x == x.max()) if kind == "top" else x)
    return logit


def main() -> None:
    rows = scenario("20k x 30", 20_000, 15, 15, 8) + scenario("100k x 80", 100_000, 40, 40, 10)
    print(f"held-out AUC on {N_TEST:,} fresh rows from the same truth")
    print(f"{'data':<11}{'model':<36}{'AUC':>8}{'fit s':>8}{'AUC - best LR':>15}")
    for data_name in ("20k x 30", "100k x 80"):
        mine = [r for r in rows if r[0] == data_name]
        best_lr = max(r[2] for r in mine if r[1].startswith("LogisticRegression"))
        for _, model, auc, seconds in mine:
            if auc is None:
                print(f"{data_name:<11}{model:<36}{'not installed':>31}")
                continue
            fit = f"{seconds:8.2f}" if seconds is not None else f"{'':>8}"
            print(f"{data_name:<11}{model:<36}{auc:8.4f}{fit}{auc - best_lr:+15.4f}")

    quality()

    train, fresh = make_asrs_rule(5_000, seed=1), make_asrs_rule(100_000, seed=2)
    started = time.perf_counter()
    model = ScorecardClassifier().fit(train.X, train.y)
    seconds = time.perf_counter() - started
    match = float(np.mean(model.predict(fresh.X) == fresh.y))
    names = list(train.X.columns)
    rule = ", ".join(
        f"{n}>={int(model.bonus_level_[j])}" for j, n in enumerate(names) if model.bonus_[j]
    )
    print(f"\nASRS Part A rule: fit {seconds:.2f} s; agreement with the rule on 100,000 fresh")
    print(f"rows {match:.4f}; learned: 1 point each for {rule}; cut-off {1 - model.intercept_}")


def quality() -> None:
    """Calibration, the operating point, stability of the chosen items and the fairness demo
    (an item over-endorsed by group B for reasons unrelated to need), on the 20k x 30 data."""
    data = make_answers(20_000 + N_TEST, group_shift=1, seed=11)
    n = 20_000
    X_train, X_test, y_train, y_test = data.X[:n], data.X[n:], data.y[:n], data.y[n:]
    model = ScorecardClassifier().fit(X_train, y_train)
    cut = model.cutoff_for_sensitivity(X_train, y_train, 0.90)
    ev = evaluate(
        y_test,
        model.points(X_test),
        data.groups[n:],
        risk=model.predict_proba(X_test)[:, 1],
        cutoff=cut,
        n_boot=100,
    )
    c, p = ev.calibration, ev.chosen
    print(f"\n20k x 30 with a group-B over-endorsed item; {N_TEST:,} held-out rows")
    print(f"AUC {ev.auc:.4f} ({ev.auc_interval[0]:.4f}-{ev.auc_interval[1]:.4f}); calibration")
    print(f"slope {c.slope:.3f}, in-the-large {c.intercept:+.3f}, Brier {c.brier:.4f}")
    print(
        f"cut-off {cut:g} (chosen on training data for sensitivity 0.90): sensitivity "
        f"{p.sensitivity:.3f}, specificity {p.specificity:.3f}, flagged {p.flagged:.3f}"
    )
    g = ev.groups.set_index("group").sort_index()
    for name, row in g.iterrows():
        print(
            f"  group {name}: n {row['n']:,}, sensitivity {row['sensitivity']:.3f}, false "
            f"positive rate {row['false_positive_rate']:.3f}, in-the-large "
            f"{row['calibration_in_the_large']:+.3f}"
        )
    print(f"  gaps: sensitivity {ev.sensitivity_gap:.3f}, false positive rate {ev.fpr_gap:.3f}")

    rng = np.random.default_rng(0)
    counts: dict[str, int] = {}
    refits = 10
    for _ in range(refits):
        idx = rng.integers(0, n, n)
        boot = ScorecardClassifier().fit(X_train.iloc[idx], y_train[idx])
        for j in np.flatnonzero(boot.coef_ | boot.bonus_):
            counts[X_train.columns[j]] = counts.get(X_train.columns[j], 0) + 1
    chosen = [X_train.columns[j] for j in np.flatnonzero(model.coef_ | model.bonus_)]
    share = {name: counts.get(name, 0) / refits for name in chosen}
    print(
        f"stability: share of {refits} bootstrap refits choosing each item: "
        + ", ".join(f"{k} {v:.1f}" for k, v in share.items())
    )
