"""Everything that happened to a case, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from screening import (
    builtin_content,
)
from webapp.extensions import db
from webapp.services.consent import CONSENT_METHODS, CONSENT_WORDS, consents_of
from webapp.services.delivery import DELIVERED
from webapp.services.messages import case_messages
from webapp.services.plan_review_answers import ANSWERS_RECORDED, review_words
from webapp.services.questions import questionnaire_for
from webapp.services.safety import describe
from webapp.storage.records import (
    AuditEvent,
    Case,
    User,
    utcnow,
)
from webapp.storage.states import AlertSource, MessageStatus


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str
    text: str


def timeline(case: Case) -> list[TimelineEntry]:
    """Everything that happened to a case, newest first."""
    content = builtin_content()
    entries = [TimelineEntry(case.created_at, "case", "Referral opened")]
    for response in case.responses:
        title = questionnaire_for(response).title
        how = {
            "with-worker": "with the parent",
            "self": "by the parent through a link",
            "paper": "from a paper copy",
        }[response.mode]
        entries.append(TimelineEntry(response.created_at, "screening", f"{title} started {how}"))
        if response.submitted_at:
            entries.append(
                TimelineEntry(
                    response.submitted_at,
                    "screening",
                    # Only a parent sends answers; a worker records them.
                    f"{title} answers {'sent' if response.mode == 'self' else 'recorded'}"
                    " and scored",
                )
            )
    for invitation in case.invitations:
        entries.append(TimelineEntry(invitation.created_at, "link", "Private link made"))
    for plan in case.plans:
        entries.append(
            TimelineEntry(plan.created_at, "plan", f"Plan version {plan.version} proposed")
        )
        if plan.agreed_at:
            entries.append(
                TimelineEntry(plan.agreed_at, "plan", f"Plan version {plan.version} agreed")
            )
    decisions = {
        "refer": "Referred for a formal assessment",
        "no_further_action": "No further action",
        "more_information": "Clinician asked for more information",
    }
    for review in case.reviews:
        names = [content.pathways[p.pathway].name for p in review.pathways]
        pathway = f" ({', '.join(names)})" if names else ""
        entries.append(
            TimelineEntry(review.created_at, "review", decisions[review.decision] + pathway)
        )
    findings = {
        "confirmed": "confirmed",
        "not_confirmed": "not confirmed",
        "declined": "declined by the parent",
        "did_not_attend": "did not attend",
        "awaiting": "awaiting assessment",
    }
    for outcome in case.outcomes:
        entries.append(
            TimelineEntry(
                outcome.recorded_at,
                "outcome",
                f"Assessment outcome, {content.domains[outcome.domain].name}:"
                f" {findings[outcome.finding]}",
            )
        )
    for alert in case.safety_alerts:
        entries.extend(safety_timeline(alert))
    for message in case_messages(case):
        entries.extend(message_timeline(message))
    entries.extend(contact_changes(case))
    entries.extend(lifecycle_timeline(case))
    entries.extend(consent_timeline(case))
    return sorted(entries, key=lambda e: e.at, reverse=True)


LIFECYCLE_WORDS = {
    "case.transferred": "Transferred",
    "case.closed": "Referral closed",
    "case.reopened": "Referral reopened",
}


def lifecycle_timeline(case: Case) -> list[TimelineEntry]:
    """Transfers, closing and reopening, and each save of the parent's answers at a plan
    review, read from the audit trail (one query for both)."""
    events = db.session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.case_id == case.id,
            AuditEvent.action.in_([*LIFECYCLE_WORDS, ANSWERS_RECORDED]),
        )
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    return [
        TimelineEntry(e.at, "plan", review_words(e.detail or ""))
        if e.action == ANSWERS_RECORDED
        else TimelineEntry(e.at, "lifecycle", LIFECYCLE_WORDS[e.action])
        for e in events
    ]


def consent_timeline(case: Case) -> list[TimelineEntry]:
    """Each consent given and withdrawn: to what, how, and who recorded it."""
    pathways = builtin_content().pathways
    entries = []
    for consent in consents_of(case):
        what = CONSENT_WORDS[consent.kind]
        if consent.pathway:
            pathway = pathways.get(consent.pathway)
            what += f" to {pathway.name if pathway else consent.pathway}"
        by = f", recorded by {consent.recorded_by.name}" if consent.recorded_by else ""
        entries.append(
            TimelineEntry(
                consent.recorded_at,
                "consent",
                f"Consent given: {what}, {CONSENT_METHODS[consent.method]}{by}",
            )
        )
        if consent.withdrawn_at and consent.withdrawn_method:
            by = f", recorded by {consent.withdrawn_by.name}" if consent.withdrawn_by else ""
            entries.append(
                TimelineEntry(
                    consent.withdrawn_at,
                    "consent",
                    f"Consent withdrawn: {what}, {CONSENT_METHODS[consent.withdrawn_method]}{by}",
                )
            )
    return entries


CHANNEL_NAMES = {"sms": "Text message", "email": "Email", "letter": "Letter"}


def message_timeline(message) -> list[TimelineEntry]:
    """A message to the parent: sent (or failed) and what Notify's receipt said."""
    what = f"{CHANNEL_NAMES[message.channel]} ({message.kind.replace('_', ' ')})"
    entries = []
    if message.sent_at:
        entries.append(TimelineEntry(message.sent_at, "message", f"{what} sent"))
    elif message.status == MessageStatus.FAILED:
        entries.append(TimelineEntry(message.created_at, "message", f"{what} could not be sent"))
    elif message.status == MessageStatus.WITHDRAWN:
        entries.append(
            TimelineEntry(
                message.created_at,
                "message",
                f"{what} not sent: {(message.last_error or '').removeprefix('Not sent: ')}",
            )
        )
    if message.delivered_at and message.delivery_status:
        status = message.delivery_status
        text = f"{what} delivered" if status == DELIVERED else f"{what} failed: {status}"
        entries.append(TimelineEntry(message.delivered_at, "message", text))
    return entries


def contact_changes(case: Case) -> list[TimelineEntry]:
    """Each change of the parent's contact details, from its audit row: which details
    changed and who changed them, never the details themselves (the row holds only names)."""
    rows = db.session.execute(
        select(AuditEvent.at, AuditEvent.detail, User.name)
        .outerjoin(User, User.id == AuditEvent.user_id)
        .where(
            AuditEvent.case_id == case.id,
            AuditEvent.action == "case.contact_changed",
            AuditEvent.outcome == "ok",
        )
    )
    return [
        TimelineEntry(
            at, "contact", f"Contact details changed ({detail})" + (f" by {name}" if name else "")
        )
        for at, detail, name in rows
    ]


def safety_timeline(alert) -> list[TimelineEntry]:
    """A safety alert in a case's timeline: raised, escalated (once recorded), checked."""
    shown = describe(alert, utcnow())
    how = (
        "through the parent's link" if alert.source == AlertSource.PARENT_LINK else "in a screening"
    )
    entries = [
        TimelineEntry(alert.raised_at, "safety", f"Safety alert raised {how}: {shown.question}")
    ]
    if alert.escalated_at:
        to = alert.escalated_to.name if alert.escalated_to else "nobody (the team has no lead)"
        entries.append(
            TimelineEntry(alert.escalated_at, "safety", f"Safety alert escalated to {to}")
        )
    if alert.acknowledged_at:
        by = alert.acknowledged_by.name if alert.acknowledged_by else "a former worker"
        entries.append(
            TimelineEntry(
                alert.acknowledged_at,
                "safety",
                f"Safety check recorded by {by}: {alert.action_taken}",
            )
        )
    return entries
