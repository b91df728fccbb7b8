"""Parents' private links: 256-bit random tokens stored only as a SHA-256 hash, expiring,
revocable, and closed once the answers are sent."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app, url_for
from sqlalchemy import bindparam, inspect, select

from questionnaires import Questionnaire
from webapp.access.audit import record_event
from webapp.access.tokens import token_hash
from webapp.extensions import db
from webapp.services.consent import record_sharing_through_link
from webapp.services.content_library import questionnaire_library
from webapp.services.errors import WorkflowError
from webapp.services.messages import check_link_message, queue_link
from webapp.services.scoring import submit_response
from webapp.storage.database import begin_writing
from webapp.storage.locking import locked
from webapp.storage.records import Answer, Case, Invitation, Message, Response, User, utcnow
from webapp.storage.states import InvitationState, MessageKind, ResponseMode, ResponseStatus

TOKEN_BYTES = 32  # 256 bits


def create_invitation(
    case: Case, questionnaires: list[Questionnaire], user: User | None
) -> tuple[Invitation, str]:
    invitation, token = _new_invitation(case, questionnaires, user)
    db.session.commit()
    return invitation, token


def send_link(
    case: Case, questionnaires: list[Questionnaire], user: User | None, reason: str | None = None
) -> tuple[Invitation, str, Message]:
    """Make a private link and put it in the outbox for the parent, in one transaction: the
    link is never made without its message, nor the message without its link. A message off
    the plan raises PlanNotFollowed, before anything is made, unless the worker gives a
    reason."""
    check_link_message(case, MessageKind.LINK, reason)
    invitation, token = _new_invitation(case, questionnaires, user)
    message = queue_link(invitation, invitation_link(token), user, MessageKind.LINK, reason)
    db.session.commit()
    return invitation, token, message


def resend_link(
    invitation: Invitation, user: User | None, reason: str | None = None
) -> tuple[str, Message]:
    """Send the parent their link again. Only a hash of the old token is kept, so the link is
    made anew: the old one stops working, and answers saved so far stay with the link. Checked
    against the plan first, as send_link is."""
    if invitation.state(utcnow()) != InvitationState.OPEN:
        raise WorkflowError("This link is closed or expired. Make a new link instead.")
    check_link_message(invitation.case, MessageKind.RESEND, reason)
    token, message = renew_and_queue(invitation, user, MessageKind.RESEND, reason)
    record_event("invitation.resent", case_id=invitation.case_id)
    db.session.commit()
    return token, message


def renew_and_queue(
    invitation: Invitation, user: User | None, kind: str, reason: str | None = None
) -> tuple[str, Message]:
    """Make the link anew and queue it (the caller commits). The old token stops working only
    once the message is queued: a parent we cannot reach keeps the link they have."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    message = queue_link(invitation, invitation_link(token), user, kind, reason)
    invitation.token_hash = token_hash(token)
    return token, message


def _new_invitation(
    case: Case, questionnaires: list[Questionnaire], user: User | None
) -> tuple[Invitation, str]:
    if not questionnaires:
        raise WorkflowError("Select at least one questionnaire")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    days = current_app.config["INVITATION_DAYS"]
    now = utcnow()
    invitation = Invitation(
        case=case,
        token_hash=token_hash(token),
        questionnaire_keys=[q.key for q in questionnaires],
        created_by_id=user.id if user else None,
        created_at=now,
        expires_at=now + timedelta(days=days),
        display={},
    )
    db.session.add(invitation)
    db.session.flush()
    record_event(
        "invitation.created", case_id=case.id, detail=", ".join(invitation.questionnaire_keys)
    )
    return invitation, token


def invitation_link(token: str) -> str:
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return base + url_for("parent.open_link", token=token, _external=False)


def find_invitation(token: str) -> Invitation | None:
    if not token or len(token) > 128:
        return None
    return db.session.scalar(select(Invitation).where(Invitation.token_hash == token_hash(token)))


def revoke_invitation(invitation: Invitation, *, commit: bool = True) -> None:
    if invitation.revoked_at is None and invitation.submitted_at is None:
        invitation.revoked_at = utcnow()
        record_event("invitation.revoked", case_id=invitation.case_id)
        if commit:
            db.session.commit()


def questionnaires_of(invitation: Invitation) -> list[Questionnaire]:
    library = questionnaire_library()
    return [library.get(*key.split("@", 1)) for key in invitation.questionnaire_keys]


def responses_of(invitation: Invitation) -> dict[str, Response]:
    """One self-completed response per questionnaire, made when the parent agrees to start."""
    existing = {r.questionnaire_id: r for r in invitation.responses}
    wanted = questionnaires_of(invitation)
    if all(q.id in existing for q in wanted):
        return existing
    begin_writing()  # a page that only reads may still have to make them
    existing = {r.questionnaire_id: r for r in invitation.responses}
    for questionnaire in wanted:
        if questionnaire.id not in existing:
            response = Response(
                case_id=invitation.case_id,
                invitation=invitation,
                questionnaire_id=questionnaire.id,
                questionnaire_version=questionnaire.version,
                mode=ResponseMode.SELF,
            )
            db.session.add(response)
            existing[questionnaire.id] = response
    db.session.flush()
    return existing


def invitation_by_id(invitation_id: int) -> Invitation | None:
    return db.session.get(Invitation, invitation_id)


def session_key_for(invitation: Invitation) -> str:
    """The random id a parent's session keeps for this link, made on the first open (stored
    by mark_opened's commit). Every device the link is opened on shares it."""
    if invitation.session_key is None:
        invitation.session_key = secrets.token_urlsafe(32)
    return invitation.session_key


# The parent's pages run these on every request. They are built once, with bound parameters:
# building a statement costs SQLAlchemy more than running it (bench/RESULTS.md). Those that
# read columns rather than records name the tables' own columns: a statement on a mapped
# class's attributes goes through the ORM's compile step on every run, at about twice the cost.
_LINK_BY_SESSION_KEY = select(Invitation).where(Invitation.session_key == bindparam("key"))
_RESPONSES = Response.__table__.c
_ANSWER_COLUMNS = Answer.__table__.c
_RESPONSE_ID = select(_RESPONSES.id).where(
    _RESPONSES.invitation_id == bindparam("invitation_id"),
    _RESPONSES.questionnaire_id == bindparam("questionnaire_id"),
)
_ANSWERS = (
    select(_RESPONSES.questionnaire_id, _ANSWER_COLUMNS.item_id, _ANSWER_COLUMNS.value)
    .join(Answer.__table__, _ANSWER_COLUMNS.response_id == _RESPONSES.id)
    .where(_RESPONSES.invitation_id == bindparam("invitation_id"))
)


def invitation_by_session_key(key: object) -> Invitation | None:
    if not isinstance(key, str) or not key:
        return None
    return db.session.scalar(_LINK_BY_SESSION_KEY, {"key": key})


def response_id_of(invitation: Invitation, questionnaire_id: str) -> int:
    """The id of the link's response to one questionnaire (made first if it is missing), read
    without loading the link's responses: the autosave needs no more."""
    response_id = db.session.scalar(
        _RESPONSE_ID,
        {"invitation_id": inspect(invitation).identity[0], "questionnaire_id": questionnaire_id},
    )
    if response_id is None:
        response_id = responses_of(invitation)[questionnaire_id].id
    return response_id


def answers_of(invitation: Invitation) -> dict[str, dict[str, str]]:
    """The answers saved so far on a link, by questionnaire id then item id, in one query.

    Every page of a parent's journey reads them all (the page count spans the questionnaires),
    and loading them as records cost more than the rest of the page (bench/RESULTS.md)."""
    rows = db.session.execute(_ANSWERS, {"invitation_id": inspect(invitation).identity[0]})
    answers: dict[str, dict[str, str]] = {}
    for questionnaire_id, item_id, value in rows:
        answers.setdefault(questionnaire_id, {})[item_id] = value
    return answers


def mark_opened(invitation: Invitation) -> None:
    """The parent opened their link (the first time is kept)."""
    if invitation.first_used_at is None:
        invitation.first_used_at = utcnow()
    record_event("parent.link_opened", case_id=invitation.case_id, commit=True)


def record_consent(invitation: Invitation) -> None:
    """The parent agreed to start: their responses are made now."""
    invitation.consent_at = utcnow()
    responses_of(invitation)
    record_event("parent.consented", case_id=invitation.case_id)
    record_sharing_through_link(invitation.case)
    db.session.commit()


def send_answers(invitation: Invitation) -> None:
    """Submit every response of the link, once however many sends arrive together."""
    invitation = locked(invitation)
    if invitation.submitted_at is None:  # ten simultaneous sends make one submission
        # Marked sent first, so it is committed with the first response: a second request
        # waiting on the lock then sees it and sends nothing.
        invitation.submitted_at = utcnow()
        record_event("parent.submitted", case_id=invitation.case_id)
        for response in responses_of(invitation).values():
            if response.status == ResponseStatus.DRAFT:
                submit_response(response, None)
        db.session.commit()


def save_display(invitation: Invitation, display: dict[str, str]) -> None:
    """The display options the parent chose, kept with the link."""
    invitation.display = display
    db.session.commit()
