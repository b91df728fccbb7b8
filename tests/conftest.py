"""Shared fixtures: an app on its own migrated database per test, and a test client.

The database is SQLite by default (a migrated template copied per test, so every test starts
from the real migrations quickly). With DATABASE_URL set (CI's PostgreSQL run), each test gets
a freshly migrated schema on that server instead."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

# Unset, APP_ENV means production (webapp/config.py). The suite runs as development, and so do
# the gunicorn and flask processes it starts (they inherit this environment); the tests of the
# production refusals set or unset it themselves.
os.environ.setdefault("APP_ENV", "development")

from webapp import create_app  # noqa: E402 - after APP_ENV is set
from webapp.storage.database import init_database

TEST_CONFIG = {
    "TESTING": True,
    "DEMO_MODE": True,
    "SERVER_NAME": "localhost",
    "DASHBOARD_CACHE_SECONDS": 0,
}


@contextmanager
def app_on_own_sqlite(
    template: Path, directory: Path, name: str, overrides: dict | None = None
) -> Iterator:
    """An app on its own copy of the migrated SQLite template, whatever DATABASE_URL says: for
    tests of SQLite's own behaviour and for the browser tests' live server."""
    path = directory / name
    shutil.copy(template, path)
    app = create_app(
        {
            **TEST_CONFIG,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "IMPORTED_CONTENT_DIR": str(directory / "imported"),
            **(overrides or {}),
        }
    )
    yield app
    from webapp.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    init_database(app)
    return path


@pytest.fixture
def database_uri(migrated_sqlite, tmp_path):
    external = os.environ.get("DATABASE_URL")
    if external:
        return external
    path = tmp_path / "test.sqlite"
    shutil.copy(migrated_sqlite, path)
    return f"sqlite:///{path}"


@pytest.fixture
def app(database_uri, tmp_path):
    app = create_app(
        {
            **TEST_CONFIG,
            "SQLALCHEMY_DATABASE_URI": database_uri,
            "IMPORTED_CONTENT_DIR": str(tmp_path / "imported"),
        }
    )
    if os.environ.get("DATABASE_URL"):
        from tests.factories import reset_external_database

        reset_external_database(app)
    yield app
    from webapp.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def notify(app):
    """A stand-in GOV.UK Notify on 127.0.0.1, and the app set up to send through it."""
    from tests.notify_stand_in import NotifyServer

    with NotifyServer() as stand_in:
        app.config.update(stand_in.config())
        yield stand_in
