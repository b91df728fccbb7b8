"""Staff accounts: finding one to sign in, the lockout after repeated failures, signing out
everywhere, and an admin turning an account off or on."""

from __future__ import annotations

from datetime import timedelta

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


def locked_out(user: User | None) -> bool:
    """An account is refused after 10 failed tries in 15 minutes, even with the right password."""
    if user is None:
        return False
    failures = db.session.scalar(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.user_id == user.id,
            AuditEvent.action.in_(FAILED),
            AuditEvent.at >= utcnow() - LOCKOUT_WINDOW,
        )
    )
    return failures >= LOCKOUT_FAILURES


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
