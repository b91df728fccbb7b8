"""Whole-number points as sums of small integers held in bytes, for batch scoring.

Each item's points by option code are written as "a x code" plus a few steps "d x (code >= k)";
pieces of equal weight share a uint8 sum while it cannot overflow, and the points are the sum of
weight x byte sum. The cut-offs become the least integer totals reaching them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import NamedTuple

import numpy as np

from models.scorecard import Scorecard

BYTE = 255  # the largest sum a uint8 buffer may hold

# ("copy" | "add2" | "add" | "sub" | "zero" | "step" | "step+" | "step-", column, k)
Operation = tuple[str, int, int]


def whole_number_scale(tables: list[list[float]]) -> int | None:
    """The least power of two (up to 2^10) making every point a whole number, or None."""
    for shift in range(11):
        scale = 1 << shift
        if all(float(v * scale).is_integer() for t in tables for v in t):
            return scale
    return None


# One unit of an item's points: (largest value, its pieces as (operation name, column, k)).
Unit = tuple[int, list[tuple[str, int, int]]]


class ByteSums(NamedTuple):
    operations: list[list[Operation]]  # the operations filling each uint8 sum
    terms: list[tuple[int, int]]  # (sum, weight): points = sum of weight x byte sum
    dtype: np.dtype  # the accumulator
    cuts: list[int]  # the least integer total reaching each cut-off not reached by every row
    base: int  # the band every row reaches


def byte_sums(card: Scorecard, tables: list[list[float]], scale: int) -> ByteSums | None:
    """Whole-number points (each table times ``scale``) as byte sums, or None if they do not
    fit (a unit above a byte, or totals beyond int32)."""
    found = _units(tables, scale)
    if found is None:
        return None
    units, low, high, biggest = found
    dtype = next(
        (
            t
            for t in (np.int16, np.int32)
            if np.iinfo(t).min < min(low, -biggest) and max(high, biggest) < np.iinfo(t).max
        ),
        None,
    )
    if dtype is None:
        return None
    buffers, terms = _fill_bytes(units)
    cuts, base = _cut_offs(card, scale, low, high)
    return ByteSums([_operations(units) for units in buffers], terms, np.dtype(dtype), cuts, base)


def _units(
    tables: list[list[float]], scale: int
) -> tuple[dict[int, list[Unit]], int, int, int] | None:
    """Units by weight, the lowest and highest total and the largest weight; None when a unit
    does not fit a byte."""
    units: dict[int, list[Unit]] = defaultdict(list)
    low = high = 0
    biggest = 1  # the largest weight, which must fit the accumulator too
    for col, table in enumerate(tables):
        f = [int(v * scale) for v in table]
        low, high = low + min(f), high + max(f)
        for weight, pieces, most in _pieces(f):
            if most > BYTE:
                return None
            biggest = max(biggest, abs(weight))
            units[weight].append((most, [(kind, col, k) for kind, k in pieces]))
    return units, low, high, biggest


def _fill_bytes(
    units: dict[int, list[Unit]],
) -> tuple[list[list[list[tuple[str, int, int]]]], list[tuple[int, int]]]:
    """Units of one weight packed into byte sums while the sum cannot pass 255."""
    buffers: list[list[list[tuple[str, int, int]]]] = []
    terms: list[tuple[int, int]] = []
    for weight, group in units.items():
        room = 0
        for most, pieces in group:
            if not buffers or terms[-1][1] != weight or room + most > BYTE:
                buffers.append([])
                terms.append((len(buffers) - 1, weight))
                room = 0
            buffers[-1].append(pieces)
            room += most
    return buffers, terms


def _cut_offs(card: Scorecard, scale: int, low: int, high: int) -> tuple[list[int], int]:
    """Least integer total reaching each cut-off, worked out with the same float arithmetic as
    Scorecard.score (points, then points / max_points for "proportion"), by bisection."""
    total = _total_of(card, scale)
    cuts: list[int] = []
    base = 0
    for band in card.bands[1:]:
        if total(low) >= band.min:
            base += 1
            continue
        if total(high) < band.min:
            continue
        lo, hi = low, high  # total(lo) < min <= total(hi)
        while hi - lo > 1:
            mid = (lo + hi) // 2
            lo, hi = (lo, mid) if total(mid) >= band.min else (mid, hi)
        cuts.append(hi)
    return cuts, base


def _total_of(card: Scorecard, scale: int) -> Callable[[int], float]:
    if card.method != "proportion":
        return lambda v: v / scale
    top = card.max_points
    return (lambda v: (v / scale) / top) if top else (lambda v: 0.0)


def _slope_and_steps(f: list[int]) -> tuple[int, list[tuple[int, int]]]:
    """The cheapest way to write f as slope x code plus steps (k, d): d x (code >= k)."""
    width = len(f)
    ways = []
    for slope in {0, *(f[k] - f[k - 1] for k in range(2, width))}:
        rest = [f[c] - slope * c for c in range(width)]
        steps = [(k, rest[k] - rest[k - 1]) for k in range(1, width) if rest[k] != rest[k - 1]]
        ways.append(((slope != 0) + 2 * len(steps), slope, steps))
    _cost, slope, steps = min(ways, key=lambda way: way[0])  # the first of the cheapest
    return slope, steps


def _pieces(f: list[int]) -> Iterator[tuple[int, list[tuple[str, int]], int]]:
    """An item's points by code, f(0) = 0, as (weight, pieces, largest value) units with
    f = sum of weight x unit and every unit between 0 and its largest value. A piece is
    ("code", 0): the code itself, ("step", k): 1 when code >= k, or ("-step", k)."""
    width = len(f)
    slope, steps = _slope_and_steps(f)
    by_size: dict[int, list[tuple[int, str, int]]] = defaultdict(list)
    if slope:
        by_size[abs(slope)].append((1 if slope > 0 else -1, "code", 0))
    for k, d in steps:
        by_size[abs(d)].append((1 if d > 0 else -1, "step", k))
    for size, signed in by_size.items():
        values = [sum(sign * _piece(kind, k, c) for sign, kind, k in signed) for c in range(width)]
        if min(values) >= 0:
            yield size, _named(signed), max(values)
        elif max(values) <= 0:
            yield -size, _named([(-sign, kind, k) for sign, kind, k in signed]), -min(values)
        else:  # both signs: the positive and the negative parts apart
            for sign in (1, -1):
                part = [(1, kind, k) for s, kind, k in signed if s == sign]
                most = max(sum(_piece(kind, k, c) for _, kind, k in part) for c in range(width))
                yield sign * size, _named(part), most


def _piece(kind: str, k: int, code: int) -> int:
    return code if kind == "code" else int(code >= k)


def _named(signed: list[tuple[int, str, int]]) -> list[tuple[str, int]]:
    """Signed pieces as operations' names, positive ones first."""
    order = sorted(signed, key=lambda p: -p[0])
    return [(("+" if s > 0 else "-") + kind, k) for s, kind, k in order]


def _operations(units: list[list[tuple[str, int, int]]]) -> list[Operation]:
    """The operations filling one byte sum from its units' pieces: the first positive code
    or step sets it (two codes at once when they come first), the rest add or subtract."""
    pieces = sorted((p for unit in units for p in unit), key=lambda p: p[0][0] != "+")
    ops: list[tuple[str, int, int]] = []
    i = 0
    if not pieces or pieces[0][0][0] == "-":
        ops.append(("zero", 0, 0))
    elif pieces[0][0] == "+code":
        if len(pieces) > 1 and pieces[1][0] == "+code":
            ops.append(("add2", pieces[0][1], pieces[1][1]))
            i = 2
        else:
            ops.append(("copy", pieces[0][1], 0))
            i = 1
    else:
        ops.append(("step", pieces[0][1], pieces[0][2]))
        i = 1
    for name, col, k in pieces[i:]:
        if name.endswith("code"):
            ops.append(("add" if name[0] == "+" else "sub", col, 0))
        else:
            ops.append(("step" + name[0], col, k))
    return ops
