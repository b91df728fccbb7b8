"""Staff accounts: finding one to sign in, the lockout after repeated failures, signing out
everywhere, and an admin inviting staff, changing a role or team, turning an account off or
on and resetting its second factor (each audited)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from webapp.access.audit import record_event
from webapp.access.security import hash_password
from webapp.access.tokens import token_hash
from webapp.extensions import db
from webapp.storage.records import AuditEvent, Team, User, new_session_token, utcnow

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


# An invited account has no password until its set-up link is used: this is no argon2 hash, so
# no password matches it (check_password answers False).
NO_PASSWORD_YET = "!invited"  # noqa: S105 - a marker that no password matches
SET_UP_DAYS = 7


def all_teams() -> list[Team]:
    return list(db.session.scalars(select(Team).order_by(Team.name)))


def team_name(team_id: int | None) -> str:
    team = db.session.get(Team, team_id) if team_id is not None else None
    return team.name if team else "no team"


def invite(
    name: str, email: str, role: str, team_id: int | None, *, commit: bool = True
) -> tuple[User, str]:
    """A new account with a one-time set-up link (its token is returned once, kept as a hash).
    The caller has checked that the email is free. ``commit=False`` leaves the commit to a
    caller that emails the link in the same transaction."""
    user = User(
        email=email,
        name=name,
        role=role,
        team_id=team_id,
        password_hash=NO_PASSWORD_YET,
    )
    token = _new_set_up_token(user)
    db.session.add(user)
    db.session.flush()
    record_event("user.invited", detail=f"user {user.id}: {role}, {team_name(team_id)}")
    if commit:
        db.session.commit()
    return user, token


def _new_set_up_token(user: User) -> str:
    token = secrets.token_urlsafe(32)
    user.set_up_token_hash = token_hash(token)
    user.set_up_expires_at = utcnow() + timedelta(days=SET_UP_DAYS)
    return token


def waiting_for_set_up(user: User) -> bool:
    """An invited account whose set-up link has not been used (it may have expired)."""
    return user.password_hash == NO_PASSWORD_YET


def renew_set_up_link(user: User) -> str:
    """A new set-up link for an account not yet set up; the old link stops working (its hash
    is replaced). Audited; the caller commits, with the email of the link if there is one."""
    if not waiting_for_set_up(user):
        raise ValueError("This account is already set up.")
    token = _new_set_up_token(user)
    record_event("user.set_up_link_renewed", detail=f"user {user.id}")
    return token


def user_by_set_up_token(token: str) -> User | None:
    """The active account this set-up link opens, if it has not expired or been used."""
    user = db.session.scalar(select(User).where(User.set_up_token_hash == token_hash(token)))
    if user is None or not user.active or user.set_up_expires_at is None:
        return None
    return user if user.set_up_expires_at > utcnow() else None


def finish_set_up(user: User, password: str) -> None:
    """The invitee's password; the link stops working. The second factor comes next."""
    user.password_hash = hash_password(password)
    user.set_up_token_hash = None
    user.set_up_expires_at = None
    record_event("user.set_up", user_id=user.id, detail=f"user {user.id}")
    db.session.commit()


def change_account(user: User, role: str, team_id: int | None) -> bool:
    """A new role or team; whether anything changed. The next request already uses it (the
    role is read from the account each time)."""
    if (user.role, user.team_id) == (role, team_id):
        return False
    record_event(
        "user.changed",
        detail=f"user {user.id}: {user.role} -> {role}, "
        f"{team_name(user.team_id)} -> {team_name(team_id)}",
    )
    user.role, user.team_id = role, team_id
    db.session.commit()
    return True


def reset_second_factor(user: User) -> None:
    """Forget the authenticator app and the recovery codes, and end every session: the next
    sign-in sets up a new app."""
    user.totp_secret = None
    user.totp_last_step = None
    user.recovery_codes = []
    end_sessions(user, "user.second_factor_reset", f"user {user.id}")
