"""The scorecards shipped with the service (expert scorecards for the built-in questionnaires)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from models.scorecard import Scorecard, ScorecardError, load_scorecard
from questionnaires import Library, Problem, builtin_library

SCORECARD_DIR = Path(__file__).parent / "scorecards"


def load_scorecards(directory: Path, library: Library) -> list[Scorecard]:
    problems: list[Problem] = []
    cards = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            cards.append(load_scorecard(path, library))
        except ScorecardError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ScorecardError(problems)
    return cards


@cache
def builtin_scorecards() -> tuple[Scorecard, ...]:
    return tuple(load_scorecards(SCORECARD_DIR, builtin_library()))


def scorecards_for(questionnaire_key: str, cards=None) -> list[Scorecard]:
    """The scorecards that score a questionnaire (given as id@version)."""
    cards = builtin_scorecards() if cards is None else cards
    return [card for card in cards if questionnaire_key in card.questionnaires]
