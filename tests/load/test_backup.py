"""Backups made while writes go on restore to a consistent database: every row is one that was
committed, with no gaps. SQLite here; PostgreSQL (pg_dump) in the PostgreSQL CI run."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import create_engine, func, select, text

from webapp import create_app
from webapp.extensions import db
from webapp.storage.database import init_database
from webapp.storage.records import Team

pytestmark = pytest.mark.load


def test_backup_under_write_load_restores_consistently(app, tmp_path):
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    writer_engine = create_engine(uri)
    stop = threading.Event()
    written = []

    def keep_writing():
        n = 0
        while not stop.is_set():
            n += 1
            with writer_engine.begin() as connection:
                connection.execute(
                    text("INSERT INTO team (name) VALUES (:name)"), {"name": f"Team {n:06d}"}
                )
            written.append(n)

    thread = threading.Thread(target=keep_writing)
    thread.start()
    try:
        time.sleep(0.7)
        result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "backup.db")])
        time.sleep(0.3)
    finally:
        stop.set()
        thread.join()
        writer_engine.dispose()
    assert result.exit_code == 0, result.output
    assert len(written) > 20

    # SQLite restores into a new file; PostgreSQL into the same database, replacing it.
    restored_uri = f"sqlite:///{tmp_path / 'restored.sqlite'}" if uri.startswith("sqlite") else uri
    restored = create_app({"SQLALCHEMY_DATABASE_URI": restored_uri, "TESTING": True})
    if uri.startswith("sqlite"):
        init_database(restored)
    refused = restored.test_cli_runner().invoke(args=["restore", str(tmp_path / "backup.db")])
    assert refused.exit_code != 0 and "--yes" in refused.output
    result = restored.test_cli_runner().invoke(
        args=["restore", str(tmp_path / "backup.db"), "--yes"]
    )
    assert result.exit_code == 0, result.output
    with restored.app_context():
        names = db.session.scalars(select(Team.name).order_by(Team.id)).all()
        if uri.startswith("sqlite"):
            integrity = db.session.execute(text("PRAGMA integrity_check")).scalar()
            assert integrity == "ok"
        count = db.session.scalar(select(func.count(Team.id)))
        db.session.remove()
        db.engine.dispose()
    # A consistent prefix of the writes: Team 1 .. Team k with nothing missing.
    assert names == [f"Team {n:06d}" for n in range(1, count + 1)]
    assert 0 < count <= len(written)
