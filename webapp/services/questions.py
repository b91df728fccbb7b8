"""Asking the questions: which questionnaires, which page comes next, saving each answer."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cache

from sqlalchemy import BigInteger, DateTime, Integer, String, Text, bindparam, inspect, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from questionnaires import Item, Questionnaire
from webapp.access.audit import record_event
from webapp.extensions import db
from webapp.services.content_library import questionnaire_library
from webapp.services.errors import WorkflowError
from webapp.storage.clock import utcnow
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
    order, numbered for the progress count.

    The pages depend only on the questionnaires and the answers to their gate questions, so
    they are worked out once per such combination and kept (every parent page asks)."""
    # Questionnaires by identity: each kept entry holds them, so no id is reused meanwhile.
    key = tuple(
        (id(q), tuple((gate, answers.get(gate)) for gate in _gates(q))) for q, answers in asked
    )
    with _journeys_lock:
        kept = _journeys.get(key)
    if kept is None:
        kept = (tuple(q for q, _answers in asked), _journey_steps(asked))
        with _journeys_lock:
            _journeys[key] = kept
            while len(_journeys) > _KEPT:
                del _journeys[next(iter(_journeys))]  # the oldest
    return list(kept[1])


_KEPT = 2048
_journeys: dict[tuple, tuple[tuple[Questionnaire, ...], tuple[Step, ...]]] = {}
_journeys_lock = threading.Lock()
_gate_ids: dict[int, tuple[Questionnaire, tuple[str, ...]]] = {}


def _gates(questionnaire: Questionnaire) -> tuple[str, ...]:
    """The items whose answers open or close other items, found once per questionnaire."""
    kept = _gate_ids.get(id(questionnaire))
    if kept is None or kept[0] is not questionnaire:
        found = {c.item for item in questionnaire.iter_items() for c in item.enable_when}
        kept = (questionnaire, tuple(sorted(found)))
        with _journeys_lock:
            _gate_ids[id(questionnaire)] = kept
            while len(_gate_ids) > _KEPT:
                del _gate_ids[next(iter(_gate_ids))]
    return kept[1]


def _journey_steps(asked: list[tuple[Questionnaire, dict[str, str]]]) -> tuple[Step, ...]:
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
    return tuple(steps)


def first_unanswered(questionnaire: Questionnaire, answers: dict[str, str]) -> Item | None:
    return next((i for i in pages(questionnaire, answers) if i.id not in answers), None)


def save_answer(response: Response, item_id: str, value: str, seq: int | None = None) -> bool:
    """Upsert one answer of a response, and commit (see upsert_answer)."""
    # The id from the identity map: reading response.id would first reload an expired record.
    identity: tuple | None = inspect(response).identity
    assert identity is not None  # a stored response
    return upsert_answer(int(identity[0]), item_id, value, seq)


def upsert_answer(response_id: int, item_id: str, value: str, seq: int | None = None) -> bool:
    """Upsert one answer in one statement, and commit. With a sequence number, an older save
    never replaces a newer one. Returns False when the save was stale and ignored; raises
    WorkflowError when the questionnaire has been sent.

    The statement inserts only while the response is a draft, and on PostgreSQL it holds a
    share lock on the response row, so a save and the parent's "send" take turns (the send
    updates that row) while two saves of one response do not wait for each other. On SQLite
    every write transaction already runs alone (BEGIN IMMEDIATE)."""
    statement = _upsert_statement(db.session.get_bind().dialect.name, sequenced=seq is not None)
    row = db.session.execute(
        statement,
        {
            "response_id": response_id,
            "item_id": item_id,
            "value": value,
            "seq": seq or 0,
            "now": utcnow(),
            "draft": ResponseStatus.DRAFT.value,
        },
    ).first()
    if row is None:
        status = db.session.scalar(select(Response.status).where(Response.id == response_id))
        db.session.rollback()
        if status != ResponseStatus.DRAFT:
            raise WorkflowError("This questionnaire has been sent. Answers can no longer change.")
        return False
    db.session.commit()
    return True


@cache
def _upsert_statement(dialect: str, *, sequenced: bool):
    """INSERT ... SELECT (while the response is a draft) ... ON CONFLICT DO UPDATE (only when
    newer, if sequenced) RETURNING id. Built once per dialect and kind, since building a
    statement costs more than running it; the values are bound parameters."""
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    draft = (
        select(
            bindparam("response_id", type_=Integer),
            bindparam("item_id", type_=String),
            bindparam("value", type_=Text),
            bindparam("seq", type_=BigInteger),
            bindparam("now", type_=DateTime),
        )
        .where(Response.id == bindparam("response_id"), Response.status == bindparam("draft"))
        .with_for_update(read=True, of=Response)
    )
    answer = Answer.__table__
    upsert = insert(answer).from_select(
        ["response_id", "item_id", "value", "seq", "updated_at"], draft
    )
    incoming = upsert.excluded
    return upsert.on_conflict_do_update(
        index_elements=[answer.c.response_id, answer.c.item_id],
        set_={
            "value": incoming.value,
            "seq": incoming.seq if sequenced else answer.c.seq + 1,
            "updated_at": incoming.updated_at,
        },
        where=(answer.c.seq < incoming.seq) if sequenced else None,
    ).returning(answer.c.id)
