"""Asking the questions: which questionnaires, which page comes next, saving each answer."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from questionnaires import Item, Questionnaire
from webapp.access.audit import record_event
from webapp.extensions import db
from webapp.services.content_library import questionnaire_library
from webapp.services.errors import WorkflowError
from webapp.storage.locking import locked
from webapp.storage.records import (
    Answer,
    Case,
    Response,
    User,
)
from webapp.storage.states import ResponseStatus


def questionnaire_for(response: Response) -> Questionnaire:
    return questionnaire_library().get(response.questionnaire_id, response.questionnaire_version)


def screening_questionnaires() -> list[Questionnaire]:
    """Questionnaires a worker can start: the newest published version of each."""
    return [q for q in questionnaire_library().latest() if q.status == "published"]


def start_response(case: Case, questionnaire: Questionnaire, mode: str, user: User) -> Response:
    response = Response(
        case=case,
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
        mode=mode,
        started_by_id=user.id,
    )
    db.session.add(response)
    record_event("screening.started", case_id=case.id, detail=questionnaire.key)
    db.session.commit()
    return response


def pages(questionnaire: Questionnaire, answers: dict[str, str]) -> list[Item]:
    """The items this person is asked, given the answers so far (gates applied)."""
    return questionnaire.enabled_items(answers)


def next_page(questionnaire: Questionnaire, answers: dict[str, str], item_id: str) -> Item | None:
    asked = pages(questionnaire, answers)
    ids = [item.id for item in asked]
    if item_id not in ids:
        return asked[0] if asked else None
    position = ids.index(item_id)
    return asked[position + 1] if position + 1 < len(asked) else None


def previous_page(questionnaire: Questionnaire, answers: dict[str, str], item_id: str):
    ids = [item.id for item in pages(questionnaire, answers)]
    if item_id in ids and ids.index(item_id) > 0:
        return questionnaire.item(ids[ids.index(item_id) - 1])
    return None


@dataclass(frozen=True)
class Step:
    """One question page of a journey, with what its page shows around the question.

    ``number`` counts only the questions everyone is asked: a follow-up question (one behind a
    gate) shares the number of the question before it, so the count never jumps when an answer
    opens one. ``intro`` is the section's introduction (its time frame, or a word of warning),
    shown on the first question of the section that the person is asked."""

    questionnaire: Questionnaire
    item: Item
    number: int
    total: int
    follow_up: bool
    intro: str | None

    @property
    def page_key(self) -> tuple:
        return (self.questionnaire.key, self.item.id, self.number, self.total, self.follow_up)


def journey_steps(asked: list[tuple[Questionnaire, dict[str, str]]]) -> list[Step]:
    """The question pages of one or more questionnaires (each with its answers so far), in
    order, numbered for the progress count."""
    total = sum(1 for q, _answers in asked for item in q.iter_items() if not item.enable_when)
    steps: list[Step] = []
    number = 0
    for questionnaire, answers in asked:
        shown = {item.id for item in pages(questionnaire, answers)}
        for section in questionnaire.sections:
            intro = section.intro
            for item in section.items:
                if item.id not in shown:
                    continue
                follow_up = bool(item.enable_when)
                if not follow_up:
                    number += 1
                steps.append(
                    Step(
                        questionnaire,
                        item,
                        max(number, 1),
                        max(total, 1),
                        follow_up,
                        intro,
                    )
                )
                intro = None
    return steps


def first_unanswered(questionnaire: Questionnaire, answers: dict[str, str]) -> Item | None:
    return next((i for i in pages(questionnaire, answers) if i.id not in answers), None)


def save_answer(response: Response, item_id: str, value: str, seq: int | None = None) -> bool:
    """Upsert one answer. With a sequence number, an older save never replaces a newer one.
    Returns False when the save was stale and ignored."""
    response = locked(response)
    if response.status != ResponseStatus.DRAFT:
        raise WorkflowError("This questionnaire has been sent. Answers can no longer change.")
    existing = db.session.scalar(
        select(Answer).where(Answer.response_id == response.id, Answer.item_id == item_id)
    )
    if existing is None:
        db.session.add(Answer(response=response, item_id=item_id, value=value, seq=seq or 0))
    elif seq is not None and seq <= existing.seq:
        return False
    else:
        existing.value = value
        existing.seq = seq if seq is not None else existing.seq + 1
    db.session.commit()
    return True
