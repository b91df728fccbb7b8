"""Meetings with the parent: booking one turns the plan's adjustments into actions
(screening/content/adjustment_actions.yaml): reminders in the outbox at the times the
adjustments name, tasks with due dates for what a person must do, what the room and the meeting
need, and the invitation in the plan's format, held for a call when the plan says phone first."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from screening import builtin_content
from screening.actions import MeetingActions, Reminder, meeting_actions, when_words
from webapp.access.audit import record_event
from webapp.extensions import db
from webapp.services.contacts import (
    SERVICE_FORMAT,
    PlanNotFollowed,
    log_contact,
    log_service_message,
    service_message_problems,
)
from webapp.services.errors import WorkflowError
from webapp.services.message_words import compose, meeting_place_words
from webapp.services.messages import choose_channel, recipient_on
from webapp.services.notify import notify_configured
from webapp.services.plans import parent_contact
from webapp.services.tasks import add_task
from webapp.storage.clock import utcnow
from webapp.storage.records import Case, Meeting, Message, User, WorkerTask
from webapp.storage.states import Channel, MessageKind, MessageStatus, TaskKind

WAY_LABELS = {"in_person": "In person", "phone": "Phone call", "video": "Video call"}
FORMAT_LABELS = {
    "easy_read": "Easy read",
    "large_print": "Large print",
    "standard": "Standard",
}
CHANNEL_WORDS: dict[str, str] = {
    Channel.SMS: "a text message",
    Channel.EMAIL: "an email",
    Channel.LETTER: "a letter",
}


@dataclass(frozen=True)
class MeetingDetails:
    day: date
    at: time  # local time, in DISPLAY_TIMEZONE
    way: str
    place: str
    attendees: str
    purpose: str


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["DISPLAY_TIMEZONE"])


def to_utc(local: datetime) -> datetime:
    return local.replace(tzinfo=_zone()).astimezone(UTC).replace(tzinfo=None)


def to_local(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC).astimezone(_zone()).replace(tzinfo=None)


def local_today() -> date:
    return to_local(utcnow()).date()


def plan_adjustments(case: Case) -> list[str]:
    """The adjustments in force: the agreed plan's, else the draft's (a plan is proposed as
    soon as the parent's needs are known, and a meeting should not wait for the agreement)."""
    plan = case.agreed_plan or case.draft_plan
    return [item.adjustment_id for item in plan.active_items] if plan is not None else []


def book_meeting(
    case: Case, user: User, details: MeetingDetails, reason: str | None = None
) -> Meeting:
    """Book the meeting and everything the plan asks for it, in one transaction. An
    invitation that would depart from the plan (its channel, format or order) raises
    PlanNotFollowed unless the worker gives a reason to go ahead."""
    starts_local = datetime.combine(details.day, details.at)
    now_local = to_local(utcnow())
    if starts_local <= now_local:
        raise WorkflowError("The meeting must be in the future")
    plan = case.agreed_plan or case.draft_plan
    actions = meeting_actions(
        plan_adjustments(case), builtin_content().actions, starts_local, now_local, case.language
    )
    channel, _recipient = choose_channel(case)
    held = channel == Channel.LETTER and actions.phone_first
    problems = service_message_problems(case, channel, MessageKind.MEETING_INVITATION, held)
    if problems and not (reason or "").strip():
        raise PlanNotFollowed(problems)
    meeting = Meeting(
        case_id=case.id,
        starts_at=to_utc(starts_local),
        way=details.way,
        place=details.place.strip(),
        attendees=details.attendees.strip(),
        purpose=details.purpose.strip(),
        needs=actions.needs,
        invitation_format=actions.invitation_format,
        plan_id=plan.id if plan is not None else None,
        created_by_id=user.id,
    )
    db.session.add(meeting)
    db.session.flush()
    invitation = _queue_invitation(case, meeting, user, actions)
    log_contact(
        case,
        kind=invitation.kind,
        channel=invitation.channel,
        format=SERVICE_FORMAT,
        via_service=True,
        user=user,
        reason=reason,
        message=invitation,
        meeting=meeting,
        problems=problems,
    )
    for reminder in actions.reminders:
        _queue_reminder(case, meeting, user, reminder)
    for task in actions.tasks:
        _meeting_task(meeting, task.kind, task.text, task.due_on, task.adjustment_id)
    record_event(
        "meeting.booked",
        case_id=case.id,
        detail=f"meeting {meeting.id}: {len(actions.reminders)} reminder(s), "
        f"{len(actions.tasks)} task(s)",
    )
    db.session.commit()
    return meeting


def _meeting_task(
    meeting: Meeting, kind: str, text: str, due_on: date, adjustment_id: str | None
) -> WorkerTask:
    task = add_task(meeting.case_id, kind, text)
    task.due_on = due_on
    task.meeting_id = meeting.id
    task.adjustment_id = adjustment_id
    return task


def _fields(case: Case, meeting: Meeting, user: User) -> dict[str, str]:
    contact = parent_contact(case)
    return {
        "worker_name": user.name or contact.worker or "your social worker",
        "team_name": contact.team or current_app.config["ORGANISATION_NAME"],
        "team_phone": contact.phone or current_app.config["ORGANISATION_PHONE"] or "",
        "meeting_when": when_words(to_local(meeting.starts_at)),
        "meeting_place": meeting_place_words(meeting.way, meeting.place),
    }


def _message(
    case: Case, meeting: Meeting, user: User, kind: str, channel: str, recipient: str
) -> Message:
    words = compose(kind, channel, _fields(case, meeting, user))
    message = Message(
        case_id=case.id,
        meeting_id=meeting.id,
        kind=kind,
        channel=channel,
        recipient=recipient,
        subject=words.subject,
        body=words.body,
        reference=str(uuid.uuid4()),
        created_by_id=user.id,
    )
    db.session.add(message)
    return message


def _queue_invitation(case: Case, meeting: Meeting, user: User, actions: MeetingActions) -> Message:
    """The invitation goes at once, by the parent's channel; a letter waits for the worker's
    call when the plan says phone first (released with the other held letters)."""
    channel, recipient = choose_channel(case)
    message = _message(case, meeting, user, MessageKind.MEETING_INVITATION, channel, recipient)
    if not notify_configured():
        message.status = MessageStatus.TO_COPY
    elif channel == Channel.LETTER and actions.phone_first:
        message.status = MessageStatus.HELD
    else:
        message.status = MessageStatus.QUEUED
    message.next_attempt_at = utcnow()
    record_event(
        "message.queued",
        case_id=case.id,
        detail=f"{MessageKind.MEETING_INVITATION} by {channel}: {message.status}",
    )
    db.session.flush()
    return message


def _queue_reminder(case: Case, meeting: Meeting, user: User, reminder: Reminder) -> None:
    """In the outbox, due at the named time; when the service cannot send it (Notify not set
    up, or no number for that channel) the worker has a task to do it by hand that day."""
    recipient = recipient_on(case, reminder.channel)
    if notify_configured() and recipient:
        message = _message(
            case, meeting, user, MessageKind.MEETING_REMINDER, reminder.channel, recipient
        )
        message.status = MessageStatus.QUEUED
        message.next_attempt_at = to_utc(reminder.send_at)
        db.session.flush()
        log_service_message(case, message, user)
        return
    when = when_words(reminder.send_at)
    text = (
        f"Send the parent {CHANNEL_WORDS[reminder.channel]} reminding them of the meeting on "
        f"{when_words(to_local(meeting.starts_at))}, on {when}. The service cannot send it."
    )
    _meeting_task(
        meeting, TaskKind.MEETING_REMINDER, text, reminder.send_at.date(), reminder.adjustment_id
    )


def case_meetings(case: Case) -> list[Meeting]:
    return list(
        db.session.scalars(
            select(Meeting).where(Meeting.case_id == case.id).order_by(Meeting.starts_at)
        )
    )


def meeting_of_case(case: Case, meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.case_id != case.id:
        raise LookupError(meeting_id)
    return meeting


def meeting_messages(meeting: Meeting) -> list[Message]:
    return list(
        db.session.scalars(
            select(Message)
            .where(Message.meeting_id == meeting.id)
            .order_by(Message.next_attempt_at, Message.id)
        )
    )


def meeting_tasks(meeting: Meeting) -> list[WorkerTask]:
    return list(
        db.session.scalars(
            select(WorkerTask)
            .where(WorkerTask.meeting_id == meeting.id)
            .order_by(WorkerTask.due_on, WorkerTask.id)
        )
    )
