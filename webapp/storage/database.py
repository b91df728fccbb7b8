"""Database set-up. On SQLite: WAL, a busy timeout, synchronous=FULL, foreign keys, a
cross-process write lock taken before (storage/write_lock.py), and BEGIN IMMEDIATE for every
transaction that may write, which a trial here showed is what stops
concurrent saves failing with "database is locked" (WAL and busy_timeout alone lost a third of
them). Views marked ``@reads_only`` begin plain (deferred) transactions for GET and HEAD, so
the busiest pages read from WAL snapshots without queueing behind every writer; views marked
``@writes_late`` read the same way and take the lock only for their write (begin_writing()).
A flush before begin_writing() raises at once, so a view cannot keep a mark by accident."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from flask import Flask, g, has_request_context, request
from flask_migrate import upgrade
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from webapp.extensions import db
from webapp.storage.write_lock import SerialisedWrites, lock_for

MIGRATIONS_DIR = str(Path(__file__).parent / "migrations")


class _NoRowData(logging.Filter):
    """SQLAlchemy's DEBUG logging prints result rows, which hold personal data: drop them,
    keeping the SQL statements, so debug logging stays safe to switch on."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(("Row ", "Col "))


def protect_sql_logs() -> None:
    logger = logging.getLogger("sqlalchemy.engine.Engine")
    if not any(isinstance(f, _NoRowData) for f in logger.filters):
        logger.addFilter(_NoRowData())


def configure_sqlite(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    write_lock = lock_for(engine.url.database or "")

    @event.listens_for(engine, "do_connect")
    def _connect_with_write_lock(_dialect, _record, _cargs, cparams):
        cparams["factory"] = SerialisedWrites

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.write_lock = write_lock
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        if _reading_only():
            connection.exec_driver_sql("BEGIN")
            return
        # Writers queue on the kernel's lock (storage/write_lock.py), then take SQLite's.
        dbapi_connection = connection.connection.dbapi_connection
        dbapi_connection.begin_write()
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            dbapi_connection.rollback()  # lets the write lock go
            raise


class WriteInReadOnlyView(RuntimeError):
    """A view marked @reads_only (or @writes_late) wrote before it said so."""


READ_METHODS = ("GET", "HEAD")


def reads_only(view: Callable) -> Callable:
    """Mark a view whose GET and HEAD requests never write (its POSTs may)."""
    view.reads_first = READ_METHODS
    return view


def writes_late(view: Callable) -> Callable:
    """Mark a view that, whatever the method, reads first and calls begin_writing() just
    before it writes: on SQLite the write lock is then held for the write alone."""
    view.reads_first = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
    return view


def begin_writing() -> None:
    """A request that has only read so far is about to write: end its read snapshot, so the
    write begins a transaction of its own that waits for the lock (BEGIN IMMEDIATE). Objects
    loaded so far are expired and load again when next used."""
    if _reading_only():
        db.session.rollback()
        g.reads_only = False


def _reading_only() -> bool:
    return has_request_context() and g.get("reads_only", False)


def register_read_only_views(app: Flask) -> None:
    @app.before_request
    def _mark_read_only_requests():
        view = app.view_functions.get(request.endpoint)
        g.reads_only = request.method in getattr(view, "reads_first", ())


@event.listens_for(Session, "before_flush")
def _refuse_writes_in_read_only_views(session, _context, _instances):
    if _reading_only() and (session.new or session.dirty or session.deleted):
        raise WriteInReadOnlyView(
            f"{request.endpoint} wrote to the database on {request.method} while marked to "
            "read only: call begin_writing() first, or remove the mark (writes need BEGIN "
            "IMMEDIATE on SQLite)"
        )


def init_database(app: Flask) -> None:
    """Create the database if needed and bring it to the latest migration."""
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///"):
        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    with app.app_context():
        upgrade(directory=MIGRATIONS_DIR)
        db.engine.dispose()
