"""Who may do what: password hashing, the role decorator (deny by default), team scoping."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import abort, current_app, flash, redirect, request, session, url_for
from flask_login import current_user, login_user

from webapp.access.audit import record_event
from webapp.extensions import db, login_manager
from webapp.storage.records import Case, User

MIN_PASSWORD_LENGTH = 12
# argon2id with the library's defaults (about 180 ms a verify here): slow enough to make
# guessing expensive, fast enough for a sign-in. Hashes are upgraded on sign-in if this changes.
password_hasher = PasswordHasher()
# Verified against when the email is unknown, so timing does not reveal which accounts exist.
_DUMMY_HASH = password_hasher.hash("not-a-real-password-just-for-timing")


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"Passwords must be {MIN_PASSWORD_LENGTH} characters or more")
    return password_hasher.hash(password)


def check_password(user: User | None, password: str) -> bool:
    try:
        password_hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
    if user is None:
        return False
    if password_hasher.check_needs_rehash(user.password_hash):
        user.password_hash = password_hasher.hash(password)
    return True


SESSION_STARTED = "_started"
SESSION_SEEN = "_seen"


def now() -> float:
    """The clock for session timeouts (a function, so tests can move time on)."""
    return time.time()


def start_session(user: User) -> None:
    """A fresh session for a signed-in user, timed for the idle and absolute limits."""
    session.clear()
    login_user(user)
    session[SESSION_STARTED] = session[SESSION_SEEN] = now()


def _session_timed_out() -> bool:
    started, seen = session.get(SESSION_STARTED), session.get(SESSION_SEEN)
    if not isinstance(started, (int, float)) or not isinstance(seen, (int, float)):
        return True
    moment = now()
    idle = current_app.config["SESSION_IDLE_MINUTES"] * 60
    absolute = current_app.config["SESSION_ABSOLUTE_HOURS"] * 3600
    return moment - seen > idle or moment - started > absolute


def load_user_for_second_factor(session_id: str) -> User | None:
    """The user behind a half-finished sign-in, checked like a session (token and active)."""
    user_id, _, token = str(session_id).partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_token != token:
        return None
    return user


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Sessions are checked on the server: the stored token must match the cookie's, the user
    must be active, and the session must be inside its idle and absolute time limits."""
    user = load_user_for_second_factor(session_id)
    if user is None:
        return None
    if _session_timed_out():
        session.clear()
        return None
    session[SESSION_SEEN] = now()
    return user


def public(view: Callable) -> Callable:
    """Mark a view as open to everyone. Every other view must say which roles it allows."""
    view.required_roles = ()
    view.public = True
    return view


def role_required(*roles: str) -> Callable:
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                record_event("access.denied", outcome="denied")
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = roles
        return wrapped

    return decorator


def case_for_team(case_id: int) -> Case:
    """A case the signed-in user's team owns. Others get 404: we do not confirm it exists."""
    case = db.session.get(Case, case_id)
    if case is None or case.team_id != current_user.team_id:
        abort(404)
    return case


CLOSED_CASE = "This referral is closed. Reopen it to change it."


def closed_case_guard(*, read_only: set[str], back: str, always: frozenset[str] = frozenset()):
    """A blueprint's before-request check: a closed case of the user's team can be read
    (GET of the ``read_only`` endpoints) but not changed until it is reopened. Anything else
    is sent back to the case page with why. Other users fall through to the view's own
    checks, so nothing is said about cases they cannot see."""

    def guard():
        case_id = (request.view_args or {}).get("case_id")
        if case_id is None or request.endpoint in always:
            return None
        if request.method == "GET" and request.endpoint in read_only:
            return None
        if not getattr(current_user, "is_authenticated", False):
            return None
        case = db.session.get(Case, case_id)
        if case is None or case.team_id != current_user.team_id or case.closed_at is None:
            return None
        flash(CLOSED_CASE, "error")
        return redirect(url_for(back, case_id=case.id))

    return guard
