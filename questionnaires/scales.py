"""One family of answer scales, and a named time frame, across the built-in questionnaires.

``answer-scales.yaml`` declares a few families of answers ("how often", "how hard" ...), each
one ordered list of ``{value, label}`` steps. A question uses one family: its options are some
of the family's steps, in the family's order, with the same values and words. A question whose
answers are not a scale (the parent's stated preferences) is listed under ``outside`` with a
reason. A section that uses a family which asks about a time (how often, on how many days) names
that time in its intro. Hints are optional, short, and never a filler sentence.

The rules apply to the current versions only: a version that a newer published version has
replaced is frozen, because stored answers name it (see ``current_versions``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from questionnaires.errors import Problem, QuestionnaireError
from questionnaires.schema import Item, Questionnaire, Section
from questionnaires.yamlsource import line_of, read_yaml_file

SCALES_FILE = Path(__file__).parent / "answer-scales.yaml"


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


@dataclass(frozen=True)
class ScaleFamily:
    name: str
    steps: tuple[tuple[str, str], ...]  # (value, label), in order
    asks_about_a_time: bool

    def fits(self, item: Item) -> bool:
        """The item's options are two or more of the steps, in order, with the same words."""
        wanted = [(o.value, o.label) for o in item.options]
        remaining = iter(self.steps)
        return len(wanted) >= 2 and all(step in remaining for step in wanted)

    def words(self) -> str:
        return " / ".join(label for _, label in self.steps)


@dataclass(frozen=True)
class AnswerScales:
    families: tuple[ScaleFamily, ...]
    # (questionnaire id, item id or None for every item) -> why its answers are not a scale
    outside: Mapping[tuple[str, str | None], str]
    time_frames: tuple[str, ...]
    max_hint_characters: int
    filler_hints: frozenset[str]
    source: str

    def family_of(self, item: Item) -> ScaleFamily | None:
        return next((family for family in self.families if family.fits(item)), None)

    def outside_reason(self, questionnaire_id: str, item_id: str) -> str | None:
        return self.outside.get((questionnaire_id, item_id)) or self.outside.get(
            (questionnaire_id, None)
        )


ReportProblem = Callable[..., None]  # (message, where=None, key=None)


def load_answer_scales(path: Path = SCALES_FILE) -> AnswerScales:
    """Read the scale families. Raises QuestionnaireError naming the file and line."""
    source = str(path)
    try:
        data = read_yaml_file(path)
    except (OSError, yaml.YAMLError) as exc:
        unreadable = Problem(source, f"cannot read the answer scales: {exc}")
        raise QuestionnaireError([unreadable]) from None
    problems: list[Problem] = []

    def problem(message: str, where: Any = None, key: str | None = None) -> None:
        problems.append(Problem(source, message, line=line_of(where, key)))

    if not isinstance(data, dict):
        raise QuestionnaireError([Problem(source, "must be a mapping with 'families'")])
    families = _families(data, problem)
    outside = _outside(data, problem)
    time_frames = data.get("time_frames")
    if not isinstance(time_frames, list) or not all(isinstance(t, str) for t in time_frames):
        problem("'time_frames' must be a list of sentences", data, "time_frames")
        time_frames = []
    longest = data.get("max_hint_characters")
    if not isinstance(longest, int) or isinstance(longest, bool) or longest < 1:
        problem("'max_hint_characters' must be a whole number", data, "max_hint_characters")
        longest = 0
    if problems:
        raise QuestionnaireError(problems)
    return AnswerScales(
        families=tuple(families),
        outside=outside,
        time_frames=tuple(time_frames),
        max_hint_characters=longest,
        filler_hints=frozenset(data.get("filler_hints") or ()),
        source=source,
    )


def _families(data: dict, problem: ReportProblem) -> list[ScaleFamily]:
    families = []
    raw_families = data.get("families")
    if not isinstance(raw_families, dict) or not raw_families:
        problem("'families' must map each family's name to its steps", data, "families")
        raw_families = {}
    for name, raw in raw_families.items():
        steps = raw.get("steps") if isinstance(raw, dict) else None
        if not isinstance(steps, list) or len(steps) < 2:
            problem(f"family '{name}' needs 'steps': two or more {{value, label}}", raw_families)
            continue
        families.append(_family(str(name), raw, steps, problem))
    return families


def _family(name: str, raw: dict, steps: list, problem: ReportProblem) -> ScaleFamily:
    pairs = []
    for step in steps:
        if not (isinstance(step, dict) and step.get("value") and step.get("label")):
            problem(f"family '{name}': each step needs a value and a label", step or raw)
            continue
        pairs.append((str(step["value"]), str(step["label"])))
    for kind, seen in (("value", [v for v, _ in pairs]), ("label", [w for _, w in pairs])):
        if len(set(seen)) != len(seen):
            problem(f"family '{name}' has the same {kind} twice", raw)
    asks = raw.get("asks_about_a_time")
    if not isinstance(asks, bool):
        problem(f"family '{name}' needs 'asks_about_a_time: true' or 'false'", raw)
    return ScaleFamily(name, tuple(pairs), bool(asks))


def _outside(data: dict, problem: ReportProblem) -> dict[tuple[str, str | None], str]:
    outside: dict[tuple[str, str | None], str] = {}
    for entry in data.get("outside") or []:
        questionnaire = entry.get("questionnaire") if isinstance(entry, dict) else None
        reason = entry.get("reason") if isinstance(entry, dict) else None
        if not questionnaire or not (isinstance(reason, str) and reason.strip()):
            problem("each 'outside' entry needs a questionnaire and a reason", entry or data)
            continue
        for item in entry.get("items") or [None]:
            outside[(str(questionnaire), item)] = " ".join(reason.split())
    return outside


def current_versions(questionnaires: Iterable[Questionnaire]) -> list[Questionnaire]:
    """Every version that no newer published version of the same questionnaire replaces: the
    newest published one and any newer drafts. Older versions are frozen history."""
    questionnaires = list(questionnaires)
    newest_published: dict[str, tuple[int, ...]] = {}
    for q in questionnaires:
        if q.status == "published":
            key = _version_key(q.version)
            newest_published[q.id] = max(newest_published.get(q.id, key), key)
    return [
        q
        for q in questionnaires
        if q.id not in newest_published or _version_key(q.version) >= newest_published[q.id]
    ]


def _hint_problems(q: Questionnaire, item: Item, scales: AnswerScales) -> list[Problem]:
    problems = []
    line = q.item_lines.get(item.id)
    if item.hint and len(item.hint) > scales.max_hint_characters:
        problems.append(
            Problem(
                q.source,
                f"hint: {len(item.hint)} characters, more than "
                f"{scales.max_hint_characters}: keep hints short so the question "
                "and its answers fit a phone screen",
                item=item.id,
                line=line,
            )
        )
    if item.hint in scales.filler_hints:
        problems.append(
            Problem(
                q.source,
                f"hint: '{item.hint}' says nothing of its own: leave it out, or "
                "give an example that helps",
                item=item.id,
                line=line,
            )
        )
    return problems


def _not_a_scale(q: Questionnaire, item: Item, scales: AnswerScales) -> Problem:
    names = ", ".join(f.name for f in scales.families)
    return Problem(
        q.source,
        "its answers are not one of the answer scales in "
        f"{Path(scales.source).name} ({names}): use some of one family's "
        "steps, in its order and with its words, or list the question "
        "under 'outside' with a reason",
        item=item.id,
        line=q.item_lines.get(item.id),
    )


def _section_problems(q: Questionnaire, section: Section, scales: AnswerScales) -> list[Problem]:
    problems = []
    timed = []
    for item in section.items:
        problems += _hint_problems(q, item, scales)
        if not item.options or scales.outside_reason(q.id, item.id):
            continue
        family = scales.family_of(item)
        if family is None:
            problems.append(_not_a_scale(q, item, scales))
        elif family.asks_about_a_time:
            timed.append(item.id)
    if timed and not any(frame in (section.intro or "") for frame in scales.time_frames):
        frames = " / ".join(f"'{frame}'" for frame in scales.time_frames)
        problems.append(
            Problem(
                q.source,
                f"section '{section.id}' asks about a time ({', '.join(timed)}) but its "
                f"intro does not say which: add one of {frames}",
                line=q.item_lines.get(section.items[0].id),
            )
        )
    return problems


def scale_problems(questionnaires: Iterable[Questionnaire], scales: AnswerScales) -> list[Problem]:
    """The answer-scale, time-frame and hint rules, on the current versions of our own
    questionnaires (licensed instruments keep their own words)."""
    problems = []
    for q in current_versions(questionnaires):
        if q.kind == "instrument":
            continue
        for section in q.sections:
            problems += _section_problems(q, section, scales)
    return problems
