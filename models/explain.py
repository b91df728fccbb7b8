"""Why a result is what it is, in data and in words a worker can read back to a parent.

Every flag must say why it was raised. A scorecard's total is a plain sum, so the
explanation is exact: the contributions listed add up to the total, and the distance to the next
band is a whole number of points, not a guess.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from models.scorecard import Band, Contribution, Scorecard, ScoreResult


@dataclass(frozen=True)
class BandChange:
    band: Band
    points: float  # how many points more (to reach) or fewer (to drop to) the band
    sentence: str


@dataclass(frozen=True)
class Explanation:
    result: ScoreResult
    total: float
    points: float
    band: Band
    cutoffs: tuple[Band, ...]
    contributions: tuple[Contribution, ...]
    sentence: str
    up: BandChange | None
    down: BandChange | None
    risk: float | None

    @property
    def changes(self) -> list[str]:
        return [c.sentence for c in (self.up, self.down) if c is not None]


def explain(scorecard: Scorecard, answers: Mapping[str, str | None]) -> Explanation:
    """Score ``answers`` and say why: the points from each answer, and what would change the
    band. Builds on ``Scorecard.score`` so the explanation can never disagree with the score."""
    result = scorecard.score(answers)
    up, down = _band_changes(scorecard, result)
    return Explanation(
        result=result,
        total=result.total,
        points=result.points,
        band=result.band,
        cutoffs=result.cutoffs,
        contributions=result.contributions,
        sentence=points_sentence(result),
        up=up,
        down=down,
        risk=scorecard.risk(result.total),
    )


def points_sentence(result: ScoreResult) -> str:
    """ "6 points: 3 from finding forms hard, 2 from ... and 1 from ..." """
    head = _points(result.points)
    if not result.contributions:
        return f"{head}: no answer scored any points."
    parts = [f"{_number(c.points)} from {c.summary}" for c in result.contributions]
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"{head}: {listed}."


def _band_changes(scorecard: Scorecard, result: ScoreResult):
    bands = list(scorecard.bands)
    index = bands.index(result.band)
    scale = scorecard.max_points if scorecard.method == "proportion" else 1.0
    whole = _all_whole(scorecard)
    up = down = None
    if index + 1 < len(bands):
        target = bands[index + 1]
        needed = target.min * scale - result.points
        if whole:
            needed = float(math.ceil(needed))
        up = BandChange(target, needed, f"{_more(needed, whole)} would reach '{target.label}'")
    if index > 0:
        below = bands[index - 1]
        drop = result.points - result.band.min * scale
        if whole:
            drop = float(math.floor(drop) + 1)
        phrase = _points(drop, "fewer") if whole else f"more than {_points(drop, 'fewer')}"
        down = BandChange(below, drop, f"{phrase} would drop to '{below.label}'")
    return up, down


def _more(needed: float, whole: bool) -> str:
    return _points(needed, "more") if whole else f"at least {_points(needed, 'more')}"


def _all_whole(scorecard: Scorecard) -> bool:
    """Whole points per answer mean totals move in whole steps, so the distance to a cut-off
    (even a fractional one, as proportion cut-offs are) is an exact whole number."""
    return all(float(v).is_integer() for t in scorecard.points.values() for v in t.values())


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0")


def _points(value: float, word: str = "") -> str:
    middle = f" {word} " if word else " "
    return f"{_number(value)}{middle}point" + ("" if value == 1 else "s")
