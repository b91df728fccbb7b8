"""The sender: takes what is due from the outbox, one message at a time, and sends it
through Notify. Several senders may run at once.

A sender claims a message in a short transaction of its own (FOR UPDATE SKIP LOCKED on
PostgreSQL, so two senders never take the same row; SQLite has one writer at a time) and
commits the claim before it sends, so no lock is held while Notify answers. The claim lasts
MESSAGE_CLAIM_SECONDS. A sender that stopped between sending and recording leaves a claim that
runs out; the next sender to take that message first asks Notify for its reference, and
records what Notify has instead of sending it again."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from webapp.access.audit import record_event
from webapp.extensions import db
from webapp.services import notify
from webapp.services.notify import Outgoing, PermanentFailure, TemporaryFailure
from webapp.services.staff_invitations import LINK_REMOVED
from webapp.services.tasks import add_task
from webapp.storage.clock import utcnow
from webapp.storage.records import Invitation, Message
from webapp.storage.states import InvitationState, MessageKind, MessageStatus, TaskKind

DUE = (MessageStatus.QUEUED, MessageStatus.SENDING)
# Messages only worth sending while their link is open and unfinished.
# Messages that only make sense while their link is open: a link or resend queued (or held
# for a call) before the worker revoked the link, or before it expired, must not go out.
WHILE_OPEN = (
    MessageKind.LINK,
    MessageKind.RESEND,
    MessageKind.REMINDER,
    MessageKind.EXPIRY_WARNING,
)
# Messages to staff, not the parent: a failure is told to whoever reads the case.
STAFF_KINDS = (MessageKind.SAFETY_ALERT, MessageKind.SAFETY_ESCALATION)
# Messages whose body opens an account: emptied once sent or given up, so no working link stays.
HOLDS_A_LINK = (MessageKind.STAFF_INVITE,)


@dataclass(frozen=True)
class Claim:
    """A message this sender has claimed, and what sending it needs."""

    message_id: int
    attempt: int
    outgoing: Outgoing


@dataclass
class SendReport:
    sent: int = 0
    found_already_sent: int = 0
    retrying: int = 0
    failed: int = 0
    results: list[str] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return self.sent + self.found_already_sent + self.retrying + self.failed


def backoff(attempt: int) -> timedelta:
    """The wait after a temporary failure of this attempt: doubling each time."""
    base = current_app.config["MESSAGE_RETRY_SECONDS"]
    return timedelta(seconds=base * 2 ** (attempt - 1))


def no_longer_wanted(message: Message, now: datetime) -> str | None:
    """Why a link, resend, reminder or expiry warning queued earlier must not go now: its
    link's state (submitted, revoked or expired), or None when it is still open and
    unfinished."""
    if message.kind not in WHILE_OPEN or message.invitation_id is None:
        return None
    invitation = db.session.get(Invitation, message.invitation_id)
    state = invitation.state(now) if invitation is not None else InvitationState.REVOKED
    return None if state == InvitationState.OPEN else state


def claim_next(now: datetime | None = None) -> Claim | None:
    """Claim the next due message (committed), or None when nothing is due. A message whose
    link has closed since it was queued is withdrawn here, at send time, and never sent."""
    now = now or utcnow()
    while True:
        message = db.session.scalar(
            select(Message)
            .where(Message.status.in_(DUE), Message.next_attempt_at <= now)
            .order_by(Message.next_attempt_at, Message.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if message is None:
            db.session.rollback()
            return None
        reason = no_longer_wanted(message, now)
        if reason is None:
            break
        message.status = MessageStatus.WITHDRAWN
        message.last_error = f"Not sent: the link was {reason} first."
        record_event(
            "message.withdrawn", case_id=message.case_id, detail=f"{message.kind}: {reason}"
        )
        db.session.commit()
    message.status = MessageStatus.SENDING
    message.attempts += 1
    message.next_attempt_at = now + timedelta(seconds=current_app.config["MESSAGE_CLAIM_SECONDS"])
    claim = Claim(
        message.id,
        message.attempts,
        Outgoing(
            channel=message.channel,
            recipient=message.recipient,
            subject=message.subject or "",
            body=message.body,
            reference=message.reference,
        ),
    )
    db.session.commit()
    return claim


def deliver(claim: Claim, now: datetime | None = None) -> str:
    """Send a claimed message (unless Notify already has it) and record what happened."""
    now = now or utcnow()
    try:
        notify_id = (
            notify.sent_with_reference(claim.outgoing.reference) if claim.attempt > 1 else None
        )
        found = notify_id is not None
        if not found:
            notify_id = notify.send(claim.outgoing)
    except TemporaryFailure as failure:
        return _retry_or_give_up(claim, str(failure), now)
    except PermanentFailure as failure:
        return _give_up(claim, str(failure))
    message = db.session.get_one(Message, claim.message_id)
    message.status = MessageStatus.SENT
    message.notify_id = notify_id
    message.sent_at = now
    message.last_error = None
    _forget_link(message)
    record_event(
        "message.sent",
        case_id=message.case_id,
        detail=f"{message.kind} by {message.channel}" + (" (found at Notify)" if found else ""),
    )
    db.session.commit()
    return "found" if found else "sent"


def _retry_or_give_up(claim: Claim, error: str, now: datetime) -> str:
    if claim.attempt >= current_app.config["MESSAGE_MAX_ATTEMPTS"]:
        return _give_up(claim, f"{error} (after {claim.attempt} tries)")
    message = db.session.get_one(Message, claim.message_id)
    message.status = MessageStatus.QUEUED
    message.next_attempt_at = now + backoff(claim.attempt)
    message.last_error = error
    db.session.commit()
    return "retrying"


def _give_up(claim: Claim, error: str) -> str:
    message = db.session.get_one(Message, claim.message_id)
    message.status = MessageStatus.FAILED
    message.last_error = error
    _forget_link(message)
    # A message about no case (a set-up link) has no worker to tell: its account page shows it.
    if message.case_id is not None:
        add_task(
            message.case_id,
            TaskKind.MESSAGE_FAILED,
            f"The {message.kind} message by {message.channel} could not be sent: {error}. "
            + (
                f"Tell {message.recipient} another way."
                if message.kind in STAFF_KINDS
                else "Contact the parent another way."
            ),
            message,
        )
    record_event("message.failed", case_id=message.case_id, outcome="failed", detail=error)
    db.session.commit()
    return "failed"


def _forget_link(message: Message) -> None:
    if message.kind in HOLDS_A_LINK:
        message.body = LINK_REMOVED


def send_due(now: datetime | None = None) -> SendReport:
    """Send everything due as of ``now``, then return (for cron, tests and the loop)."""
    report = SendReport()
    # A claimed or retried message is due again only later than now, so this loop ends.
    while (claim := claim_next(now)) is not None:
        result = deliver(claim, now)
        report.results.append(result)
        if result == "sent":
            report.sent += 1
        elif result == "found":
            report.found_already_sent += 1
        elif result == "retrying":
            report.retrying += 1
        else:
            report.failed += 1
    return report
