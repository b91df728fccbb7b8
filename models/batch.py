"""Score many responses at once: a rescoring run after a scorecard changes, or a paper batch.

A scorecard is a table of points, so scoring is a lookup: each column's option values are turned
into small integer codes once, then every scorecard's points come from one gather over a flat
table (``np.take``) and a row sum. A bad answer must not stop a run of a million rows: it is
reported with its row number and only that row's results for the scorecards using that item
are left blank.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm import tqdm

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
    option codes, and a flat points table per scorecard."""

    def __init__(self, scorecards: Sequence[Scorecard], library: Library | None = None):
        self.scorecards = list(scorecards)
        options = _options(self.scorecards, library)
        self.columns = sorted({item for card in self.scorecards for item in card.points})
        self.options = {c: options[c] for c in self.columns}
        # Code 0 means empty/skipped (scores 0); option k is code k + 1.
        self.width = {c: len(self.options[c]) + 1 for c in self.columns}
        self.tables = []
        for card in self.scorecards:
            idx = np.array([self.columns.index(i) for i in card.points], dtype=np.intp)
            offsets, flat, at = [], [], 0
            for item, table in card.points.items():
                offsets.append(at)
                flat += [0.0] + [table.get(v, 0.0) for v in self.options[item]]
                at += self.width[item]
            self.tables.append((idx, np.array(offsets, np.int32), np.array(flat, np.float64)))
        self.mins = [np.array([b.min for b in card.bands]) for card in self.scorecards]

    def encode(self, frame: pd.DataFrame, first_row: int = 1):
        """Codes (n x columns, int16, column-major; -1 for an unknown value) and the problems
        found. Categorical columns (as ``score_csv`` reads them) are mapped through their few
        categories instead of hashing every cell."""
        n = len(frame)
        codes = np.zeros((n, len(self.columns)), dtype=np.int16, order="F")
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
            missing = raw.isna().to_numpy()
            col[missing] = 0
            codes[:, j] = col
            for i in np.flatnonzero(col == -1):
                value = raw.iloc[i]
                message = f"'{value}' is not an option of {column}"
                problems.append(RowProblem(first_row + int(i), column, str(value), message))
        return codes, problems

    def score_codes(self, codes: np.ndarray) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """(points, total, band index) per scorecard; rows with an unknown code give NaN."""
        any_bad = bool(codes.size) and codes.min() < 0
        out = []
        for card, (idx, offsets, flat), mins in zip(
            self.scorecards, self.tables, self.mins, strict=True
        ):
            points = np.zeros(codes.shape[0], dtype=np.float64)
            for j, offset in zip(idx, offsets, strict=True):
                # One small table per item, looked up by code: a gather, then an add.
                points += flat[offset : offset + self.width[self.columns[j]]].take(codes[:, j])
            if any_bad:
                bad = (codes[:, idx] < 0).any(axis=1)
                points[bad] = np.nan
            else:
                bad = None
            total = points / card.max_points if card.method == "proportion" else points
            if card.method == "proportion" and not card.max_points:
                total = np.zeros_like(points)
            band = np.maximum(np.searchsorted(mins, total, side="right") - 1, 0)
            out.append((points, total, band if bad is None else np.where(bad, -1, band)))
        return out

    def frame(self, codes: np.ndarray, index) -> pd.DataFrame:
        data = {}
        for card, (points, total, band) in zip(
            self.scorecards, self.score_codes(codes), strict=True
        ):
            names = np.array([b.name for b in card.bands] + [""], dtype=object)
            data[f"{card.id}_points"] = points
            data[f"{card.id}_total"] = total
            data[f"{card.id}_band"] = names[band]
        return pd.DataFrame(data, index=index)


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
    scores = pd.concat(parts) if parts else plan.frame(np.zeros((0, len(plan.columns))), [])
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
    dtypes = defaultdict(lambda: str, dict.fromkeys(plan.columns, "category"))
    reader = pd.read_csv(in_path, dtype=dtypes, chunksize=chunk_size, keep_default_na=False)
    with Path(out_path).open("w", encoding="utf-8", newline="") as out:
        for chunk in tqdm(reader, disable=not progress, desc="scoring", unit="chunk"):
            codes, found = plan.encode(chunk, first_row=rows + 1)
            problems += found
            result = plan.frame(codes, chunk.index)
            kept = chunk[[c for c in chunk.columns if c in keep]]
            frame = pd.concat([kept, result], axis=1)
            frame.insert(0, "row", np.arange(rows + 1, rows + 1 + len(chunk)))
            frame.to_csv(out, header=first, index=False)
            first = False
            rows += len(chunk)
    if first:  # empty input: still write a header
        plan.frame(np.zeros((0, len(plan.columns)), np.int16), []).to_csv(out_path, index=False)
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
        for item, table in card.points.items():
            known = options.setdefault(item, list(table))
            known += [v for v in table if v not in known]
    return options
