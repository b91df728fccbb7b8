"""Submitting a response: score the answers, store the results, queue the case, propose a plan."""

from __future__ import annotations

from screening import (
    Screening,
    highest_level,
    score_response,
)
from webapp.access.audit import record_event
from webapp.extensions import db
from webapp.services.content_library import service_scorecards
from webapp.services.errors import WorkflowError
from webapp.services.plans import propose_new_plan
from webapp.services.questions import questionnaire_for
from webapp.services.results import case_flag_level, result_row
from webapp.services.review import request_review
from webapp.services.safety import raise_alert
from webapp.storage.locking import locked
from webapp.storage.records import (
    Response,
    User,
    utcnow,
)
from webapp.storage.states import ResponseStatus


def submit_response(response: Response, user: User | None) -> Screening:
    """Score the answers, store one result per domain, update the review queue, propose a plan.
    Submitting twice does nothing the second time."""
    response = locked(response)
    if response.status == ResponseStatus.SUBMITTED:
        raise WorkflowError("This questionnaire has already been sent.")
    questionnaire = questionnaire_for(response)
    screening = score_response(questionnaire, response.answer_map, service_scorecards())
    response.status = ResponseStatus.SUBMITTED
    response.submitted_at = utcnow()
    for result, flag in zip(screening.results, screening.flags, strict=True):
        db.session.add(result_row(response, questionnaire, result, flag))
    case = response.case
    db.session.flush()
    case.flag_level = case_flag_level(case)
    for alert in screening.alerts:  # already raised when the answer was saved: nothing new
        raise_alert(response, alert.item, alert.answer)
    if screening.alerts or highest_level(list(screening.flags)) == "likely":
        request_review(case)
    db.session.flush()
    propose_new_plan(case)
    record_event("screening.submitted", case_id=case.id, detail=questionnaire.key)
    db.session.commit()
    return screening
