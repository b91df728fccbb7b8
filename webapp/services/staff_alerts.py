"""Emails to staff about a safety alert, put in the outbox in the alert's own transaction: the
raised alert to the case's worker and the team's duty inbox (``Team.duty_email``), and an
escalation to the team's lead (``Team.lead``). Both are set with ``flask set-team``.

An alert email holds the case reference and the address of the case page, nothing else: the
question and the answer stay on the case page, behind the sign-in. With Notify not set up the
rows are kept "not sent by the service", like every other message; the banner on every staff
page still tells the team."""

from __future__ import annotations

import uuid

from flask import current_app

from webapp.access.audit import record_event
from webapp.extensions import db
from webapp.services.message_words import compose
from webapp.services.notify import notify_configured
from webapp.storage.clock import utcnow
from webapp.storage.records import Case, Message, SafetyAlert, User
from webapp.storage.states import Channel, MessageKind, MessageStatus


def case_page_link(case: Case) -> str:
    """The case page's full address. Made from the URL map, not url_for: escalations are
    queued by a cron command, outside any request."""
    path = current_app.url_map.bind("localhost").build("intake.case", {"case_id": case.id})
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def alert_worker_of(alert: SafetyAlert) -> User | None:
    """The case's worker: who sent the parent's link, else who opened the case."""
    response = alert.response
    invitation = response.invitation if response is not None else None
    worker = (invitation.created_by if invitation is not None else None) or alert.case.created_by
    return worker if worker is not None and worker.active else None


def queue_staff_email(case: Case, kind: str, addresses: list[str]) -> list[Message]:
    """One email of ``kind`` to each address, once each (the caller commits)."""
    fields = {
        "service_name": current_app.config["SERVICE_NAME"],
        "case_reference": case.reference,
        "case_link": case_page_link(case),
    }
    words = compose(kind, Channel.EMAIL, fields)
    status = MessageStatus.QUEUED if notify_configured() else MessageStatus.TO_COPY
    queued = []
    for address in dict.fromkeys(a.strip().lower() for a in addresses if a and a.strip()):
        message = Message(
            case_id=case.id,
            kind=kind,
            channel=Channel.EMAIL,
            recipient=address,
            subject=words.subject,
            body=words.body,
            reference=str(uuid.uuid4()),
            status=status,
            next_attempt_at=utcnow(),
        )
        db.session.add(message)
        queued.append(message)
    db.session.flush()
    record_event(
        "message.queued",
        case_id=case.id,
        outcome="ok" if queued else "no_recipient",
        detail=f"{kind} by email to {len(queued)}: {status}",
    )
    return queued


def queue_alert_emails(alert: SafetyAlert) -> list[Message]:
    """The case's worker and the team's duty inbox, at once."""
    worker = alert_worker_of(alert)
    addresses = [worker.email if worker else "", alert.case.team.duty_email or ""]
    return queue_staff_email(alert.case, MessageKind.SAFETY_ALERT, addresses)


def queue_escalation_email(alert: SafetyAlert) -> list[Message]:
    """The team's lead, when the team has one."""
    lead = alert.case.team.lead
    addresses = [lead.email] if lead is not None and lead.active else []
    return queue_staff_email(alert.case, MessageKind.SAFETY_ESCALATION, addresses)
