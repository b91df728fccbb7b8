"""SQLite writers take turns on a kernel lock beside the database (storage/write_lock.py): held
from BEGIN IMMEDIATE until the commit or rollback has finished, honoured by every process,
dropped by the kernel when its holder dies. These tests use their own SQLite file even in the
PostgreSQL run: the lock is SQLite's."""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import signal
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import app_on_own_sqlite
from webapp.access.audit import record_event
from webapp.extensions import db
from webapp.storage.records import AuditEvent
from webapp.storage.write_lock import lock_for


@pytest.fixture
def sqlite_app(migrated_sqlite, tmp_path):
    with app_on_own_sqlite(migrated_sqlite, tmp_path, "own.sqlite") as app:
        app.config["lock_path"] = Path(f"{(tmp_path / 'own.sqlite').resolve()}-writer.lock")
        yield app


def lock_is_free(path: Path) -> bool:
    """Whether another open file of the lock could take it now (flock locks belong to open
    files, so this conflicts with a holder in this same process too)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return True
    finally:
        os.close(fd)


def events(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuditEvent))


@pytest.mark.parametrize("ending", ["commit", "rollback"])
def test_a_write_transaction_holds_the_lock_until_it_ends(sqlite_app, ending):
    path = sqlite_app.config["lock_path"]
    with sqlite_app.app_context():
        record_event("test.write")
        db.session.flush()  # BEGIN IMMEDIATE and the insert
        assert not lock_is_free(path), "a write transaction ran without the write lock"
        getattr(db.session, ending)()
        assert lock_is_free(path), f"the write lock outlived the {ending}"


def test_reads_do_not_take_the_lock(sqlite_app):
    """A page that only reads runs while a writer holds the lock (WAL snapshots)."""
    path = sqlite_app.config["lock_path"]
    holder = os.open(path, os.O_RDWR | os.O_CREAT)
    fcntl.flock(holder, fcntl.LOCK_EX)
    try:
        reader = threading.Thread(target=lambda: sqlite_app.test_client().get("/healthz"))
        reader.start()
        reader.join(timeout=5)
        assert not reader.is_alive(), "a read waited for the write lock"
    finally:
        os.close(holder)


def _hold_the_lock(path: str, held, seconds: float) -> None:
    fd = os.open(path, os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    held.set()
    time.sleep(seconds)  # then exits, and the kernel lets the lock go


def holder(app, seconds: float):
    """Another process that has taken the app's write lock and keeps it ``seconds``."""
    context = multiprocessing.get_context("spawn")
    held = context.Event()
    process = context.Process(
        target=_hold_the_lock, args=(str(app.config["lock_path"]), held, seconds)
    )
    process.start()
    assert held.wait(30)
    return process


def test_a_writer_waits_for_another_process_and_goes_on_when_it_lets_go(sqlite_app):
    other = holder(sqlite_app, 1.0)
    began = time.monotonic()
    with sqlite_app.app_context():
        record_event("test.write")
        db.session.commit()
        waited = time.monotonic() - began
    other.join()
    assert waited > 0.3, "the write did not wait for the other process's lock"
    assert events(sqlite_app) >= 1


def test_a_killed_holder_cannot_keep_the_lock(sqlite_app):
    crashed = holder(sqlite_app, 600)
    os.kill(crashed.pid, signal.SIGKILL)  # a worker that dies mid-write
    crashed.join()
    done = threading.Event()

    def write():
        with sqlite_app.app_context():
            record_event("test.write")
            db.session.commit()
        done.set()

    threading.Thread(target=write, daemon=True).start()
    assert done.wait(10), "the lock outlived the process that held it"


def test_threads_of_one_process_take_turns_and_lose_nothing(sqlite_app):
    before = events(sqlite_app)
    failures: list[BaseException] = []

    def write_many():
        try:
            for _ in range(25):
                with sqlite_app.app_context():
                    record_event("test.write")
                    db.session.commit()
        except BaseException as error:  # reported below, with the thread's error
            failures.append(error)

    threads = [threading.Thread(target=write_many) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures
    assert events(sqlite_app) == before + 200
    assert lock_is_free(sqlite_app.config["lock_path"])


def test_an_in_memory_database_needs_no_lock():
    assert lock_for(":memory:") is None
    assert lock_for("") is None


def _write_once(app_config: dict, done) -> None:
    """In a forked child: one write through an app of its own on the same database."""
    from webapp import create_app

    with create_app(app_config).app_context():
        record_event("test.write")
        db.session.commit()
    done.set()


def test_a_child_forked_while_a_thread_writes_waits_for_the_parent_then_writes(sqlite_app):
    """gunicorn forks its workers; a child must not inherit a lock that no thread of its own
    holds (it would wait for ever), nor jump the parent's."""
    lock = lock_for(sqlite_app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
    assert lock is not None
    lock.acquire()  # this process is writing, as a thread of a worker might be at a fork
    context = multiprocessing.get_context("fork")
    done = context.Event()
    config = {k: v for k, v in sqlite_app.config.items() if k.isupper()}
    child = context.Process(target=_write_once, args=(config, done))
    try:
        child.start()
        assert not done.wait(1.0), "the child wrote while the parent held the lock"
    finally:
        lock.release()
    assert done.wait(20), "the child never wrote: it kept the lock it inherited"
    child.join()
    assert lock_is_free(sqlite_app.config["lock_path"])
