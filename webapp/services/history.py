"""A case's screening history: every submitted answer set, dated, with its source. The newest
set of each questionnaire counts (results.newest_submitted); older ones are earlier."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from questionnaires import Questionnaire
from webapp.services.questions import questionnaire_for
from webapp.services.results import answered, newest_submitted
from webapp.storage.records import Case, Response
from webapp.storage.states import ResponseMode, ResponseStatus


@dataclass(frozen=True)
class AnswerSet:
    response: Response
    questionnaire: Questionnaire
    answered_at: datetime
    source: str
    current: bool


def source_of(response: Response) -> str:
    """How the answers came: with the worker, by the parent's link, or from paper."""
    who = response.started_by.name if response.started_by else "a worker"
    if response.mode == ResponseMode.SELF:
        return "By the parent, through a private link"
    if response.mode == ResponseMode.PAPER:
        return f"From a paper copy, entered by {who}"
    return f"With the parent, recorded by {who}"


def answer_sets(case: Case) -> list[AnswerSet]:
    """Every submitted answer set: those that count first, then the earlier ones, each part
    newest first."""
    current = {r.id for r in newest_submitted(case)}
    submitted = [r for r in case.responses if r.status == ResponseStatus.SUBMITTED]
    submitted.sort(key=answered, reverse=True)
    sets = [
        AnswerSet(
            response=r,
            questionnaire=questionnaire_for(r),
            answered_at=r.submitted_at or r.created_at,
            source=source_of(r),
            current=r.id in current,
        )
        for r in submitted
    ]
    return [s for s in sets if s.current] + [s for s in sets if not s.current]


def recently_answered(case: Case, now: datetime, days: int) -> dict[str, datetime]:
    """The questionnaires answered within ``days`` of ``now``, and when (the newest time)."""
    since = now - timedelta(days=days)
    recent: dict[str, datetime] = {}
    for answers in answer_sets(case):
        key = answers.questionnaire.id
        if answers.answered_at >= since and key not in recent:
            recent[key] = answers.answered_at
    return recent
