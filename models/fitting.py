"""How ScorecardClassifier finds its points: forward selection of items with exact logistic
fits screened by a score test, then rounding to small integers and a local search (the steps
are described in the ScorecardClassifier docstring)."""

from __future__ import annotations

import math
from functools import reduce

import numpy as np

# Above this many distinct values a column is treated as continuous: no step (bonus) candidates.
_MAX_LEVELS = 12


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-np.clip(z, -500, 500)))


class Block:
    """One chosen item and how it is encoded: linear, a step at ``level``, or both."""

    def __init__(self, column: int, kinds: tuple[str, ...], level: float):
        self.column, self.kinds, self.level = column, kinds, level

    def columns(self, X: np.ndarray) -> list[np.ndarray]:
        x = X[:, self.column]
        return [x if k == "linear" else (x >= self.level).astype(np.float64) for k in self.kinds]


def _candidates(X: np.ndarray, bonus: str) -> dict[int, list[Block]]:
    out: dict[int, list[Block]] = {}
    for j in range(X.shape[1]):
        values = np.unique(X[:, j])
        if len(values) < 2:
            continue
        blocks = [Block(j, ("linear",), values[-1])]
        if len(values) > 2 and len(values) <= _MAX_LEVELS and bonus != "none":
            levels = values[1:] if bonus == "any" else values[-1:]
            for t in levels:
                blocks.append(Block(j, ("step",), t))
                blocks.append(Block(j, ("linear", "step"), t))
        out[j] = blocks
    return out


def newton(F: np.ndarray, y: np.ndarray, l2: float, beta=None, iters: int = 50):
    """Exact (lightly ridged, intercept free) logistic regression by Newton's method."""
    p_dim = F.shape[1]
    beta = np.zeros(p_dim) if beta is None else beta.copy()
    ridge = np.full(p_dim, l2)
    ridge[0] = 0.0
    for _ in range(iters):
        eta = F @ beta
        p = sigmoid(eta)
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


def select_items(X, y, max_items, bonus, n_refit, l2) -> list[Block]:
    n = len(y)
    cands = _candidates(X, bonus)
    screen = _Screen(X, cands)
    chosen: list[Block] = []
    F = np.ones((n, 1))
    beta, ll = newton(F, y, l2)
    price = math.log(max(n, 2))
    while len(chosen) < max_items and cands:
        p = sigmoid(F @ beta)
        stats = screen.statistics(F, p * (1 - p), y - p, l2)
        best_by_item: list[tuple[float, Block]] = []
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
            b_new, ll_new = newton(F_new, y, l2, start, iters=8)
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

    def __init__(self, X: np.ndarray, cands: dict[int, list[Block]]):
        columns: list[np.ndarray] = []
        index: dict[tuple, int] = {}
        pairs: list[tuple[int, int]] = []
        self.blocks: list[tuple[Block, list[int]]] = []
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
        p = sigmoid(eta)
        grad = F.T @ (pos - cnt * p) - ridge * beta
        hess = (F * (cnt * p * (1 - p))[:, None]).T @ F + np.diag(ridge) + 1e-9 * np.eye(2)
        step = np.linalg.solve(hess, grad)
        beta += step
        if np.max(np.abs(step)) < 1e-9:
            break
    eta = F @ beta
    loss = float(np.sum(cnt * np.logaddexp(0, eta) - pos * eta))
    return loss, float(beta[1]), float(beta[0])


def fit_curve(total: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    if len(np.unique(total)) < 2:
        mean = min(max(float(np.mean(y)), 1e-6), 1 - 1e-6) if len(y) else 0.5
        return 0.0, math.log(mean / (1 - mean))
    _, slope, intercept = _curve_loss(total, y)
    return slope, intercept


def round_and_search(Z: np.ndarray, y: np.ndarray, beta: np.ndarray, max_points: int):
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
