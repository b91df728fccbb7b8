"""Append-only audit events: who, in which role, did what, to which case, with what outcome."""

from __future__ import annotations

from flask_login import current_user

from webapp.extensions import db
from webapp.records import AuditEvent


def record_event(
    action: str,
    *,
    case_id: int | None = None,
    outcome: str = "ok",
    detail: str | None = None,
    commit: bool = False,
) -> None:
    """Add an audit row to the current transaction (or commit it on its own for denials)."""
    authenticated = getattr(current_user, "is_authenticated", False)
    db.session.add(
        AuditEvent(
            user_id=current_user.id if authenticated else None,
            role=current_user.role if authenticated else None,
            action=action,
            case_id=case_id,
            outcome=outcome,
            detail=detail,
        )
    )
    if commit or outcome != "ok":
        db.session.commit()
