"""Batch scoring of 1,000,000 responses with every current shipped scorecard (one version each),
against a float32 matrix-vector product over the same answer matrix measured in the same run."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from models import current_scorecards
from models.batch import Plan

N = 1_000_000


def _best(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    # One version of each scorecard (those new responses are scored with), as a service runs.
    cards = current_scorecards()
    plan = Plan(cards)
    rng = np.random.default_rng(0)
    m = len(plan.columns)
    # Codes 1..k are the options (0 is "not answered"); every item answered. Laid out as
    # Plan.encode gives them: one byte per answer, one column per item (column-major).
    codes = np.zeros((N, m), dtype=plan.code_dtype, order="F")
    for j, c in enumerate(plan.columns):
        codes[:, j] = rng.integers(1, plan.width[c], N)
    # The same with about 10% of answers missing, to show the cost does not depend on it.
    gaps = codes.copy(order="F")
    gaps[rng.random((N, m)) < 0.1] = 0
    weights = rng.random(m, dtype=np.float32)
    # The baseline gets its best layout (row-major and column-major both timed).
    by_rows = np.ascontiguousarray(codes, dtype=np.float32)
    by_cols = np.asfortranarray(codes, dtype=np.float32)
    matvec = min(_best(lambda: by_rows @ weights), _best(lambda: by_cols @ weights))
    core = _best(lambda: plan.score_codes(codes))
    core_gaps = _best(lambda: plan.score_codes(gaps))

    strings = pd.DataFrame(
        {
            c: pd.Series(np.asarray(plan.options[c], dtype=object)[codes[:, j] - 1])
            for j, c in enumerate(plan.columns)
        }
    )
    encode = _best(lambda: plan.encode(strings), repeat=1)
    whole = _best(lambda: plan.frame(plan.encode(strings)[0], strings.index), repeat=1)
    # As score_csv reads a file: each item column categorical (the parser hashes each answer).
    categorical = strings.astype("category")
    whole_cat = _best(lambda: plan.frame(plan.encode(categorical)[0], strings.index), repeat=1)

    rows = [
        ("float32 matvec (1 vector, baseline)", matvec, 1.0),
        (f"points + bands, {len(cards)} scorecards, from codes", core, core / matvec),
        ("  the same, 10% of answers missing", core_gaps, core_gaps / matvec),
        ("option values -> codes (all columns)", encode, encode / matvec),
        ("end to end from option values (object)", whole, whole / matvec),
        ("end to end from option values (categorical)", whole_cat, whole_cat / matvec),
    ]
    print(f"{N:,} responses x {m} items, {len(cards)} scorecards")
    print(f"{'step':<48}{'seconds':>9}{'x matvec':>10}{'responses/s':>14}")
    for name, seconds, ratio in rows:
        print(f"{name:<48}{seconds:>9.3f}{ratio:>10.1f}{N / seconds:>14,.0f}")
    per_card = core / len(cards)
    print(f"per scorecard from codes: {per_card:.3f} s = {per_card / matvec:.1f} x one matvec")
