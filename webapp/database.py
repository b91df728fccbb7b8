"""Database set-up. On SQLite: WAL, a busy timeout, synchronous=FULL, foreign keys, and
BEGIN IMMEDIATE for every transaction, which a trial here showed is what stops concurrent saves
failing with "database is locked" (WAL and busy_timeout alone lost a third of them)."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import event
from sqlalchemy.engine import Engine

from webapp.extensions import db

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

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
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
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def init_database(app: Flask) -> None:
    """Create the database if needed and bring it to the latest migration."""
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///"):
        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    with app.app_context():
        upgrade(directory=MIGRATIONS_DIR)
        db.engine.dispose()
