"""Stored results: how a score is kept, a case's newest results, scorecards, explanations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from sqlalchemy import select

from questionnaires import Questionnaire
from screening import highest_level
from screening.flags import Flag
from webapp.extensions import db
from webapp.services.content_library import questionnaire_library, service_scorecards
from webapp.services.questions import questionnaire_for
from webapp.storage.records import (
    Case,
    Response,
    Result,
    ScorecardVersion,
)
from webapp.storage.states import ResponseStatus


def result_fields(questionnaire: Questionnaire, result, flag) -> dict:
    """The stored fields of one domain's score (``screening`` result and flag): the one
    mapping, for the ORM (``result_row``) and for bulk inserts (the demo data)."""
    return {
        "domain": result.domain,
        "questionnaire_id": questionnaire.id,
        "questionnaire_version": questionnaire.version,
        "scorecard_id": result.scorecard_id,
        "scorecard_version": result.scorecard_version,
        "points": result.points,
        "max_points": result.max_points,
        "total": result.total,
        "band": result.band.name,
        "band_label": result.band.label,
        "flag_level": flag.level,
        "headline": flag.headline,
        "reasons": list(flag.reasons),
        "contributions": [
            {"item": c.item, "answer": c.answer, "points": c.points, "summary": c.summary}
            for c in result.contributions
        ],
        "alerts": [{"item": a.item, "message": a.message} for a in result.alerts],
        "pathway": flag.pathway,
    }


def result_row(response: Response, questionnaire: Questionnaire, result, flag) -> Result:
    """The stored form of one domain's score, ready to add to the session."""
    return Result(response=response, **result_fields(questionnaire, result, flag))


def scorecard_of(result: Result):
    """The scorecard version that produced a result (old results keep their version)."""
    return scorecard_version(result.scorecard_id, result.scorecard_version)


def scorecard_version(scorecard_id: str, version: str):
    """A scorecard by id and version: one in use now, or a fitted version kept in the
    database. None when neither has it."""
    from models import scorecard_from_dict

    for card in service_scorecards():
        if (card.id, card.version) == (scorecard_id, version):
            return card
    stored = stored_scorecard(scorecard_id, version)
    return scorecard_from_dict(stored.definition, questionnaire_library()) if stored else None


def stored_scorecard(scorecard_id: str, version: str) -> ScorecardVersion | None:
    """A fitted scorecard version kept in the database."""
    return db.session.scalar(
        select(ScorecardVersion).where(
            ScorecardVersion.scorecard_id == scorecard_id,
            ScorecardVersion.version == version,
        )
    )


def explanations(response: Response) -> dict[int, object]:
    """The models library's explanation of each result of a response (points sentence and
    what would change the band), computed from the stored answers."""
    from models.explain import explain

    answers = questionnaire_for(response).effective_answers(response.answer_map)
    found: dict[int, object] = {}
    for result in response.current_results:
        card = scorecard_of(result)
        if card is not None:
            found[result.id] = explain(card, answers)
    return found


def newest_submitted(case: Case) -> list[Response]:
    """The newest submitted response to each questionnaire of a case."""
    newest: dict[str, Response] = {}
    for response in case.responses:
        if response.status != ResponseStatus.SUBMITTED:
            continue
        # Newest by when the answers were sent or recorded, not when they were started.
        known = newest.get(response.questionnaire_id)
        if known is None or answered(response) >= answered(known):
            newest[response.questionnaire_id] = response
    return list(newest.values())


def answered(response: Response) -> tuple:
    return (response.submitted_at or response.created_at, response.id)


def latest_results(case: Case) -> list[Result]:
    """The results of the newest submitted response to each questionnaire."""
    return [result for response in newest_submitted(case) for result in response.current_results]


def case_flag_level(case: Case) -> str:
    """The case's flag: the highest level among its newest results."""
    return highest_level(as_flags(FlagView(r.domain, r.flag_level) for r in latest_results(case)))


def as_flags(views) -> list[Flag]:
    """Stored results as the plan rules and ``highest_level`` read them: those read only a
    flag's domain, level and raised, which a FlagView has."""
    return cast(list[Flag], list(views))


@dataclass(frozen=True)
class FlagView:
    """What plan rules need from a stored result."""

    domain: str
    level: str

    @property
    def raised(self) -> bool:
        return self.level != "none"
