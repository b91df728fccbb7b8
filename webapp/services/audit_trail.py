"""Reading the audit trail: events filtered by case and dates, newest first, with who."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from webapp.extensions import db
from webapp.storage.records import AuditEvent, User


def audit_events(
    *,
    case_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    limit: int | None = None,
) -> list:
    """(event, email of its user) rows; ``date_to`` counts the whole of that day."""
    query = select(AuditEvent, User.email).outerjoin(User, User.id == AuditEvent.user_id)
    if case_id is not None:
        query = query.where(AuditEvent.case_id == case_id)
    if date_from:
        query = query.where(AuditEvent.at >= datetime.combine(date_from, time.min))
    if date_to:
        end = datetime.combine(date_to + timedelta(days=1), time.min)
        query = query.where(AuditEvent.at < end)
    query = query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.execute(query).all())
