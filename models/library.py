"""The scorecards shipped with the service (expert scorecards for the built-in questionnaires).

A questionnaire that changes gets a new version, and its scorecard a new version that reads it;
the old scorecard stays, because stored answers to the old version are scored with it. So a
domain can have several scorecards: ``scorecards_for`` picks by questionnaire version, and
``current_scorecards`` gives the ones that score new responses."""

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


def _version_order(version: str) -> tuple:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in version.split("."))


@cache
def builtin_scorecards() -> tuple[Scorecard, ...]:
    """Every shipped scorecard, by id and then oldest version first."""
    cards = load_scorecards(SCORECARD_DIR, builtin_library())
    return tuple(sorted(cards, key=lambda card: (card.id, _version_order(card.version))))


def scorecards_for(questionnaire_key: str, cards=None) -> list[Scorecard]:
    """The scorecards that score a questionnaire (given as id@version)."""
    cards = builtin_scorecards() if cards is None else cards
    return [card for card in cards if questionnaire_key in card.questionnaires]


def current_scorecards(cards=None, library: Library | None = None) -> list[Scorecard]:
    """The scorecards that score new responses: those reading the version of a questionnaire
    that new responses are started on (the newest published one, ``Library.get``). The others
    are kept for answers to older versions. Order is kept."""
    cards = builtin_scorecards() if cards is None else cards
    library = builtin_library() if library is None else library

    def reads_current(ref: str) -> bool:
        questionnaire_id, _, version = ref.partition("@")
        try:
            return not version or library.get(questionnaire_id).version == version
        except KeyError:
            return False

    return [card for card in cards if any(reads_current(ref) for ref in card.questionnaires)]
