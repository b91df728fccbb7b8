"""The transparent scoring model: points per answer, a total, and bands with named cut-offs.

Every rule that published screens use compiles down to one table of points per (item, answer):
per-option points, a 0..n scale in option order, reverse scoring, item weights, and per-item
thresholds that count 0/1 (ASRS Part A style). The total is the sum of points (or, for
``method: proportion``, the sum over the maximum, ARHQ style). Critical items raise an alert on
their own, whatever the total. Because the table is all there is, a worker can read it, a hand
calculation reproduces every result, and batch scoring is one matrix product.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from questionnaires import SKIP, Library, Problem
from questionnaires.errors import ContentError
from questionnaires.schema import Item
from questionnaires.yamlsource import line_of, read_yaml

METHODS = ("sum", "proportion")
FLAG_LEVELS = ("none", "possible", "likely")
PROVENANCES = ("expert", "fitted")


class ScorecardError(ContentError):
    """A scorecard file (or the data given for one) is not valid."""


@dataclass(frozen=True)
class Band:
    name: str
    label: str
    min: float
    flag: str = "none"


@dataclass(frozen=True)
class CriticalRule:
    """An answer that needs action now, whatever the total (e.g. a self-harm item)."""

    item: str
    values: frozenset[str]
    message: str


@dataclass(frozen=True)
class Contribution:
    item: str
    answer: str
    points: float
    summary: str


@dataclass(frozen=True)
class Alert:
    item: str
    answer: str
    message: str


@dataclass(frozen=True)
class ScoreResult:
    scorecard_id: str
    scorecard_version: str
    domain: str
    total: float
    points: float
    max_points: float
    band: Band
    contributions: tuple[Contribution, ...]
    skipped: tuple[str, ...]
    alerts: tuple[Alert, ...]
    cutoffs: tuple[Band, ...] = ()


@dataclass(frozen=True)
class Scorecard:
    id: str
    version: str
    domain: str
    provenance: str
    questionnaires: tuple[str, ...]
    points: Mapping[str, Mapping[str, float]]
    bands: tuple[Band, ...]
    method: str = "sum"
    critical: tuple[CriticalRule, ...] = ()
    summaries: Mapping[str, str] = field(default_factory=dict)
    basis: str = ""
    source: str = ""
    # For fitted scorecards: (slope, intercept) of risk = 1 / (1 + exp(-(intercept + slope *
    # total))), so a result can show a risk as well as a band. None for expert scorecards.
    calibration: tuple[float, float] | None = None

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"

    @property
    def items(self) -> tuple[str, ...]:
        return tuple(self.points)

    @property
    def max_points(self) -> float:
        return sum(max([0.0, *table.values()]) for table in self.points.values())

    @property
    def min_points(self) -> float:
        return sum(min([0.0, *table.values()]) for table in self.points.values())

    def band_for(self, total: float) -> Band:
        chosen = self.bands[0]
        for band in self.bands:
            if total >= band.min:
                chosen = band
        return chosen

    def risk(self, total: float) -> float | None:
        """The calibrated risk for a total, or None when the scorecard has no calibration."""
        if self.calibration is None:
            return None
        slope, intercept = self.calibration
        z = max(min(intercept + slope * total, 500.0), -500.0)
        return 1.0 / (1.0 + math.exp(-z))

    def score(self, answers: Mapping[str, str | None]) -> ScoreResult:
        """Score answers: item id -> option value, with None or SKIP for a question asked but
        not answered. Items missing from ``answers`` were not asked and are not "skipped"."""
        points = 0.0
        contributions, skipped = [], []
        for item_id, table in self.points.items():
            if item_id not in answers:
                # Not asked (behind a closed gate, or not in this response): scores nothing
                # and is not reported as skipped.
                continue
            answer = answers[item_id]
            if answer is None or answer == SKIP:
                skipped.append(item_id)
                continue
            value = table.get(answer, 0.0)
            points += value
            if value:
                summary = self.summaries.get(item_id, item_id)
                contributions.append(Contribution(item_id, answer, value, summary))
        # Largest first; ties keep the scorecard's own (questionnaire) order.
        contributions.sort(key=lambda c: -abs(c.points))
        total = points
        if self.method == "proportion":
            total = points / self.max_points if self.max_points else 0.0
        alerts = tuple(
            Alert(rule.item, str(answers[rule.item]), rule.message)
            for rule in self.critical
            if answers.get(rule.item) in rule.values
        )
        return ScoreResult(
            scorecard_id=self.id,
            scorecard_version=self.version,
            domain=self.domain,
            total=total,
            points=points,
            max_points=self.max_points,
            band=self.band_for(total),
            contributions=tuple(contributions),
            skipped=tuple(skipped),
            alerts=alerts,
            cutoffs=self.bands,
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain data with explicit points, loadable again by ``scorecard_from_dict``."""
        data: dict[str, Any] = {
            "id": self.id,
            "version": self.version,
            "domain": self.domain,
            "provenance": self.provenance,
            "questionnaires": list(self.questionnaires),
            "method": self.method,
        }
        if self.basis:
            data["basis"] = self.basis
        data["items"] = {
            item: {"points": {k: _plain(v) for k, v in table.items()}}
            for item, table in self.points.items()
        }
        data["bands"] = [
            {"name": b.name, "label": b.label, "min": _plain(b.min), "flag": b.flag}
            for b in self.bands
        ]
        if self.calibration is not None:
            slope, intercept = self.calibration
            data["calibration"] = {"slope": float(slope), "intercept": float(intercept)}
        if self.critical:
            data["critical"] = [
                {"item": r.item, "in": sorted(r.values), "message": r.message}
                for r in self.critical
            ]
        return data

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True)


def _plain(value: float) -> float | int:
    return int(value) if float(value).is_integer() else float(value)


def load_scorecard(path: str | Path, library: Library) -> Scorecard:
    path = Path(path)
    try:
        data = read_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ScorecardError(
            [
                Problem(
                    str(path),
                    f"not valid YAML: {getattr(exc, 'problem', exc)}",
                    line=mark.line + 1 if mark else None,
                )
            ]
        ) from exc
    return scorecard_from_dict(data, library, source=str(path))


ReportProblem = Callable[..., None]  # (message, node=None, key=None, item=None)


def scorecard_from_dict(data: Any, library: Library, *, source: str = "<scorecard>") -> Scorecard:
    """Check a scorecard against the questionnaires it scores and compile its rules to points."""
    problems: list[Problem] = []

    def problem(message: str, node: Any = None, key: str | None = None, item: str | None = None):
        problems.append(Problem(source, message, item=item, line=line_of(node, key)))

    if not isinstance(data, dict):
        raise ScorecardError([Problem(source, "the file must hold a mapping")])
    for key in ("id", "version", "domain", "items", "bands", "questionnaires"):
        if key not in data:
            problem(f"'{key}' is missing", data)
    if problems:
        raise ScorecardError(problems)

    refs = data["questionnaires"] if isinstance(data["questionnaires"], list) else []
    items_by_id = _scored_items(data, refs, library, problem)
    method = _one_of(data, "method", "sum", METHODS, problem)
    provenance = _one_of(data, "provenance", "expert", PROVENANCES, problem)
    points, summaries = _points(data, items_by_id, problem)
    critical = _critical_rules(data, items_by_id, problem)
    bands = _bands(data.get("bands"), problem)
    calibration = _calibration(data.get("calibration"), problem)
    if not problems and bands:
        _check_cutoffs_reachable(data, bands, points, method, problem)
    if problems:
        raise ScorecardError(problems)
    return Scorecard(
        id=str(data["id"]),
        version=str(data["version"]),
        domain=str(data["domain"]),
        provenance=provenance,
        questionnaires=tuple(str(r) for r in refs),
        points=points,
        bands=tuple(bands),
        method=method,
        critical=tuple(critical),
        summaries=summaries,
        basis=" ".join(str(data.get("basis", "")).split()),
        source=source,
        calibration=calibration,
    )


def _scored_items(
    data: dict, refs: list, library: Library, problem: ReportProblem
) -> dict[str, Item]:
    """Every item of the questionnaires the scorecard names, by id."""
    items_by_id: dict[str, Item] = {}
    if not refs:
        problem(
            "'questionnaires' must list the questionnaires scored, as id@version",
            data,
            "questionnaires",
        )
    for ref in refs:
        qid, _, version = str(ref).partition("@")
        try:
            questionnaire = library.get(qid, version or None)
        except KeyError:
            problem(f"questionnaire '{ref}' is not in the library", data, "questionnaires")
            continue
        for item in questionnaire.iter_items():
            items_by_id[item.id] = item
    return items_by_id


def _one_of(
    data: dict, key: str, default: str, allowed: tuple[str, ...], problem: ReportProblem
) -> str:
    value = data.get(key, default)
    if value not in allowed:
        problem(f"{key} '{value}' must be one of {', '.join(allowed)}", data, key)
    return value


def _points(
    data: dict, items_by_id: dict[str, Item], problem: ReportProblem
) -> tuple[dict[str, dict[str, float]], dict[str, str]]:
    """(points per answer, summary) of each scored item."""
    points: dict[str, dict[str, float]] = {}
    summaries: dict[str, str] = {}
    raw_items = data["items"] if isinstance(data["items"], dict) else {}
    if not raw_items:
        problem("'items' must map item ids to their scoring rule", data, "items")
    for item_id, rule in raw_items.items():
        item = items_by_id.get(item_id)
        if item is None:
            problem("this item is not in the questionnaires listed", raw_items, item_id, item_id)
            continue
        table = _compile_rule(item, rule, lambda m, i=item_id: problem(m, raw_items, i, i))
        if table is not None:
            points[item_id] = table
            summaries[item_id] = item.summary or item.prompt
    return points, summaries


def _critical_rules(
    data: dict, items_by_id: dict[str, Item], problem: ReportProblem
) -> list[CriticalRule]:
    critical = []
    for raw in data.get("critical", []) or []:
        named = raw.get("item") if isinstance(raw, dict) else None
        item = items_by_id.get(named) if isinstance(named, str) else None
        if item is None:
            problem("a critical rule must name an item of the questionnaires listed", raw)
            continue
        values = frozenset(str(v) for v in raw.get("in", []))
        unknown = values - set(item.option_values)
        if not values or unknown:
            problem(
                f"critical rule answers {sorted(unknown) or '(none)'} are not options",
                raw,
                "in",
                item.id,
            )
        message = raw.get("message")
        if not isinstance(message, str) or not message.strip():
            problem("a critical rule needs a 'message' saying what to do", raw, item=item.id)
            continue
        critical.append(CriticalRule(item.id, values, " ".join(message.split())))
    return critical


def _check_cutoffs_reachable(
    data: dict,
    bands: list[Band],
    points: dict[str, dict[str, float]],
    method: str,
    problem: ReportProblem,
) -> None:
    """Every cut-off above the lowest band must be a total that some answers can reach."""
    reach_max = sum(max([0.0, *t.values()]) for t in points.values())
    reach_min = sum(min([0.0, *t.values()]) for t in points.values())
    if method == "proportion":
        reach_min, reach_max = (reach_min / reach_max if reach_max else 0.0), 1.0
    raw_bands = {
        str(entry.get("name")): entry for entry in data["bands"] if isinstance(entry, dict)
    }
    for band in bands[1:]:
        if band.min > reach_max or band.min <= reach_min:
            entry = raw_bands.get(band.name)
            problem(
                f"the cut-off {band.min} of band '{band.name}' cannot be reached "
                f"(scores run from {_plain(reach_min)} to {_plain(reach_max)})",
                entry if entry is not None else data,
                "min" if entry is not None else "bands",
            )


def _calibration(raw: Any, problem: ReportProblem) -> tuple[float, float] | None:
    if raw is None:
        return None
    numbers = (int, float)
    if (
        not isinstance(raw, dict)
        or set(raw) != {"slope", "intercept"}
        or not all(isinstance(raw[k], numbers) and not isinstance(raw[k], bool) for k in raw)
    ):
        problem("'calibration' must give a number for 'slope' and for 'intercept'", raw)
        return None
    return (float(raw["slope"]), float(raw["intercept"]))


def _compile_rule(item: Item, rule: Any, problem: ReportProblem) -> dict[str, float] | None:
    """Turn one item's rule (points / scale / threshold, reverse, weight) into points."""
    values = list(item.option_values)
    if not values:
        problem("only items with options can be scored")
        return None
    if not isinstance(rule, dict):
        problem("the rule must be a mapping: points, scale or threshold")
        return None
    kinds = [k for k in ("points", "scale", "threshold") if k in rule]
    if len(kinds) != 1:
        problem("give exactly one of 'points', 'scale' or 'threshold'")
        return None
    if rule.get("reverse"):
        values.reverse()
    if "points" in rule:
        raw = rule["points"]
        if not isinstance(raw, dict):
            problem("'points' must map option values to numbers")
            return None
        table = {}
        for value, pts in raw.items():
            value = str(value).lower() if isinstance(value, bool) else str(value)
            if value not in item.option_values:
                problem(f"'points' names option '{value}', which the item does not offer")
                return None
            if not isinstance(pts, (int, float)) or isinstance(pts, bool):
                problem(f"points for option '{value}' must be a number")
                return None
            table[value] = float(pts)
    elif "scale" in rule:
        scale = rule["scale"]
        if not isinstance(scale, list) or len(scale) != len(values):
            problem(f"'scale' must give one number for each of the {len(values)} options")
            return None
        table = {v: float(p) for v, p in zip(values, scale, strict=True)}
    else:
        threshold = str(rule["threshold"])
        if threshold not in values:
            problem(f"'threshold' names option '{threshold}', which the item does not offer")
            return None
        at = values.index(threshold)
        table = {v: float(i >= at) for i, v in enumerate(values)}
    weight = rule.get("weight", 1)
    if not isinstance(weight, (int, float)) or isinstance(weight, bool):
        problem("'weight' must be a number")
        return None
    return {v: p * weight for v, p in table.items()}


def _bands(raw: Any, problem: ReportProblem) -> list[Band]:
    if not isinstance(raw, list) or not raw:
        problem("'bands' must be a list of bands with name, label, min and flag")
        return []
    bands = []
    for entry in raw:
        if not isinstance(entry, dict) or not {"name", "label", "min"} <= set(entry):
            problem("each band needs 'name', 'label' and 'min'", entry)
            continue
        flag = entry.get("flag", "none")
        if flag not in FLAG_LEVELS:
            problem(f"band flag '{flag}' must be one of {', '.join(FLAG_LEVELS)}", entry, "flag")
        if isinstance(entry["min"], bool) or not isinstance(entry["min"], (int, float)):
            problem("a band's 'min' must be a number", entry, "min")
            continue
        bands.append(Band(str(entry["name"]), str(entry["label"]), float(entry["min"]), flag))
    if [b.min for b in bands] != sorted(b.min for b in bands) or len({b.min for b in bands}) != len(
        bands
    ):
        problem("bands must be listed from the lowest cut-off up, each cut-off higher")
    return bands
