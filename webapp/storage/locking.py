"""Row locks, so concurrent requests on the same record take turns."""

from __future__ import annotations

from sqlalchemy import inspect, select

from webapp.extensions import db


def locked(record):
    """Re-read a record with a row lock (SELECT ... FOR UPDATE on PostgreSQL), so concurrent
    requests on the same response take turns. SQLite needs no row lock: every transaction there
    begins IMMEDIATE, which already serialises writers."""
    model = type(record)
    # The id from the identity map: reading record.id would first reload an expired record.
    (record_id,) = inspect(record).identity
    return db.session.execute(
        select(model)
        .where(model.id == record_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
