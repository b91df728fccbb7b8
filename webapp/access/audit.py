"""Append-only audit events: who, in which role, did what, to which case, with what outcome."""

from __future__ import annotations

from flask import has_request_context, request
from flask_login import current_user

from webapp.extensions import db
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
    db.session.add(
        AuditEvent(
            user_id=current_user.id if authenticated else user_id,
            role=current_user.role if authenticated else None,
            action=action,
            case_id=case_id,
            outcome=outcome,
            detail=detail,
            client_address=request.remote_addr if has_request_context() else None,
        )
    )
    if commit or outcome != "ok":
        db.session.commit()
