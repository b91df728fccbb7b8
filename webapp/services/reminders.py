"""Reminders for a link the service sent and the parent has not finished, and the worker's
warning before it expires. Run by each pass of `flask send-messages`, so they follow the
clock of the sender (``now``). Several senders may run: each invitation is locked while its
reminders are counted, so none is queued twice.

A reminder carries the link anew, as a resend does: only a hash of the token is kept, and a
reminder without its link would not help. Answers saved so far stay with the link."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import exists, func, select

from webapp.extensions import db
from webapp.services.errors import WorkflowError
from webapp.services.invitations import renew_and_queue
from webapp.services.message_words import compose
from webapp.services.messages import deadline_words, link_fields
from webapp.services.tasks import add_task
from webapp.storage.clock import utcnow
from webapp.storage.locking import locked
from webapp.storage.records import Invitation, Message, WorkerTask
from webapp.storage.states import Channel, InvitationState, MessageKind, MessageStatus, TaskKind

SENT_LINKS = (MessageKind.LINK, MessageKind.RESEND)


@dataclass
class ReminderReport:
    reminders: int = 0
    warnings: int = 0


def quiet(now: datetime) -> bool:
    """Between QUIET_HOURS' start and end (8 pm to 8 am by default), where the parent is."""
    start, end = current_app.config["QUIET_HOURS"]
    zone = ZoneInfo(current_app.config["DISPLAY_TIMEZONE"])
    hour = now.replace(tzinfo=UTC).astimezone(zone).hour
    return hour >= start or hour < end if start > end else start <= hour < end


def reminders_due(invitation: Invitation, sent: int, now: datetime) -> bool:
    """Whether the next reminder (after ``sent`` of them) is due for this open link."""
    config = current_app.config
    days = config["REMINDER_DAYS"][: config["REMINDER_MAX"]]
    return sent < len(days) and now >= invitation.created_at + timedelta(days=days[sent])


def _open_sent_links(now: datetime) -> list[int]:
    """Open links that the service sent (a link or resend message) and the parent has not
    finished."""
    return list(
        db.session.scalars(
            select(Invitation.id).where(
                Invitation.submitted_at.is_(None),
                Invitation.revoked_at.is_(None),
                Invitation.expires_at > now,
                exists().where(
                    Message.invitation_id == Invitation.id, Message.kind.in_(SENT_LINKS)
                ),
            )
        )
    )


def _count(invitation: Invitation, kind: str) -> int:
    return db.session.execute(
        select(func.count())
        .select_from(Message)
        .where(Message.invitation_id == invitation.id, Message.kind == kind)
    ).scalar_one()


def _remind(invitation: Invitation, now: datetime) -> bool:
    if quiet(now) or not reminders_due(invitation, _count(invitation, MessageKind.REMINDER), now):
        return False
    try:
        _token, message = renew_and_queue(invitation, None, MessageKind.REMINDER)
    except WorkflowError:  # the parent's details were removed since: nothing to send to
        return False
    message.next_attempt_at = now
    return True


def _warn(invitation: Invitation, now: datetime) -> bool:
    warn_at = invitation.expires_at - timedelta(days=current_app.config["EXPIRY_WARNING_DAYS"])
    warned = db.session.scalar(
        select(
            exists().where(
                WorkerTask.invitation_id == invitation.id, WorkerTask.kind == TaskKind.LINK_EXPIRING
            )
        )
    )
    if now < warn_at or warned:
        return False
    deadline = deadline_words(invitation)
    task = add_task(
        invitation.case_id,
        TaskKind.LINK_EXPIRING,
        f"The parent's link closes on {deadline} and they have not sent their answers. "
        "Contact them, or send the link again.",
    )
    task.invitation_id = invitation.id
    worker = invitation.created_by or invitation.case.created_by
    if worker is not None and current_app.config.get("NOTIFY_API_KEY"):
        fields = link_fields(invitation, "", worker) | {"deadline": deadline}
        words = compose(MessageKind.EXPIRY_WARNING, Channel.EMAIL, fields)
        db.session.add(
            Message(
                case_id=invitation.case_id,
                invitation_id=invitation.id,
                kind=MessageKind.EXPIRY_WARNING,
                channel=Channel.EMAIL,
                recipient=worker.email,
                subject=words.subject,
                body=words.body,
                reference=secrets.token_hex(16),
                status=MessageStatus.QUEUED,
                next_attempt_at=now,
            )
        )
    return True


def queue_due_reminders(now: datetime | None = None) -> ReminderReport:
    """Queue every reminder and expiry warning due as of ``now``, one link at a time (in a
    request context: the links are made with url_for)."""
    now = now or utcnow()
    report = ReminderReport()
    for invitation_id in _open_sent_links(now):
        invitation = locked(db.session.get_one(Invitation, invitation_id))
        if (
            invitation.state(now) == InvitationState.OPEN
        ):  # it may have closed since the list was read
            report.reminders += _remind(invitation, now)
            report.warnings += _warn(invitation, now)
        db.session.commit()
    db.session.commit()
    return report
