"""On SQLite, pages marked @reads_only read from a WAL snapshot instead of queueing for the write
lock, while every request that may write still takes the lock first (BEGIN IMMEDIATE). These
tests use their own SQLite file even in the PostgreSQL run: the locking is SQLite's."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from questionnaires import builtin_library
from tests.conftest import app_on_own_sqlite
from tests.factories import create_case, create_team
from tests.pages import csrf_token, get_page
from webapp.access.audit import record_event
from webapp.access.security import public
from webapp.extensions import db
from webapp.services.invitations import create_invitation
from webapp.storage.database import WriteInReadOnlyView, begin_writing, reads_only

READING = builtin_library().get("reading-writing")


@pytest.fixture
def sqlite_app(migrated_sqlite, tmp_path):
    with app_on_own_sqlite(migrated_sqlite, tmp_path, "own.sqlite") as app:
        app.config["database_path"] = tmp_path / "own.sqlite"
        add_test_views(app)
        yield app


def add_test_views(app):
    @app.route("/test/reads-then-writes")
    @reads_only
    @public
    def reads_then_writes():
        record_event("test.write")
        db.session.commit()
        return "written"

    @app.route("/test/reads-then-asks-to-write")
    @reads_only
    @public
    def reads_then_asks_to_write():
        begin_writing()
        record_event("test.write")
        db.session.commit()
        return "written"


def consented_parent(app):
    with app.app_context():
        case = create_case(team=create_team(name="Locks"))
        _invitation, token = create_invitation(case, [READING], None)
    client = app.test_client()
    client.get(f"/p/start/{token}")
    page = get_page(client, "/p/")
    first = client.post("/p/", data={"csrf_token": csrf_token(page), "agree": "y"})
    return client, first.headers["Location"]


def in_thread(call):
    result = {}
    thread = threading.Thread(target=lambda: result.setdefault("response", call()))
    thread.start()
    return thread, result


def test_a_question_page_is_served_while_another_process_holds_the_write_lock(sqlite_app):
    client, url = consented_parent(sqlite_app)
    page = get_page(client, url)
    token = csrf_token(page)
    writer = sqlite3.connect(sqlite_app.config["database_path"], isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another worker in the middle of a save
    try:
        reader, read = in_thread(lambda: client.get(url))
        reader.join(timeout=3)
        assert not reader.is_alive(), "the question page waited for the write lock"
        assert read["response"].status_code == 200
        # A save does wait for the lock (shows the lock is real), and succeeds once it is free.
        saver, saved = in_thread(
            lambda: client.post(
                "/p/answers",
                json={"questionnaire": READING.id, "item": READING.items[0].id, "value": "often"}
                | {"seq": 1},
                headers={"X-CSRFToken": token},
            )
        )
        saver.join(timeout=1.5)
        assert saver.is_alive(), "the save did not wait for the write lock"
    finally:
        writer.execute("COMMIT")
        writer.close()
    saver.join(timeout=10)
    assert saved["response"].status_code == 200, saved["response"].get_data(as_text=True)


def test_a_read_only_view_that_writes_fails_loudly(sqlite_app):
    with pytest.raises(WriteInReadOnlyView, match="reads_then_writes wrote to the database on GET"):
        sqlite_app.test_client().get("/test/reads-then-writes")


def test_a_read_only_view_may_ask_to_write(sqlite_app):
    response = sqlite_app.test_client().get("/test/reads-then-asks-to-write")
    assert response.status_code == 200 and response.get_data(as_text=True) == "written"
