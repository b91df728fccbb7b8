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
    Result,
    Review,
    ReviewPathway,
    User,
    utcnow,
)
from webapp.storage.states import Decision, Finding, PathwayStatus, ReviewState


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


def areas_to_refer(results: list[Result]) -> list[str]:
    """The areas a decision offers a pathway for: those the newest results flagged, or, when
    none is flagged (a safety alert brought the case), every area."""
    flagged = [r.domain for r in results if r.flag_level != "none"]
    return list(dict.fromkeys(flagged)) or list(builtin_content().domains)


def record_review(
    case: Case, clinician: User, decision: str, pathways: dict[str, str], note: str
) -> Review:
    """A decision on a case. A referral names one pathway for each area it refers
    (``pathways``: area -> pathway); each is followed up, and gets its outcome, on its own."""
    content = builtin_content()
    chosen = {domain: pathway for domain, pathway in pathways.items() if pathway}
    if decision == Decision.REFER and not chosen:
        raise WorkflowError("Select an assessment pathway for at least one area")
    if any(d not in content.domains or p not in content.pathways for d, p in chosen.items()):
        raise WorkflowError("Select an assessment pathway from the list")
    if decision == Decision.REFER:
        for pathway in chosen.values():
            require_referral_consent(case, pathway)
    now = utcnow()
    review = Review(
        case=case,
        clinician_id=clinician.id,
        decision=decision,
        note=note.strip(),
        created_at=now,
    )
    if decision == Decision.REFER:
        review.pathways = [ReviewPathway(domain=d, pathway=p) for d, p in chosen.items()]
    db.session.add(review)
    case.review_state = (
        ReviewState.MORE_INFORMATION
        if decision == Decision.MORE_INFORMATION
        else ReviewState.REVIEWED
    )
    case.referred_at = now if decision == Decision.REFER else None
    referred = "".join(f" {p.domain}:{p.pathway}" for p in review.pathways)
    record_event("review.recorded", case_id=case.id, detail=decision + referred)
    db.session.commit()
    return review


def open_pathways(case: Case, domain: str) -> list[ReviewPathway]:
    """The case's referred pathways in ``domain`` still waiting for an outcome."""
    return [
        p
        for review in case.reviews
        for p in review.pathways
        if p.domain == domain and p.status == PathwayStatus.REFERRED
    ]


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
    # The outcome answers the pathways that referred this area; "still waiting" keeps them open.
    for pathway in open_pathways(case, domain):
        pathway.outcome = outcome
        if finding != Finding.AWAITING:
            pathway.status = PathwayStatus.OUTCOME_RECORDED
    record_event("outcome.recorded", case_id=case.id, detail=f"{domain}: {finding}")
    db.session.commit()
    return outcome
