"""Messages to parents, put in the outbox in the caller's transaction: which channel (the
parent's preferred method first; no mobile number means email, then letter), held letters
(a plan that says phone first), and the words. `services/outbox.py` sends them."""

from __future__ import annotations

import re
import uuid
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from webapp.access.audit import record_event
from webapp.extensions import db
from webapp.services.contacts import log_phone_call, log_service_message
from webapp.services.errors import WorkflowError
from webapp.services.message_words import Words, compose
from webapp.services.notify import notify_configured
from webapp.services.plans import parent_contact
from webapp.storage.clock import utcnow
from webapp.storage.records import Case, Invitation, Message, User
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


def queue_link(invitation: Invitation, link: str, user: User | None, kind: str) -> Message:
    """Put the parent's private link in the outbox (the caller commits, with the link)."""
    case = invitation.case
    channel, recipient = choose_channel(case)
    words = compose(kind, channel, link_fields(invitation, link, user))
    if not notify_configured():
        status = MessageStatus.TO_COPY
    elif channel == Channel.LETTER and letters_wait_for_a_call(case):
        status = MessageStatus.HELD
    else:
        status = MessageStatus.QUEUED
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
    log_service_message(case, message, user)
    return message


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
