"""``python -m questionnaires check [PATH ...]``: validate questionnaire files, report readability.

With no PATH it checks the built-in library: every file, the house rules for parent-facing
questionnaires (a summary on every scored item), the plain-language rules, the answer scales,
time frames and hints of the current versions, the lock of published versions, and the
built-in scorecards against the questionnaires. With PATHs (files or folders) it checks those
files the same way; ``--scales FILE``, ``--scorecards DIR`` and ``--lock-file FILE`` add the
answer-scale, scorecard and lock checks. Exit status 1 on any error.

Licensed instruments (``kind: instrument``) cannot have their words changed, so their
readability is reported but is not an error.
"""

from __future__ import annotations

import argparse
import importlib
from pathlib import Path

from questionnaires.errors import Problem, QuestionnaireError
from questionnaires.library import LIBRARY_DIR, Library
from questionnaires.loader import load_questionnaire
from questionnaires.readability import QuestionnaireReport, check_questionnaire
from questionnaires.scales import SCALES_FILE, load_answer_scales, scale_problems
from questionnaires.schema import Questionnaire
from questionnaires.versions import LOCK_FILE, add_to_lock, check_lock, read_lock, write_lock

WORST_ITEMS_SHOWN = 10


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "check",
        help="validate questionnaire files and report their readability",
        description=__doc__.split("\n\n")[1] if __doc__ else None,
    )
    parser.add_argument(
        "paths", nargs="*", type=Path, help="questionnaire files or folders (default: built-in)"
    )
    parser.add_argument(
        "--scorecards",
        type=Path,
        default=None,
        help="a folder of scorecards to check against the questionnaires "
        "(default with no PATH: the built-in scorecards)",
    )
    parser.add_argument(
        "--lock-file",
        type=Path,
        default=None,
        help="the lock of published versions (default with no PATH: the built-in lock)",
    )
    parser.add_argument(
        "--scales",
        type=Path,
        default=None,
        help="the answer scale families the current versions must use "
        "(default with no PATH: the built-in answer-scales.yaml)",
    )
    parser.add_argument(
        "--lock",
        action="store_true",
        help="record newly published versions in the lock file (never rewrites an entry)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    builtin = not args.paths
    paths = _files(args.paths or [LIBRARY_DIR])
    lock_file = args.lock_file or (LOCK_FILE if builtin else None)
    scorecard_dir = args.scorecards or (_builtin_scorecard_dir() if builtin else None)
    scales_file = args.scales or (SCALES_FILE if builtin else None)
    result = check_files(
        paths,
        lock_file=lock_file,
        scorecard_dir=scorecard_dir,
        scales_file=scales_file,
        lock=args.lock,
    )
    print(format_report(result))
    return 1 if result.errors else 0


class CheckResult:
    def __init__(self) -> None:
        self.errors: list[Problem] = []
        self.notes: list[str] = []
        self.questionnaires: list[Questionnaire] = []
        self.reports: list[QuestionnaireReport] = []


def _files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(path.glob("*.yaml")) + sorted(path.glob("*.yml")))
        else:
            files.append(path)
    return files


def check_files(
    paths: list[Path],
    *,
    lock_file: Path | None = None,
    scorecard_dir: Path | None = None,
    scales_file: Path | None = None,
    lock: bool = False,
) -> CheckResult:
    """Every check on some questionnaire files; nothing is raised, everything is collected."""
    result = CheckResult()
    keys: dict[str, str] = {}
    for path in paths:
        _check_file(path, keys, result)
    if scales_file is not None:
        try:
            scales = load_answer_scales(scales_file)
        except QuestionnaireError as exc:
            result.errors.extend(exc.problems)
        else:
            result.errors.extend(scale_problems(result.questionnaires, scales))
    if lock_file is not None:
        _check_lock_file(paths, lock_file, lock, result)
    if scorecard_dir is not None:
        result.errors.extend(check_scorecards(scorecard_dir, result.questionnaires, result.notes))
    return result


def _check_file(path: Path, keys: dict[str, str], result: CheckResult) -> None:
    """Load one file and run the house rules and the readability checks on it. ``keys`` are
    the questionnaire keys seen so far, with their files."""
    try:
        questionnaire = load_questionnaire(path)
    except QuestionnaireError as exc:
        result.errors.extend(exc.problems)
        return
    if questionnaire.key in keys:
        result.errors.append(
            Problem(
                questionnaire.source,
                f"{questionnaire.key} is also in {keys[questionnaire.key]}: each id and "
                "version must be in one file only",
            )
        )
        return
    keys[questionnaire.key] = questionnaire.source
    result.questionnaires.append(questionnaire)
    result.errors.extend(house_rules(questionnaire))
    report = check_questionnaire(questionnaire)
    result.reports.append(report)
    for finding in report.findings:
        problem = _finding_problem(questionnaire, finding)
        if questionnaire.kind == "instrument":
            result.notes.append(f"{problem} (a licensed instrument: words cannot change)")
        else:
            result.errors.append(problem)


def _check_lock_file(paths: list[Path], lock_file: Path, lock: bool, result: CheckResult) -> None:
    """Published versions must match the lock file; with ``lock``, new ones are added first."""
    entries = read_lock(lock_file)
    if lock:
        added = add_to_lock(result.questionnaires, entries)
        if added:
            write_lock(entries, lock_file)
            result.notes.append(f"locked {', '.join(added)} in {lock_file}")
    result.errors.extend(
        check_lock(
            result.questionnaires,
            entries,
            lock_source=str(lock_file),
            complete=lock_file == LOCK_FILE and _covers_library(paths),
        )
    )


def _covers_library(paths: list[Path]) -> bool:
    library = {p.resolve() for p in LIBRARY_DIR.glob("*.yaml")}
    return library <= {p.resolve() for p in paths}


def house_rules(questionnaire: Questionnaire) -> list[Problem]:
    """Rules for questionnaires parents answer: every scored item has a summary. (Hints are
    optional: the answer-scale rules keep the ones there are short and useful.)"""
    if questionnaire.kind == "instrument":
        return []
    problems = []
    for item in questionnaire.iter_items():
        line = questionnaire.item_lines.get(item.id)
        if questionnaire.kind == "indicator" and not item.summary:
            problems.append(
                Problem(
                    questionnaire.source,
                    "needs a 'summary' (a short phrase used to explain a score)",
                    item=item.id,
                    line=line,
                )
            )
    return problems


def _finding_problem(questionnaire: Questionnaire, finding) -> Problem:
    parts = finding.where.split("/")
    item = parts[1] if len(parts) > 1 and parts[1] in questionnaire.item_lines else None
    line = questionnaire.item_lines.get(item) if item else None
    field = parts[-1] if len(parts) > 2 else None
    message = f"{field}: {finding.message}" if field and item else finding.message
    if not item and len(parts) > 1:
        message = f"{'/'.join(parts[1:])}: {finding.message}"
    return Problem(questionnaire.source, f"plain language: {message}", item=item, line=line)


def _builtin_scorecard_dir() -> Path | None:
    directory = Path(__file__).resolve().parent.parent / "models" / "scorecards"
    return directory if directory.is_dir() else None


def check_scorecards(
    directory: Path, questionnaires: list[Questionnaire], notes: list[str]
) -> list[Problem]:
    """Load every scorecard in a folder against the questionnaires checked.

    Scorecards belong to ``models``, which ``questionnaires`` never imports as a library. This
    command is an entry point, like the web app, so it loads ``models`` by name at run time and
    only when asked to check scorecards.
    """
    try:
        scorecards = importlib.import_module("models.scorecard")
    except ImportError:
        notes.append("scorecards not checked: the 'models' package is not installed")
        return []
    library = Library(questionnaires)
    problems: list[Problem] = []
    cards = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            cards.append(scorecards.load_scorecard(path, library))
        except ValueError as exc:  # models.ScorecardError is a ContentError (a ValueError)
            problems.extend(getattr(exc, "problems", [Problem(str(path), str(exc))]))
    scored = {ref for card in cards for ref in card.questionnaires}
    for questionnaire in questionnaires:
        if (
            questionnaire.kind == "indicator"
            and questionnaire.status == "published"
            and not any(ref in scored for ref in (questionnaire.key, questionnaire.id))
        ):
            problems.append(
                Problem(
                    questionnaire.source,
                    f"{questionnaire.key} is a published indicator with no scorecard in "
                    f"{directory}",
                )
            )
    notes.append(f"checked {len(cards)} scorecard(s) in {directory}")
    return problems


def format_report(result: CheckResult) -> str:
    lines = []
    if result.errors:
        lines.append(f"{len(result.errors)} error(s):")
        lines.extend(f"  {problem}" for problem in result.errors)
        lines.append("")
    if result.notes:
        lines.extend(f"note: {note}" for note in result.notes)
        lines.append("")
    if result.reports:
        lines.append("Readability (Flesch-Kincaid grade; SMOG; worst questionnaire first)")
        lines.append(f"  {'questionnaire':<34} {'whole FK':>8} {'SMOG':>6} {'worst item':>10}")
        ordered = sorted(result.reports, key=lambda r: -r.whole.fk_grade)
        for report in ordered:
            lines.append(
                f"  {report.key:<34} {report.whole.fk_grade:>8.1f} {report.whole.smog:>6.1f} "
                f"{report.worst_item_grade:>10.1f}"
            )
        worst = sorted(
            ((r.key, g) for r in result.reports for g in r.items),
            key=lambda pair: -pair[1].measure.fk_grade,
        )[:WORST_ITEMS_SHOWN]
        lines.append("")
        lines.append("Hardest items first (Flesch-Kincaid grade)")
        for key, grade in worst:
            lines.append(f"  {grade.measure.fk_grade:>5.1f}  {key} {grade.item}")
        lines.append("")
    checked = len(result.questionnaires)
    verdict = "FAILED" if result.errors else "OK"
    lines.append(f"{verdict}: {checked} questionnaire(s) checked, {len(result.errors)} error(s)")
    return "\n".join(lines)
