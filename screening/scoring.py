"""Score one response: every scorecard that reads this questionnaire, then flags and alerts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from models import Alert, Scorecard, ScoreResult, scorecards_for
from questionnaires import Questionnaire
from screening.content import Content, builtin_content
from screening.flags import Flag, flags_for


@dataclass(frozen=True)
class Screening:
    questionnaire_key: str
    results: tuple[ScoreResult, ...]
    flags: tuple[Flag, ...]
    alerts: tuple[Alert, ...]


def score_response(
    questionnaire: Questionnaire,
    answers: Mapping[str, str | None],
    scorecards: Sequence[Scorecard] | None = None,
    content: Content | None = None,
) -> Screening:
    content = content or builtin_content()
    cards = scorecards_for(questionnaire.key, scorecards)
    # Answers behind a closed gate do not count (a "no" at the gate scores 0 for what follows).
    effective = questionnaire.effective_answers(answers)
    results = [card.score(effective) for card in cards]
    alerts = tuple(alert for result in results for alert in result.alerts)
    return Screening(questionnaire.key, tuple(results), tuple(flags_for(results, content)), alerts)


def alerts_for_answer(
    questionnaire: Questionnaire,
    item_id: str,
    value: str | None,
    scorecards: Sequence[Scorecard] | None = None,
) -> list[Alert]:
    """Critical rules this one answer triggers, so help is shown the moment it is given."""
    return [
        Alert(rule.item, value, rule.message)
        for card in scorecards_for(questionnaire.key, scorecards)
        for rule in card.critical
        if rule.item == item_id and value in rule.values
    ]
