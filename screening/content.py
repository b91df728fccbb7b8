"""Load the screening content (domains, pathways, adjustments, plan rules) and check that every
reference resolves, so a typo in a rule is caught when the file is read, not when a plan is made."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from questionnaires import ContentError, Problem
from questionnaires.yamlsource import line_of, read_yaml
from screening.actions import AdjustmentActions, load_actions
from screening.review_questions import ReviewQuestions, load_review_questions

CONTENT_DIR = Path(__file__).parent / "content"
AIS_CATEGORIES = (
    "contact_method",
    "information_format",
    "communication_support",
    "communication_professional",
    "local",
)
AIS_CATEGORY_NAMES = {
    "contact_method": "Contact method",
    "information_format": "Information format",
    "communication_support": "Communication support",
    "communication_professional": "Communication professional",
    "local": "Local adjustment (outside the Accessible Information Standard)",
}


@dataclass(frozen=True)
class Domain:
    id: str
    name: str
    need: str
    pathway: str


@dataclass(frozen=True)
class Pathway:
    id: str
    name: str


@dataclass(frozen=True)
class Adjustment:
    id: str
    title: str
    staff_action: str
    why: str
    ais_category: str
    snomed_code: str | None = None
    snomed_display: str | None = None
    # The same action said to the parent in easy read ("We will phone you before ...").
    parent_text: str | None = None

    @property
    def ais_category_name(self) -> str:
        return AIS_CATEGORY_NAMES[self.ais_category]


@dataclass(frozen=True)
class PlanRule:
    adds: tuple[str, ...]
    reason: str
    always: bool = False
    flag_domain: str | None = None
    flag_levels: frozenset[str] = frozenset()
    preference: str | None = None


@dataclass(frozen=True)
class PlanConflict:
    """An answer in which the parent says no to what an adjustment does."""

    adjustment: str
    questionnaire: str
    item: str
    answer: str


@dataclass(frozen=True)
class Content:
    domains: dict[str, Domain]
    pathways: dict[str, Pathway]
    adjustments: dict[str, Adjustment]
    rules: tuple[PlanRule, ...]
    # Flag level code (none / possible / likely) -> its one name and tag colour.
    flag_levels: dict[str, FlagLevel]
    # Adjustment id -> what it makes the service do for a meeting (adjustment_actions.yaml).
    actions: dict[str, AdjustmentActions]
    conflicts: tuple[PlanConflict, ...] = ()
    # What the parent is asked at the plan's review, per adjustment (review_questions.yaml).
    review: ReviewQuestions = field(default_factory=lambda: ReviewQuestions({}, {}))


def _clean(text: Any) -> str:
    return " ".join(str(text).split())


def _read(path: Path, key: str, problems: list[Problem]) -> Any:
    try:
        data = read_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        problems.append(Problem(str(path), f"cannot read: {exc}"))
        return None
    if not isinstance(data, dict) or key not in data:
        problems.append(Problem(str(path), f"the file must hold a mapping with '{key}'"))
        return None
    return data[key]


def _read_mapping(path: Path, problems: list[Problem]) -> Any:
    """A whole file read with lines, for a file with more than one top-level key."""
    try:
        return read_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        problems.append(Problem(str(path), f"cannot read: {exc}"))
        return None


@dataclass(frozen=True)
class FlagLevel:
    code: str
    label: str
    tag: str


FLAG_CODES = ("none", "possible", "likely")


def _load_flag_levels(path: Path, problems: list[Problem]) -> dict[str, FlagLevel]:
    levels = _read(path, "levels", problems) or {}
    found = {}
    for code in FLAG_CODES:
        entry = levels.get(code) if isinstance(levels, dict) else None
        if not isinstance(entry, dict) or not entry.get("label") or not entry.get("tag"):
            problems.append(Problem(str(path), f"flag level '{code}' needs a label and a tag"))
            continue
        found[code] = FlagLevel(code, _clean(entry["label"]), _clean(entry["tag"]))
    return found


def _load_pathways(path: Path, problems: list[Problem]) -> dict[str, Pathway]:
    pathways = {}
    for entry in _read(path, "pathways", problems) or []:
        if not isinstance(entry, dict) or not {"id", "name"} <= set(entry):
            problems.append(
                Problem(str(path), "each pathway needs id and name", line=line_of(entry))
            )
            continue
        pathways[str(entry["id"])] = Pathway(str(entry["id"]), _clean(entry["name"]))
    return pathways


def _load_domains(
    path: Path, pathways: dict[str, Pathway], problems: list[Problem]
) -> dict[str, Domain]:
    domains = {}
    source = str(path)
    raw_domains = _read(path, "domains", problems) or {}
    for domain_id, entry in raw_domains.items():
        if not isinstance(entry, dict) or not {"name", "need", "pathway"} <= set(entry):
            problems.append(
                Problem(
                    source,
                    "needs name, need and pathway",
                    item=domain_id,
                    line=line_of(raw_domains, domain_id),
                )
            )
            continue
        if entry["pathway"] not in pathways:
            problems.append(
                Problem(
                    source,
                    f"pathway '{entry['pathway']}' is not in pathways.yaml",
                    item=domain_id,
                    line=line_of(entry, "pathway"),
                )
            )
        domains[domain_id] = Domain(
            domain_id, _clean(entry["name"]), _clean(entry["need"]), str(entry["pathway"])
        )
    return domains


ADJUSTMENT_FIELDS = {"title", "staff_action", "why", "ais_category"}


def _load_adjustments(path: Path, problems: list[Problem]) -> dict[str, Adjustment]:
    adjustments = {}
    source = str(path)
    raw_adjustments = _read(path, "adjustments", problems) or {}
    for adj_id, entry in raw_adjustments.items():
        if not isinstance(entry, dict) or not set(entry) >= ADJUSTMENT_FIELDS:
            problems.append(
                Problem(
                    source,
                    f"needs {', '.join(sorted(ADJUSTMENT_FIELDS))}",
                    item=adj_id,
                    line=line_of(raw_adjustments, adj_id),
                )
            )
            continue
        adjustments[adj_id] = _adjustment(adj_id, entry, source, problems)
    return adjustments


def _adjustment(adj_id: str, entry: dict, source: str, problems: list[Problem]) -> Adjustment:
    if entry["ais_category"] not in AIS_CATEGORIES:
        problems.append(
            Problem(
                source,
                f"ais_category must be one of {', '.join(AIS_CATEGORIES)}",
                item=adj_id,
                line=line_of(entry, "ais_category"),
            )
        )
    snomed = entry.get("snomed") or {}
    code = str(snomed.get("code")) if snomed.get("code") else None
    if code is not None and not code.isdigit():
        problems.append(
            Problem(
                source,
                "a SNOMED CT code is digits only",
                item=adj_id,
                line=line_of(entry, "snomed"),
            )
        )
    return Adjustment(
        id=adj_id,
        title=_clean(entry["title"]),
        staff_action=_clean(entry["staff_action"]),
        why=_clean(entry["why"]),
        ais_category=entry["ais_category"],
        snomed_code=code,
        snomed_display=_clean(snomed["display"]) if snomed.get("display") else None,
        parent_text=_clean(entry["parent_text"]) if entry.get("parent_text") else None,
    )


def _load_rules(
    path: Path,
    domains: dict[str, Domain],
    adjustments: dict[str, Adjustment],
    problems: list[Problem],
) -> list[PlanRule]:
    rules = []
    source = str(path)
    for entry in _read(path, "rules", problems) or []:
        line = line_of(entry)
        if not isinstance(entry, dict) or "add" not in entry or "reason" not in entry:
            problems.append(Problem(source, "each rule needs 'add' and 'reason'", line=line))
            continue
        rules.append(_rule(entry, domains, adjustments, source, line, problems))
    return rules


def _rule(
    entry: dict,
    domains: dict[str, Domain],
    adjustments: dict[str, Adjustment],
    source: str,
    line: int | None,
    problems: list[Problem],
) -> PlanRule:
    adds = tuple(str(a) for a in entry["add"])
    for adj_id in adds:
        if adj_id not in adjustments:
            problems.append(
                Problem(
                    source,
                    f"adds '{adj_id}', which is not in the adjustment catalogue",
                    line=line,
                )
            )
    flag = entry.get("flag") or {}
    if flag and flag.get("domain") not in domains:
        problems.append(
            Problem(source, f"flag domain '{flag.get('domain')}' is not in domains.yaml", line=line)
        )
    conditions = [bool(entry.get("always")), bool(flag), bool(entry.get("preference"))]
    if sum(conditions) != 1:
        problems.append(
            Problem(source, "give exactly one of always, flag or preference", line=line)
        )
    return PlanRule(
        adds=adds,
        reason=_clean(entry["reason"]),
        always=bool(entry.get("always")),
        flag_domain=flag.get("domain"),
        flag_levels=frozenset(flag.get("level", ["possible", "likely"])),
        preference=entry.get("preference"),
    )


def _load_conflicts(
    path: Path, adjustments: dict[str, Adjustment], problems: list[Problem]
) -> tuple[PlanConflict, ...]:
    if not path.exists():  # optional: a deployment may have no conflicts to mark
        return ()
    conflicts = []
    fields = ("adjustment", "questionnaire", "item", "answer")
    for entry in _read(path, "conflicts", problems) or []:
        if not isinstance(entry, dict) or any(not entry.get(f) for f in fields):
            problems.append(
                Problem(str(path), f"each conflict needs {', '.join(fields)}", line=line_of(entry))
            )
            continue
        if entry["adjustment"] not in adjustments:
            problems.append(
                Problem(
                    str(path),
                    f"'{entry['adjustment']}' is not in the adjustment catalogue",
                    line=line_of(entry),
                )
            )
            continue
        conflicts.append(PlanConflict(*(str(entry[f]) for f in fields)))
    return tuple(conflicts)


def load_content(directory: Path = CONTENT_DIR) -> Content:
    """Every content file, read and cross-checked; all the problems at once in a ContentError."""
    problems: list[Problem] = []
    pathways = _load_pathways(directory / "pathways.yaml", problems)
    domains = _load_domains(directory / "domains.yaml", pathways, problems)
    adjustments = _load_adjustments(directory / "adjustments.yaml", problems)
    rules = _load_rules(directory / "plan_rules.yaml", domains, adjustments, problems)
    levels = _load_flag_levels(directory / "flag_levels.yaml", problems)
    actions_file = directory / "adjustment_actions.yaml"
    raw_actions = _read(actions_file, "actions", problems)
    actions = load_actions(str(actions_file), raw_actions, adjustments, problems)
    conflicts = _load_conflicts(directory / "plan_conflicts.yaml", adjustments, problems)
    review_file = directory / "review_questions.yaml"
    raw_review = _read_mapping(review_file, problems)
    review = load_review_questions(str(review_file), raw_review, adjustments, problems)
    if problems:
        raise ContentError(problems)
    return Content(domains, pathways, adjustments, tuple(rules), levels, actions, conflicts, review)


@cache
def builtin_content() -> Content:
    return load_content(CONTENT_DIR)
