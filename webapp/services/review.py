"""Clinician review: the queue, referred cases, decisions and assessment outcomes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from screening import (
    builtin_content,
)
from webapp.access.audit import record_event
from webapp.extensions import db
from webapp.services.consent import require_referral_consent
from webapp.services.errors import WorkflowError
from webapp.storage.records import (
    Case,
    Outcome,
    Review,
    User,
    utcnow,
)
from webapp.storage.states import Decision, Finding, ReviewState


def request_review(case: Case, at: datetime | None = None) -> None:
    """Put a case in its team's review queue (the one rule, for a likely flag, a safety
    answer and a rescore). A case already waiting keeps its place: its time stays."""
    if case.review_state != ReviewState.AWAITING:
        case.review_state = ReviewState.AWAITING
        case.review_requested_at = at or utcnow()


@dataclass(frozen=True)
class Queue:
    cases: list[Case]
    waiting: int
    alerts: int


def review_queue(team_id: int, *, limit: int = 50, offset: int = 0) -> Queue:
    """Flagged cases waiting for a clinician: critical alerts first, then longest waiting.
    One page of them, with the counts for the whole queue."""
    waiting, alerts = db.session.execute(
        select(func.count(Case.id), func.count(Case.id).filter(Case.critical_alert)).where(
            Case.team_id == team_id,
            Case.review_state == ReviewState.AWAITING,
            Case.closed_at.is_(None),  # a closed case leaves the queue
        )
    ).one()

    # Alerts first, then the rest, each read in index order (no sort of the whole queue).
    def part(critical: bool, skip: int, take: int) -> list[Case]:
        if take <= 0:
            return []
        return list(
            db.session.scalars(
                select(Case)
                .where(
                    Case.team_id == team_id,
                    Case.review_state == ReviewState.AWAITING,
                    Case.closed_at.is_(None),
                    Case.critical_alert.is_(critical),
                )
                .order_by(Case.review_requested_at.asc(), Case.id)
                .offset(skip)
                .limit(take)
                .options(selectinload(Case.open_safety_alerts))  # when each was raised
            )
        )

    cases = part(True, offset, min(limit, alerts - offset))
    cases += part(False, max(0, offset - alerts), limit - len(cases))
    return Queue(cases, waiting, alerts)


def referred_cases(team_id: int, *, limit: int = 50) -> list[Case]:
    """Cases whose latest decision was a referral: they wait for assessment outcomes
    (the longest waiting first; one page)."""
    return list(
        db.session.scalars(
            select(Case)
            .where(
                Case.team_id == team_id,
                Case.referred_at.is_not(None),
                Case.closed_at.is_(None),
            )
            .order_by(Case.referred_at.asc(), Case.id)
            .limit(limit)
            .options(selectinload(Case.outcomes))
        )
    )


def record_review(
    case: Case, clinician: User, decision: str, pathway: str | None, note: str
) -> Review:
    if decision == Decision.REFER and pathway not in builtin_content().pathways:
        raise WorkflowError("Select the assessment pathway for the referral")
    if decision == Decision.REFER:
        require_referral_consent(case, pathway)
    now = utcnow()
    review = Review(
        case=case,
        clinician_id=clinician.id,
        decision=decision,
        pathway=pathway if decision == Decision.REFER else None,
        note=note.strip(),
        created_at=now,
    )
    db.session.add(review)
    case.review_state = (
        ReviewState.MORE_INFORMATION
        if decision == Decision.MORE_INFORMATION
        else ReviewState.REVIEWED
    )
    case.referred_at = now if decision == Decision.REFER else None
    record_event("review.recorded", case_id=case.id, detail=decision)
    db.session.commit()
    return review


def record_outcome(
    case: Case, clinician: User, domain: str, finding: str, note: str | None
) -> Outcome:
    """What a formal assessment found: the labels the scorecards learn from."""
    if domain not in builtin_content().domains or finding not in set(Finding):
        raise WorkflowError("Select the domain and what the assessment found")
    outcome = Outcome(
        case=case,
        domain=domain,
        finding=finding,
        note=(note or "").strip() or None,
        recorded_by_id=clinician.id,
    )
    db.session.add(outcome)
    record_event("outcome.recorded", case_id=case.id, detail=f"{domain}: {finding}")
    db.session.commit()
    return outcome
