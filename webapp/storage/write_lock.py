"""One writer at a time on a SQLite file, queued in the kernel rather than by busy-waiting.

SQLite lets one transaction write at a time. A second writer that finds the lock taken sleeps
and retries (its busy handler waits 1, 2, 5 ... 100 ms between tries), so under load the
service's saves spent most of their time asleep while the disk sat idle (bench/RESULTS.md).
Here each write transaction first takes an exclusive ``flock`` on a file beside the database:
a waiting process sleeps in the kernel and wakes the moment the holder lets go. The kernel
drops the lock when its holder's process ends, so a crashed worker cannot leave it held.
Threads of one process take a ``threading.Lock`` first, since a ``flock`` is held by the
process's open file, not by a thread.

The lock is taken just before ``BEGIN IMMEDIATE`` (storage/database.py) and let go when the
DBAPI connection commits, rolls back or closes: a ``sqlite3.Connection`` subclass, so the
release comes after the commit has reached the disk, never before.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
from pathlib import Path

# How long a thread waits for another thread of its process before giving up with the error
# SQLite itself gives; as long as the busy timeout (database.py), so nothing fails sooner.
WAIT_SECONDS = 10.0


class _FileLock:
    """An exclusive lock on one file: threads in turn, then processes in turn."""

    def __init__(self, path: str):
        self.path = path
        self._threads = threading.Lock()
        self._fd: int | None = None
        self._pid = 0

    def acquire(self) -> None:
        if not self._threads.acquire(timeout=WAIT_SECONDS):
            raise sqlite3.OperationalError("database is locked")
        try:
            fcntl.flock(self._file(), fcntl.LOCK_EX)
        except BaseException:
            self._threads.release()
            raise

    def release(self) -> None:
        try:
            fcntl.flock(self._file(), fcntl.LOCK_UN)
        finally:
            self._threads.release()

    def _file(self) -> int:
        # Opened once per process: a file opened before a fork is shared with the child, and
        # a lock on a shared open file would be shared too.
        if self._fd is None or self._pid != os.getpid():
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            self._pid = os.getpid()
        return self._fd


_locks: dict[str, _FileLock] = {}
_locks_guard = threading.Lock()


def _start_afresh_after_fork() -> None:
    """A forked child holds none of its parent's write locks: a thread of the parent may have
    held one at the fork, and no thread of the child would ever let it go. Its copy of the
    parent's lock file is closed, which leaves the parent's lock in place (a flock lasts while
    any copy of its open file is open), and the child opens its own on first use."""
    global _locks_guard
    _locks_guard = threading.Lock()
    for lock in _locks.values():
        lock._threads = threading.Lock()
        if lock._fd is not None:
            os.close(lock._fd)
            lock._fd = None


os.register_at_fork(after_in_child=_start_afresh_after_fork)


def lock_for(database: str) -> _FileLock | None:
    """The write lock of a SQLite database file (None for an in-memory database, which one
    connection owns alone)."""
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        return None
    path = str(Path(database).resolve()) + "-writer.lock"
    with _locks_guard:
        if path not in _locks:
            _locks[path] = _FileLock(path)
        return _locks[path]


class SerialisedWrites(sqlite3.Connection):
    """A SQLite connection that holds its database's write lock from begin_write() until its
    transaction ends (commit, rollback or close, whichever comes first)."""

    write_lock: _FileLock | None = None
    _holding = False

    def begin_write(self) -> None:
        if self.write_lock is not None and not self._holding:
            self.write_lock.acquire()
            self._holding = True

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._let_go()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._let_go()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._let_go()

    def _let_go(self) -> None:
        if self._holding:
            self._holding = False
            assert self.write_lock is not None
            self.write_lock.release()
