"""Data protection: everything held about a parent (subject access), erasure of a mistaken
record, and retention with a legal hold. Every one of these writes an audit row; audit rows name
the case by number only, so they hold no personal data themselves."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import delete, select

from screening import builtin_content
from webapp.access.audit import record_event
from webapp.extensions import db
from webapp.services.consent import consents_of
from webapp.services.content_library import questionnaire_library
from webapp.services.safety import describe
from webapp.storage.records import (
    AuditEvent,
    Case,
    ContactLog,
    Invitation,
    Meeting,
    Message,
    PlanReviewAnswer,
    utcnow,
)


def _when(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def subject_record(case: Case) -> dict[str, Any]:
    """Everything the service holds about the parent of one case, as plain data."""
    library = questionnaire_library()
    return {
        "case": _case(case),
        "questionnaires": _questionnaires(case, library),
        "communication_plans": _communication_plans(case),
        "reviews": _reviews(case),
        "assessment_outcomes": _assessment_outcomes(case),
        "private_links": _private_links(case),
        "safety_alerts": _safety_alerts(case),
        "access_log": _access_log(case),
        "meetings": _meetings(case),
        "contact_log": _contact_log(case),
        "consents": _consents(case),
    }


def _case(case: Case) -> Any:
    return {
        "reference": case.reference,
        "parent_name": case.parent_name,
        "phone": case.phone,
        "email": case.email,
        "address": case.address,
        "preferred_contact": case.contact_method,
        "first_language": case.language,
        "opened": _when(case.created_at),
        "review_state": case.review_state,
        "legal_hold": case.legal_hold,
        "worker": case.assigned_to.name if case.assigned_to else None,
        "closed": _when(case.closed_at),
        "close_reason": case.close_reason,
        "close_note": case.close_note,
        "date_of_birth": case.date_of_birth.isoformat() if case.date_of_birth else None,
        "gp_practice": case.gp_practice,
        "nhs_number": case.nhs_number,
    }


def _questionnaires(case: Case, library) -> Any:
    return [
        {
            "questionnaire": f"{r.questionnaire_id}@{r.questionnaire_version}",
            "title": library.get(r.questionnaire_id, r.questionnaire_version).title,
            "mode": r.mode,
            "status": r.status,
            "started": _when(r.created_at),
            "sent": _when(r.submitted_at),
            "answers": [
                {
                    "question": library.get(r.questionnaire_id, r.questionnaire_version)
                    .item(a.item_id)
                    .prompt,
                    "answer": library.get(r.questionnaire_id, r.questionnaire_version)
                    .item(a.item_id)
                    .label_for(a.value),
                }
                for a in sorted(r.answers, key=lambda a: a.id)
            ],
            "results": [
                {
                    "domain": res.domain,
                    "band": res.band_label,
                    "points": res.points,
                    "headline": res.headline,
                    "reasons": res.reasons,
                    "scorecard": f"{res.scorecard_id}@{res.scorecard_version}",
                    "superseded": _when(res.superseded_at),
                }
                for res in r.results
            ],
        }
        for r in case.responses
    ]


def _communication_plans(case: Case) -> Any:
    review = builtin_content().review
    answers: dict[int, list[PlanReviewAnswer]] = {}
    for row in db.session.scalars(
        select(PlanReviewAnswer)
        .where(PlanReviewAnswer.case_id == case.id)
        .order_by(PlanReviewAnswer.id)
    ):
        answers.setdefault(row.plan_id, []).append(row)
    return [
        {
            "version": p.version,
            "status": p.status,
            "agreed": _when(p.agreed_at),
            "review_by": p.review_date.isoformat() if p.review_date else None,
            "adjustments": [
                {
                    "adjustment": i.adjustment_id,
                    "reasons": i.reasons,
                    "removed": i.removed,
                    "removed_reason": i.removed_reason,
                }
                for i in p.items
            ],
            # The parent's answers at this version's review: did each adjustment help?
            "review_answers": [
                {
                    "adjustment": a.adjustment_id,
                    "question": review.questions.get(a.adjustment_id),
                    "answer": review.answers.get(a.answer, a.answer),
                    "note": a.note,
                    "how": a.method,
                    "recorded": _when(a.recorded_at),
                }
                for a in answers.get(p.id, [])
            ],
        }
        for p in case.plans
    ]


def _reviews(case: Case) -> Any:
    return [
        {
            "decision": r.decision,
            "pathways": [
                {"domain": p.domain, "pathway": p.pathway, "status": p.status} for p in r.pathways
            ],
            "note": r.note,
            "when": _when(r.created_at),
        }
        for r in case.reviews
    ]


def _assessment_outcomes(case: Case) -> Any:
    return [
        {"domain": o.domain, "finding": o.finding, "note": o.note, "when": _when(o.recorded_at)}
        for o in case.outcomes
    ]


def _private_links(case: Case) -> Any:
    return [
        {
            "made": _when(i.created_at),
            "expires": _when(i.expires_at),
            "consent_given": _when(i.consent_at),
            "sent": _when(i.submitted_at),
            "closed_by_worker": _when(i.revoked_at),
        }
        for i in case.invitations
    ]


def _safety_alerts(case: Case) -> Any:
    return [
        {
            "raised": _when(a.raised_at),
            "questionnaire": a.questionnaire_key,
            "question": shown.question,
            "answer": shown.answer,
            "given": a.source,
            "escalated": _when(a.escalated_at),
            "checked": _when(a.acknowledged_at),
            "what_was_done": a.action_taken,
        }
        for a in case.safety_alerts
        for shown in [describe(a, utcnow())]
    ]


def _consents(case: Case) -> Any:
    return [
        {
            "to": c.kind,
            "pathway": c.pathway,
            "how": c.method,
            "recorded": _when(c.recorded_at),
            "recorded_by": c.recorded_by.name if c.recorded_by else None,
            "withdrawn": _when(c.withdrawn_at),
            "withdrawn_how": c.withdrawn_method,
            "withdrawn_recorded_by": c.withdrawn_by.name if c.withdrawn_by else None,
        }
        for c in consents_of(case)
    ]


def _access_log(case: Case) -> Any:
    access_log = db.session.scalars(
        select(AuditEvent).where(AuditEvent.case_id == case.id).order_by(AuditEvent.at)
    ).all()
    return [
        {"when": _when(e.at), "role": e.role, "action": e.action, "outcome": e.outcome}
        for e in access_log
    ]


def _meetings(case: Case) -> Any:
    meetings = db.session.scalars(
        select(Meeting).where(Meeting.case_id == case.id).order_by(Meeting.starts_at)
    )
    return [
        {
            "starts": _when(m.starts_at),
            "way": m.way,
            "place": m.place,
            "attendees": m.attendees,
            "purpose": m.purpose,
            "needs": m.needs,
        }
        for m in meetings
    ]


def _contact_log(case: Case) -> Any:
    contacts = db.session.scalars(
        select(ContactLog).where(ContactLog.case_id == case.id).order_by(ContactLog.at)
    )
    return [
        {
            "when": _when(c.at),
            "kind": c.kind,
            "channel": c.channel,
            "format": c.format,
            "followed_plan": c.followed_plan,
            "problems": c.problems,
            "reason": c.reason,
            "note": c.note,
        }
        for c in contacts
    ]


def erase_case(case: Case, reason: str) -> None:
    """Delete a mistaken record and everything under it. The audit trail keeps one row saying
    that case number N was erased, and why, without any personal data."""
    case_id = case.id
    db.session.delete(case)
    record_event("case.erased", case_id=case_id, detail=reason.strip()[:200])
    db.session.commit()


def retention_days() -> dict[str, int]:
    return dict(current_app.config["RETENTION_DAYS"])


def purge_expired(now: datetime | None = None, *, dry_run: bool = False) -> list[str]:
    """Delete what is past its retention period; cases on legal hold stay. One audit row per
    deletion. Returns a line for each deletion (or would-be deletion, for a dry run)."""
    now = now or utcnow()
    days = retention_days()
    done: list[str] = []
    old_cases = db.session.scalars(
        select(Case).where(
            Case.created_at < now - timedelta(days=days["case"]), Case.legal_hold.is_(False)
        )
    ).all()
    for case in old_cases:
        done.append(f"case {case.reference}")
        if not dry_run:
            db.session.delete(case)
            record_event(
                "retention.case_deleted", case_id=case.id, detail=f"older than {days['case']} days"
            )
    old_links = db.session.scalars(
        select(Invitation)
        .join(Case)
        .where(
            Invitation.expires_at < now - timedelta(days=days["invitation"]),
            Case.legal_hold.is_(False),
        )
    ).all()
    for invitation in old_links:
        if invitation.case in old_cases:
            continue
        done.append(f"private link {invitation.id}")
        if not dry_run:
            db.session.delete(invitation)
            record_event(
                "retention.link_deleted",
                case_id=invitation.case_id,
                detail=f"closed more than {days['invitation']} days ago",
            )
    # Messages about no case (staff set-up links) keep a link's retention, not a case's.
    link_cutoff = now - timedelta(days=days["invitation"])
    old_staff_messages = db.session.scalar(
        select(db.func.count(Message.id)).where(
            Message.case_id.is_(None), Message.created_at < link_cutoff
        )
    )
    if old_staff_messages:
        done.append(f"{old_staff_messages} staff messages")
        if not dry_run:
            db.session.execute(
                delete(Message).where(Message.case_id.is_(None), Message.created_at < link_cutoff)
            )
            record_event(
                "retention.staff_messages_deleted",
                detail=f"{old_staff_messages} older than {days['invitation']} days",
            )
    cutoff = now - timedelta(days=days["audit_event"])
    old_events = db.session.scalar(
        select(db.func.count(AuditEvent.id)).where(AuditEvent.at < cutoff)
    )
    if old_events:
        done.append(f"{old_events} audit events")
        if not dry_run:
            db.session.execute(delete(AuditEvent).where(AuditEvent.at < cutoff))
            record_event(
                "retention.audit_deleted",
                detail=f"{old_events} events older than {days['audit_event']} days",
            )
    if not dry_run:
        db.session.commit()
    return done
