"""Notify's delivery receipts (its callbacks): recorded on the message they are about, shown
on the case timeline; a text that failed gives the worker a task."""

from __future__ import annotations

from sqlalchemy import or_, select

from webapp.access.audit import record_event
from webapp.extensions import db
from webapp.services.tasks import add_task
from webapp.storage.clock import utcnow
from webapp.storage.records import Message
from webapp.storage.states import Channel, TaskKind

# Notify's documented delivery statuses.
DELIVERED = "delivered"
FAILURES = frozenset({"permanent-failure", "temporary-failure", "technical-failure"})
STATUSES = FAILURES | {DELIVERED}


class BadReceipt(ValueError):
    """A callback body that is not one of Notify's delivery receipts."""


def record_receipt(payload: object) -> bool:
    """Record a delivery receipt; False when it is about no message of ours."""
    if not isinstance(payload, dict):
        raise BadReceipt("Send a JSON object: a Notify delivery receipt.")
    status, notify_id, reference = (payload.get(k) for k in ("status", "id", "reference"))
    if status not in STATUSES:
        raise BadReceipt(f"status must be one of {', '.join(sorted(STATUSES))}.")
    if not isinstance(notify_id, str) or not notify_id:
        raise BadReceipt("id is required: Notify's id for the message.")
    conditions = [Message.notify_id == notify_id]
    if isinstance(reference, str) and reference:
        conditions.append(Message.reference == reference)
    message = db.session.scalar(select(Message).where(or_(*conditions)).limit(1))
    if message is None:
        return False
    first_failure = status in FAILURES and message.delivery_status not in FAILURES
    message.delivery_status = status
    message.delivered_at = utcnow()
    record_event("message.delivery", case_id=message.case_id, detail=f"{message.kind}: {status}")
    if first_failure and message.channel == Channel.SMS and message.case_id is not None:
        add_task(
            message.case_id,
            TaskKind.MESSAGE_FAILED,
            f"The text message ({message.kind}) did not reach the parent's phone ({status}). "
            "Check the number, or contact the parent another way.",
            message,
        )
    db.session.commit()
    return True
