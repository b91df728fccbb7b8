"""Messages to parents, put in the outbox in the caller's transaction: which channel (the
parent's preferred method first; no mobile number means email, then letter), held letters
(a plan that says phone first), and the words. `services/outbox.py` sends them."""

from __future__ import annotations

import re
import uuid
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from screening.content import builtin_content
from webapp.access.audit import record_event
from webapp.extensions import db
from webapp.services.contacts import (
    PlanNotFollowed,
    log_phone_call,
    log_service_message,
    service_message_problems,
)
from webapp.services.errors import WorkflowError
from webapp.services.message_words import Words, compose
from webapp.services.notify import notify_configured
from webapp.services.plans import parent_contact
from webapp.storage.clock import utcnow
from webapp.storage.records import Case, Invitation, Message, Plan, User
from webapp.storage.states import Channel, ContactMethod, MessageKind, MessageStatus

# After the parent's preferred method, the order to try: a text, then email, then a letter.
FALLBACK = (Channel.SMS, Channel.EMAIL, Channel.LETTER)
PREFERRED = {
    ContactMethod.TEXT: Channel.SMS,
    ContactMethod.PHONE: Channel.SMS,  # Notify cannot phone: a text is the nearest
    ContactMethod.EMAIL: Channel.EMAIL,
    ContactMethod.LETTER: Channel.LETTER,
}
PHONE_BEFORE_LETTERS = "phone-before-letters"
UK_MOBILE = re.compile(r"(?:0|\+?44)7\d{9}")


def uk_mobile(phone: str | None) -> str | None:
    """The number as Notify takes it, when it is a UK mobile (a landline cannot get texts)."""
    digits = re.sub(r"[\s()\-.]", "", phone or "")
    return digits if UK_MOBILE.fullmatch(digits) else None


def recipient_on(case: Case, channel: str) -> str | None:
    if channel == Channel.SMS:
        return uk_mobile(case.phone)
    if channel == Channel.EMAIL:
        return (case.email or "").strip() or None
    address = (case.address or "").strip()
    return f"{case.parent_name}\n{address}" if address else None


def choose_channel(case: Case) -> tuple[str, str]:
    """The channel and recipient for this parent: their preferred method when we can reach
    them by it, else a text, email or letter, in that order."""
    first = PREFERRED.get(ContactMethod(case.contact_method), Channel.SMS)
    for channel in (first, *[c for c in FALLBACK if c != first]):
        recipient = recipient_on(case, channel)
        if recipient:
            return channel, recipient
    raise WorkflowError(
        "There is no mobile number, email address or postal address for this parent. "
        "Add one to the referral, or copy the link and give it to them."
    )


def letters_wait_for_a_call(case: Case) -> bool:
    plan = case.agreed_plan or case.draft_plan
    return plan is not None and any(
        item.adjustment_id == PHONE_BEFORE_LETTERS for item in plan.active_items
    )


def deadline_words(invitation: Invitation) -> str:
    zone = ZoneInfo(current_app.config["DISPLAY_TIMEZONE"])
    moment = invitation.expires_at.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone)
    return moment.strftime("%A %-d %B")


def link_fields(invitation: Invitation, link: str, user: User | None) -> dict[str, str]:
    contact = parent_contact(invitation.case, invitation)
    worker = user.name if user is not None else contact.worker
    return {
        "worker_name": worker or "your social worker",
        "team_name": contact.team or current_app.config["ORGANISATION_NAME"],
        "team_phone": contact.phone or current_app.config["ORGANISATION_PHONE"] or "",
        "link": link,
        "deadline": deadline_words(invitation),
        "service_name": current_app.config["SERVICE_NAME"],
    }


def link_words(invitation: Invitation, link: str, user: User | None) -> Words:
    """The signed text message a worker can send themselves, with the link they copy."""
    return compose(MessageKind.LINK, Channel.SMS, link_fields(invitation, link, user))


def check_link_message(case: Case, kind: str, reason: str | None) -> None:
    """Before a worker's link message is made: its channel, format and order are checked
    against the plan. One that departs raises PlanNotFollowed unless the worker gives a
    reason, so nothing is made and the worker can fix it first (record the call, say)."""
    channel, _recipient = choose_channel(case)
    held = first_status(case, channel) == MessageStatus.HELD
    problems = service_message_problems(case, channel, kind, held)
    if problems and not (reason or "").strip():
        raise PlanNotFollowed(problems)


def queue_link(
    invitation: Invitation, link: str, user: User | None, kind: str, reason: str | None = None
) -> Message:
    """Put the parent's private link in the outbox (the caller commits, with the link). The
    worker's reason to go ahead off the plan, if any, is kept on its contact log row."""
    case = invitation.case
    channel, recipient = choose_channel(case)
    words = compose(kind, channel, link_fields(invitation, link, user))
    status = first_status(case, channel)
    message = Message(
        case_id=case.id,
        invitation_id=invitation.id,
        kind=kind,
        channel=channel,
        recipient=recipient,
        subject=words.subject,
        body=words.body,
        reference=str(uuid.uuid4()),
        status=status,
        next_attempt_at=utcnow(),
        created_by_id=user.id if user is not None else None,
    )
    db.session.add(message)
    db.session.flush()
    record_event("message.queued", case_id=case.id, detail=f"{kind} by {channel}: {status}")
    log_service_message(case, message, user, reason)
    return message


def first_status(case: Case, channel: str) -> str:
    """To copy without Notify; a letter the plan holds for a call; else queued."""
    if not notify_configured():
        return MessageStatus.TO_COPY
    if channel == Channel.LETTER and letters_wait_for_a_call(case):
        return MessageStatus.HELD
    return MessageStatus.QUEUED


def release_held_letters(case: Case, user: User | None = None) -> int:
    """The worker has phoned the parent: the letters the plan held go to the outbox now."""
    held = [m for m in case_messages(case) if m.status == MessageStatus.HELD]
    for message in held:
        message.status = MessageStatus.QUEUED
        message.next_attempt_at = utcnow()
    record_event("parent.phoned", case_id=case.id, detail=f"{len(held)} letter(s) released")
    log_phone_call(case, user, "The worker phoned before the held letters went.")
    db.session.commit()
    return len(held)


def case_messages(case: Case) -> list[Message]:
    return list(
        db.session.scalars(
            select(Message)
            .where(Message.case_id == case.id)
            .order_by(Message.created_at, Message.id)
        )
    )


def letter_of_case(case: Case, message_id: int) -> Message | None:
    """One of the case's letters (to print); None for another case's message or not a letter."""
    message = db.session.get(Message, message_id)
    if message is None or message.case_id != case.id or message.channel != Channel.LETTER:
        return None
    return message


def plan_items_words(plan: Plan) -> str:
    """The plan's adjustments in the parent's words, one "- " line each (a list in a letter)."""
    catalogue = builtin_content().adjustments
    lines = []
    for item in plan.active_items:
        adjustment = catalogue[item.adjustment_id]
        lines.append("- " + (adjustment.parent_text or adjustment.title))
    return "\n".join(lines)


def queue_plan_copy(case: Case, user: User) -> Message:
    """Post the parent their copy of the agreed plan, in easy read, as a letter (committed).
    Without Notify the worker prints it from the case page."""
    plan = case.agreed_plan
    if plan is None:
        raise WorkflowError("Agree the plan before you send the parent a copy.")
    recipient = recipient_on(case, Channel.LETTER)
    if recipient is None:
        raise WorkflowError(
            "There is no postal address for this parent. Add one to the referral, "
            "or print the parent's copy and give it to them."
        )
    contact = parent_contact(case)
    fields = {
        "worker_name": user.name,
        "team_name": contact.team or current_app.config["ORGANISATION_NAME"],
        "team_phone": contact.phone or current_app.config["ORGANISATION_PHONE"] or "",
        "service_name": current_app.config["SERVICE_NAME"],
        "plan_items": plan_items_words(plan),
    }
    words = compose(MessageKind.PLAN_COPY, Channel.LETTER, fields)
    status = first_status(case, Channel.LETTER)
    message = Message(
        case_id=case.id,
        kind=MessageKind.PLAN_COPY,
        channel=Channel.LETTER,
        recipient=recipient,
        subject=words.subject,
        body=words.body,
        reference=str(uuid.uuid4()),
        status=status,
        next_attempt_at=utcnow(),
        created_by_id=user.id,
    )
    db.session.add(message)
    db.session.flush()
    record_event(
        "message.queued", case_id=case.id, detail=f"plan {plan.version} copy by letter: {status}"
    )
    db.session.commit()
    return message
