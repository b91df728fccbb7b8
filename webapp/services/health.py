"""The health check: does each part the service depends on answer?"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from webapp.extensions import db, limiter

UP, DOWN = "ok", "down"


def database_answers() -> None:
    """Raises when the database does not answer."""
    db.session.execute(text("SELECT 1"))


def health_report() -> dict[str, str]:
    """Each part ("database", "rate_limits": where the limits are counted) with "ok" or
    "down", and "status": "ok" only when every part is."""
    try:
        database_answers()
        database = UP
    except SQLAlchemyError:
        db.session.rollback()
        database = DOWN
    # limits' check() pings the store (Redis) and answers False when it cannot.
    rate_limits = UP if limiter.storage.check() else DOWN
    parts = {"database": database, "rate_limits": rate_limits}
    return {"status": UP if all(part == UP for part in parts.values()) else DOWN, **parts}
