"""Score many responses at once: a rescoring run after a scorecard changes, or a paper batch.

A scorecard is a table of points, so scoring is a lookup: each column's option values are turned
into small integer codes once (uint8, one column per item), then every scorecard is scored
from the codes, block of rows by block of rows so the work stays in the CPU cache. Points that
are whole numbers (after scaling by a power of two: halves, quarters) are added up exactly in
small integers: each item's points are written as "a x code" plus a few steps "d x (code >= k)"
(a threshold item is one step, a 0..n scale is a x code less one step for "not answered"), the
terms of equal weight are summed in bytes, and the band is a count of integer cut-offs passed.
Other points (tenths, say) are looked up and added in float64 in the scorecard's own order, as
``Scorecard.score`` does, so results are always exactly equal to scoring one response at a time.
A bad answer must not stop a run of a million rows: it is reported with its row number and only
that row's results for the scorecards using that item are left blank.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from tqdm import tqdm

from models.byte_sums import Operation, byte_sums, whole_number_scale
from models.safe_csv import safe_frame
from models.scorecard import Scorecard
from questionnaires import SKIP, Library, builtin_library

# Cells that mean "not asked / not answered": they score nothing, as in Scorecard.score.
_EMPTY = ("", SKIP)


@dataclass(frozen=True)
class RowProblem:
    row: int  # 1-based data row (the CSV line is row + 1, after the header)
    column: str
    value: str
    message: str


@dataclass
class BatchResult:
    scores: pd.DataFrame
    problems: list[RowProblem] = field(default_factory=list)


@dataclass(frozen=True)
class BatchSummary:
    rows: int
    rows_with_problems: int
    problems: tuple[RowProblem, ...]
    seconds: float
    out_path: str
    scorecards: tuple[str, ...]


class Plan:
    """What to look up, worked out once per run: the columns the scorecards need, their
    option codes, and how each scorecard adds its points up."""

    def __init__(self, scorecards: Sequence[Scorecard], library: Library | None = None):
        self.scorecards = list(scorecards)
        ids = [card.id for card in self.scorecards]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            # Results are columns named by scorecard id: two versions would overwrite each other.
            raise ValueError(
                f"two versions of the scorecard {', '.join(twice)}: score one version at a time"
            )
        options = _options(self.scorecards, library)
        # Each scorecard's items side by side (in its own order), so a scorecard reads a run
        # of neighbouring columns.
        self.columns = list(dict.fromkeys(item for card in self.scorecards for item in card.points))
        self.options = {c: options[c] for c in self.columns}
        # Code 0 means empty/skipped (scores 0); option k is code k + 1.
        self.width = {c: len(self.options[c]) + 1 for c in self.columns}
        # Codes fit a byte unless an item has 255 or more options; then int16 with -1 unknown.
        self.code_dtype = np.uint8 if max(self.width.values(), default=0) <= _UNKNOWN else np.int16
        self.unknown = _UNKNOWN if self.code_dtype == np.uint8 else -1
        self._cards = [_CardPlan(card, self) for card in self.scorecards]

    def encode(self, frame: pd.DataFrame, first_row: int = 1):
        """Codes (n x columns, column-major, ``code_dtype``: uint8 with 255 for an unknown value,
        or int16 with -1) and the problems found. Categorical columns (as ``score_csv`` reads
        them) are mapped through their few categories instead of hashing every cell."""
        n = len(frame)
        codes = np.zeros((n, len(self.columns)), dtype=self.code_dtype, order="F")
        problems: list[RowProblem] = []
        for j, column in enumerate(self.columns):
            if column not in frame:
                continue  # not asked of anyone in this file: scores nothing, like Scorecard.score
            raw = frame[column]
            lookup = pd.Index([*_EMPTY, *self.options[column]])
            if isinstance(raw.dtype, pd.CategoricalDtype):
                per_category = _codes_for(lookup, raw.cat.categories.to_numpy(dtype=object))
                cat_codes = raw.cat.codes.to_numpy()
                c = np.where(cat_codes >= 0, per_category[cat_codes], -1).astype(np.int16)
            else:
                c = _codes_for(lookup, raw.to_numpy(dtype=object))
            # Empty and "skip" -> 0, options -> 1..k, unknown -> -1, missing (NaN) -> 0.
            col = np.where(c >= len(_EMPTY), c - len(_EMPTY) + 1, np.where(c >= 0, 0, -1))
            col[raw.isna().to_numpy()] = 0
            unknown = np.flatnonzero(col == -1)
            col[unknown] = self.unknown
            codes[:, j] = col
            for i in unknown:
                value = raw.iloc[i]
                message = f"'{value}' is not an option of {column}"
                problems.append(RowProblem(first_row + int(i), column, str(value), message))
        return codes, problems

    def score_codes(self, codes: np.ndarray) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """(points, total, band index) per scorecard, from codes laid out as ``encode`` gives
        them (other integer layouts are converted first). Points are integers when every
        point is a whole number, float64 otherwise; ``total`` is ``points`` itself for a
        "sum" scorecard. A row with an unknown code (or any code out of range) for one of a
        scorecard's items gives NaN points and total and band -1 for that scorecard."""
        codes = self._layout(codes)
        n = codes.shape[0]
        results = [(np.empty(n, card.dtype), np.empty(n, card.band_dtype)) for card in self._cards]
        bad_rows: list[list[np.ndarray]] = [[] for _ in self._cards]
        scratch = _Scratch(min(_BLOCK, n), max([len(c.buffers) for c in self._cards] + [0]))
        for start in range(0, n, _BLOCK):
            block = codes[start : start + _BLOCK]
            stop = start + len(block)
            for card, (points, band), bad in zip(self._cards, results, bad_rows, strict=True):
                found = card.run(block, points[start:stop], band[start:stop], scratch)
                if found is not None:
                    bad.append(found + start)
        return [
            card.finish(points, band, np.concatenate(bad) if bad else None)
            for card, (points, band), bad in zip(self._cards, results, bad_rows, strict=True)
        ]

    def frame(self, codes: np.ndarray, index) -> pd.DataFrame:
        data = {}
        for card, (points, total, band) in zip(
            self.scorecards, self.score_codes(codes), strict=True
        ):
            names = np.array([b.name for b in card.bands] + [""], dtype=object)
            data[f"{card.id}_points"] = points.astype(np.float64, copy=False)
            data[f"{card.id}_total"] = total.astype(np.float64, copy=False)
            data[f"{card.id}_band"] = names[band]
        return pd.DataFrame(data, index=index)

    def _layout(self, codes: np.ndarray) -> np.ndarray:
        codes = np.asarray(codes)
        if codes.dtype == self.code_dtype and codes.flags.f_contiguous:
            return codes
        if codes.dtype != self.code_dtype:
            low, high = (0, _UNKNOWN) if self.code_dtype == np.uint8 else (-1, 2**15 - 1)
            codes = np.where((codes < low) | (codes > high), self.unknown, codes)
        return np.asfortranarray(codes.astype(self.code_dtype, copy=False))


# Rows per block: a scorecard's columns and its byte-sized sums for one block stay in cache.
_BLOCK = 65_536
_UNKNOWN = 255  # the uint8 code of an answer that is not an option


class _Scratch:
    """Buffers reused for every block and scorecard."""

    def __init__(self, rows: int, buffers: int):
        self.buffers = [np.empty(rows, np.uint8) for _ in range(buffers)]
        self.flags = np.empty(rows, np.bool_)
        self.wide = {np.dtype(t): np.empty(rows, t) for t in (np.int16, np.int32)}


class _CardPlan:
    """How one scorecard adds up its points from a block of codes."""

    def __init__(self, card: Scorecard, plan: Plan):
        self.card = card
        self.cols = [plan.columns.index(item) for item in card.points]
        self.widths = np.array([plan.width[item] for item in card.points])
        first = self.cols[0] if self.cols else 0
        # The columns as one slice when they are neighbours (they are unless shared).
        self.span = (
            slice(first, first + len(self.cols))
            if self.cols == list(range(first, first + len(self.cols)))
            else None
        )
        tables = [
            [0.0] + [table.get(v, 0.0) for v in plan.options[item]]
            for item, table in card.points.items()
        ]
        self.band_dtype = np.int8 if len(card.bands) < 127 else np.intp
        self.scale = whole_number_scale(tables)
        compiled = None if self.scale is None else byte_sums(card, tables, self.scale)
        if compiled is None:  # points that are not whole numbers: float64, item by item
            self.whole = False
            self.tables = [np.array(t, np.float64) for t in tables]
            self.mins = np.array([b.min for b in card.bands])
            self.buffers: list[list[Operation]] = []
            self.dtype = np.dtype(np.float64)
        else:
            self.whole = True
            self.buffers, self.terms, self.dtype, self.cuts, self.base = compiled

    def run(self, block: np.ndarray, points, band, scratch: _Scratch) -> np.ndarray | None:
        """Points and band for a block of rows, into ``points`` and ``band``; returns the
        block's rows with a code out of range (scored as if unanswered), or None."""
        columns = [block[:, j] for j in self.cols]
        if self.span is not None:
            out_of_range = (block[:, self.span].max(axis=0, initial=0) >= self.widths).any()
            if block.dtype.kind == "i":
                out_of_range = out_of_range or block[:, self.span].min(initial=0) < 0
        else:
            out_of_range = any(
                c.max(initial=0) >= w or c.min(initial=0) < 0
                for c, w in zip(columns, self.widths, strict=True)
            )
        bad = None
        if out_of_range:
            out = [(c < 0) | (c >= w) for c, w in zip(columns, self.widths, strict=True)]
            bad = np.flatnonzero(np.logical_or.reduce(out))
            columns = [np.where(o, 0, c) for c, o in zip(columns, out, strict=True)]
        if self.whole:
            self._whole(columns, points, band, scratch)
        else:
            self._float(columns, points, band)
        return bad

    def _whole(self, columns, points, band, scratch: _Scratch) -> None:
        n = len(points)
        flags = scratch.flags[:n]
        sums = []
        for buffer, ops in zip(scratch.buffers, self.buffers, strict=False):
            total = buffer[:n]
            for op, col, k in ops:
                c = columns[col]
                if op == "copy":
                    np.copyto(total, c)
                elif op == "add2":
                    np.add(c, columns[k], out=total)
                elif op == "add":
                    np.add(total, c, out=total)
                elif op == "sub":
                    np.subtract(total, c, out=total)
                elif op == "zero":
                    total.fill(0)
                elif op == "step":
                    np.greater_equal(c, k, out=total.view(np.bool_))
                else:  # "step+" / "step-"
                    np.greater_equal(c, k, out=flags)
                    (np.add if op == "step+" else np.subtract)(
                        total, flags.view(np.uint8), out=total
                    )
            sums.append(total)
        # points = sum of weight x byte sum (integer arithmetic wraps, but the final total
        # fits the accumulator, so it is exact).
        wide = scratch.wide[self.dtype][:n]
        if not self.terms:
            points.fill(0)
        for at, (i, weight) in enumerate(self.terms):
            term = sums[i]
            if at == 0:
                if weight == 1:
                    np.copyto(points, term)
                else:
                    np.multiply(term, weight, out=points, dtype=self.dtype)
            elif weight == 1:
                np.add(points, term, out=points, dtype=self.dtype)
            elif weight == -1:
                np.subtract(points, term, out=points, dtype=self.dtype)
            else:
                np.multiply(term, weight, out=wide, dtype=self.dtype)
                np.add(points, wide, out=points)
        # band = number of cut-offs reached (each cut-off as the least integer reaching it).
        if not self.cuts:
            band.fill(self.base)
            return
        np.greater_equal(points, self.cuts[0], out=flags)
        np.copyto(band, flags)
        for cut in self.cuts[1:]:
            np.greater_equal(points, cut, out=flags)
            np.add(band, flags, out=band, dtype=self.band_dtype)
        if self.base:
            np.add(band, self.base, out=band)

    def _float(self, columns, points, band) -> None:
        points.fill(0.0)
        for table, c in zip(self.tables, columns, strict=True):
            points += table.take(c)  # in the scorecard's order, as Scorecard.score adds
        band[:] = np.maximum(np.searchsorted(self.mins, self._totals(points), "right") - 1, 0)

    def _totals(self, points: np.ndarray) -> np.ndarray:
        if self.card.method != "proportion":
            return points
        if not self.card.max_points:
            return np.zeros(len(points))
        return points / self.card.max_points

    def finish(self, points, band, bad: np.ndarray | None):
        if self.whole and self.scale != 1 or bad is not None:
            points = points.astype(np.float64)
            if self.whole and self.scale != 1:
                points /= self.scale  # a power of two: exact
        if bad is not None:
            points[bad] = np.nan
            band[bad] = -1
        total = self._totals(points)
        if bad is not None and total is not points:
            total[bad] = np.nan
        return points, total, band


def score_frame(
    frame: pd.DataFrame,
    scorecards: Sequence[Scorecard],
    *,
    library: Library | None = None,
    chunk_size: int = 200_000,
    progress: bool = True,
) -> BatchResult:
    """Points, total and band per scorecard for every row of ``frame`` (item ids as columns,
    option values as cells)."""
    plan = Plan(scorecards, library)
    parts, problems = [], []
    starts = range(0, len(frame), chunk_size)
    for start in tqdm(starts, disable=not progress, desc="scoring", unit="chunk"):
        chunk = frame.iloc[start : start + chunk_size]
        codes, found = plan.encode(chunk, first_row=start + 1)
        problems += found
        parts.append(plan.frame(codes, chunk.index))
    empty = np.zeros((0, len(plan.columns)), plan.code_dtype)
    scores = pd.concat(parts) if parts else plan.frame(empty, [])
    return BatchResult(scores, problems)


def score_csv(
    in_path: str | Path,
    out_path: str | Path,
    scorecards: Sequence[Scorecard],
    *,
    library: Library | None = None,
    chunk_size: int = 200_000,
    progress: bool = True,
    keep_columns: Iterable[str] = ("id", "response_id"),
) -> BatchSummary:
    """Score a CSV (one response per row) into another CSV, chunk by chunk so a file larger
    than memory works. Columns named in ``keep_columns`` (such as an id) are copied across."""
    started = time.perf_counter()
    plan = Plan(scorecards, library)
    problems: list[RowProblem] = []
    rows, first = 0, True
    keep = set(keep_columns)
    # Item columns as categories: the parser hashes each distinct answer once per chunk.
    dtypes: defaultdict[str, Any] = defaultdict(
        lambda: str, dict.fromkeys(plan.columns, "category")
    )
    reader = pd.read_csv(in_path, dtype=dtypes, chunksize=chunk_size, keep_default_na=False)
    with Path(out_path).open("w", encoding="utf-8", newline="") as out:
        for chunk in tqdm(reader, disable=not progress, desc="scoring", unit="chunk"):
            codes, found = plan.encode(chunk, first_row=rows + 1)
            problems += found
            result = plan.frame(codes, chunk.index)
            kept = chunk[[c for c in chunk.columns if c in keep]]
            frame = pd.concat([kept, result], axis=1)
            frame.insert(0, "row", np.arange(rows + 1, rows + 1 + len(chunk)))
            safe_frame(frame).to_csv(out, header=first, index=False)
            first = False
            rows += len(chunk)
    if first:  # empty input: still write a header
        empty = np.zeros((0, len(plan.columns)), plan.code_dtype)
        safe_frame(plan.frame(empty, [])).to_csv(out_path, index=False)
    return BatchSummary(
        rows=rows,
        rows_with_problems=len({p.row for p in problems}),
        problems=tuple(problems),
        seconds=time.perf_counter() - started,
        out_path=str(out_path),
        scorecards=tuple(card.key for card in scorecards),
    )


def _codes_for(lookup: pd.Index, values: np.ndarray) -> np.ndarray:
    c = lookup.get_indexer(values).astype(np.int16)
    missed = np.flatnonzero(c < 0)
    if len(missed):  # a second chance for stray spaces, only on the few cells that missed
        stripped = np.array([v.strip() if isinstance(v, str) else v for v in values[missed]])
        c[missed] = lookup.get_indexer(stripped)
    return c


def _options(scorecards: Sequence[Scorecard], library: Library | None) -> dict[str, list[str]]:
    """Every option of each scored item, from the questionnaires the scorecards name (a
    scorecard only lists options that score, and an option scoring 0 is still valid)."""
    library = library if library is not None else builtin_library()
    options: dict[str, list[str]] = {}
    for card in scorecards:
        for ref in card.questionnaires:
            qid, _, version = ref.partition("@")
            try:
                questionnaire = library.get(qid, version or None)
            except KeyError:
                continue
            for item in questionnaire.iter_items():
                if item.id in card.points:
                    options.setdefault(item.id, list(item.option_values))
        for item_id, table in card.points.items():
            known = options.setdefault(item_id, list(table))
            known += [v for v in table if v not in known]
    return options
