"""Inviting a member of staff: a new account and its one-time set-up link, or a new link for
an account not yet set up (the old one stops working).

With Notify set up, the link is emailed to the invitee through the outbox, in the invite's own
transaction, with who invited them and nothing else; the admin never sees it. Without Notify,
the admin is given the link to show this once. The message is about no case (``case_id`` is
null); its body is emptied once it has gone, so the outbox keeps no working link."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from webapp.access import accounts
from webapp.access.audit import record_event
from webapp.extensions import db
from webapp.services.message_words import compose
from webapp.services.notify import notify_configured
from webapp.storage.clock import utcnow
from webapp.storage.records import Message, User
from webapp.storage.states import Channel, MessageKind, MessageStatus

# What an invite's message body becomes once it has gone (or will never go).
LINK_REMOVED = "(The set-up link is not kept once the email has gone.)"


@dataclass(frozen=True)
class SetUpLink:
    """What the admin's page says: the link to show once, or that it was emailed."""

    user: User
    link: str | None
    emailed: bool


def set_up_link(token: str) -> str:
    """The set-up page's full address (from the URL map, as staff alerts build theirs)."""
    path = current_app.url_map.bind("localhost").build("auth.set_up_account", {"token": token})
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def invite_staff(name: str, email: str, role: str, team_id: int | None, inviter: User) -> SetUpLink:
    """A new account; its link emailed, or returned to show once (committed)."""
    user, token = accounts.invite(name, email, role, team_id, commit=False)
    return _send_or_show(user, token, inviter)


def send_new_set_up_link(user: User, inviter: User) -> SetUpLink:
    """A new link for an account not yet set up; the old link stops working (committed)."""
    token = accounts.renew_set_up_link(user)
    return _send_or_show(user, token, inviter)


def _send_or_show(user: User, token: str, inviter: User) -> SetUpLink:
    link = set_up_link(token)
    if not notify_configured():
        db.session.commit()
        return SetUpLink(user, link, emailed=False)
    _withdraw_earlier_invites(user)
    words = compose(
        MessageKind.STAFF_INVITE,
        Channel.EMAIL,
        {
            "service_name": current_app.config["SERVICE_NAME"],
            "inviter_name": inviter.name,
            "set_up_link": link,
            "deadline": _deadline_words(user),
        },
    )
    db.session.add(
        Message(
            case_id=None,
            kind=MessageKind.STAFF_INVITE,
            channel=Channel.EMAIL,
            recipient=user.email,
            subject=words.subject,
            body=words.body,
            reference=str(uuid.uuid4()),
            status=MessageStatus.QUEUED,
            next_attempt_at=utcnow(),
            created_by_id=inviter.id,
        )
    )
    record_event(
        "message.queued", detail=f"{MessageKind.STAFF_INVITE} by email to user {user.id}: queued"
    )
    db.session.commit()
    return SetUpLink(user, None, emailed=True)


def _deadline_words(user: User) -> str:
    assert user.set_up_expires_at is not None  # a link was just made
    zone = ZoneInfo(current_app.config["DISPLAY_TIMEZONE"])
    moment = user.set_up_expires_at.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone)
    return moment.strftime("%A %-d %B")


def _withdraw_earlier_invites(user: User) -> None:
    """An earlier invite still waiting holds a link that no longer works: it never goes."""
    for message in db.session.scalars(
        select(Message).where(
            Message.kind == MessageKind.STAFF_INVITE,
            Message.recipient == user.email,
            Message.status == MessageStatus.QUEUED,
        )
    ):
        message.status = MessageStatus.WITHDRAWN
        message.last_error = "Not sent: a new set-up link was made first."
        message.body = LINK_REMOVED


def newest_invite_email(user: User) -> Message | None:
    """The newest set-up email to this account, for its page (sent, waiting or failed)."""
    return db.session.scalar(
        select(Message)
        .where(Message.kind == MessageKind.STAFF_INVITE, Message.recipient == user.email)
        .order_by(Message.id.desc())
        .limit(1)
    )
