"""Append-only audit events: who, in which role, did what, to which case, with what outcome.

A denial commits at once. Anonymous denials (a bad link, a bad token, a failed CSRF check,
...) are counted, not listed: one row per kind, client and minute, its `times` going up. So
anyone can make them, but nobody can make the audit grow without limit."""

from __future__ import annotations

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import select, update

from webapp.extensions import db
from webapp.storage.clock import utcnow
from webapp.storage.records import AuditEvent


def record_event(
    action: str,
    *,
    case_id: int | None = None,
    outcome: str = "ok",
    detail: str | None = None,
    commit: bool = False,
    user_id: int | None = None,
) -> None:
    """Add an audit row to the current transaction (or commit it on its own for denials).
    ``user_id`` names the account when nobody is signed in yet (a failed sign-in)."""
    authenticated = getattr(current_user, "is_authenticated", False)
    client = request.remote_addr if has_request_context() else None
    # A failed sign-in names its attempt in `detail`: the lockout counts those rows one by one
    # (access/accounts.py), and the sign-in rate limit bounds them.
    if outcome != "ok" and not authenticated and user_id is None and detail is None:
        _count_anonymous_denial(action, outcome, case_id, client)
        return
    db.session.add(
        AuditEvent(
            user_id=current_user.id if authenticated else user_id,
            role=current_user.role if authenticated else None,
            action=action,
            case_id=case_id,
            outcome=outcome,
            detail=detail,
            client_address=client,
        )
    )
    if commit or outcome != "ok":
        db.session.commit()


def _count_anonymous_denial(
    action: str, outcome: str, case_id: int | None, client: str | None
) -> None:
    """Add one to this minute's row for (action, outcome, case, client), or start it; commits.
    Two workers starting the same minute's row at once make two rows: still bounded."""
    minute = utcnow().replace(second=0, microsecond=0)
    same = (
        AuditEvent.action == action,
        AuditEvent.outcome == outcome,
        AuditEvent.user_id.is_(None),
        AuditEvent.role.is_(None),
        AuditEvent.detail.is_(None),
        AuditEvent.case_id.is_(None) if case_id is None else AuditEvent.case_id == case_id,
        AuditEvent.client_address.is_(None)
        if client is None
        else AuditEvent.client_address == client,
        AuditEvent.at >= minute,
    )
    row_id = db.session.scalar(select(AuditEvent.id).where(*same).order_by(AuditEvent.id).limit(1))
    if row_id is None:
        db.session.add(
            AuditEvent(
                action=action, case_id=case_id, outcome=outcome, client_address=client, times=1
            )
        )
    else:
        # In the database, not in Python: concurrent denials each add their one.
        db.session.execute(
            update(AuditEvent).where(AuditEvent.id == row_id).values(times=AuditEvent.times + 1)
        )
    db.session.commit()
