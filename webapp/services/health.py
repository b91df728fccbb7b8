"""The health check's one question to the database."""

from __future__ import annotations

from sqlalchemy import text

from webapp.extensions import db


def database_answers() -> None:
    """Raises when the database does not answer."""
    db.session.execute(text("SELECT 1"))
