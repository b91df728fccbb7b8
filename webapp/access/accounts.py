"""Staff accounts: finding one to sign in, the lockout after repeated failures, signing out
everywhere, and an admin turning an account off or on."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from webapp.access.audit import record_event
from webapp.extensions import db
from webapp.storage.records import AuditEvent, User, new_session_token, utcnow

LOCKOUT_FAILURES = 10
LOCKOUT_WINDOW = timedelta(minutes=15)
FAILED = ("auth.sign_in_failed", "auth.code_failed")


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email))


def user_by_id(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def all_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.role, User.email)))


def attempt_key(email: str) -> str:
    """What failed tries are counted under: a keyed hash of the email typed, known or not, so
    the lockout answers the same for both and the audit holds no email of a stranger."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return "attempt " + hmac.new(secret, email.encode(), hashlib.sha256).hexdigest()[:32]


def record_failure(action: str, email: str, user: User | None) -> None:
    """A failed password or code, counted for the lockout (commits at once: a denial)."""
    record_event(
        action, outcome="denied", user_id=user.id if user else None, detail=attempt_key(email)
    )


def _counted_since(key: str):
    """Failures count from the start of the window, or from an admin's unlock if later."""
    unlocked = db.session.scalar(
        select(func.max(AuditEvent.at)).where(
            AuditEvent.action == "user.unlocked", AuditEvent.detail == key
        )
    )
    start = utcnow() - LOCKOUT_WINDOW
    return max(start, unlocked) if unlocked is not None else start


def locked_out(email: str, client: str | None) -> bool:
    """Refused after 10 failed tries in 15 minutes for this email from this client, even with
    the right password. Keyed on both: someone elsewhere cannot lock a named person out, and
    an email with no account is answered just like one with."""
    key = attempt_key(email)
    failures = db.session.scalar(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.detail == key,
            AuditEvent.client_address == client,
            AuditEvent.action.in_(FAILED),
            AuditEvent.at >= _counted_since(key),
        )
    )
    return failures >= LOCKOUT_FAILURES


def locked_anywhere(user: User) -> bool:
    """Whether any client is locked out of this account now (the admin's users page)."""
    key = attempt_key(user.email.lower())
    most = db.session.scalar(
        select(func.count(AuditEvent.id))
        .where(
            AuditEvent.detail == key,
            AuditEvent.action.in_(FAILED),
            AuditEvent.at >= _counted_since(key),
        )
        .group_by(AuditEvent.client_address)
        .order_by(func.count(AuditEvent.id).desc())
        .limit(1)
    )
    return (most or 0) >= LOCKOUT_FAILURES


def unlock(user: User) -> None:
    """An admin lets the account try again from everywhere at once (audited)."""
    record_event("user.unlocked", detail=attempt_key(user.email.lower()), commit=True)


def end_sessions(user: User, action: str, detail: str | None = None) -> None:
    """A new token ends every session of the account: a replayed cookie no longer matches."""
    user.session_token = new_session_token()
    record_event(action, detail=detail)
    db.session.commit()


def switch_access(user: User) -> None:
    """Disable or enable an account; disabling also ends its sessions at once."""
    user.active = not user.active
    end_sessions(user, "user.enabled" if user.active else "user.disabled", f"user {user.id}")


def save() -> None:
    """Commit what a sign-in step changed (the password hash upgraded on sign-in)."""
    db.session.commit()
