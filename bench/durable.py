"""The durable-commit baseline for the web benchmark: what the database and its driver can do
for the kind of write an answer save makes, with no web app around it.

CONNECTIONS threads, each with its own connection, loop on one small transaction: an
insert-or-update of one row of a table shaped like ``answer`` (the row the thread is on), then
a commit that reaches the disk. SQLite runs with the service's own pragmas (WAL, a busy
timeout, synchronous=FULL) and BEGIN IMMEDIATE; PostgreSQL with psycopg and its defaults
(synchronous_commit on). The answer save is measured against this and against a bare hello."""

from __future__ import annotations

import threading
import time
from pathlib import Path

UPSERT = (
    "INSERT INTO bench_durable (response_id, item_id, value, seq) VALUES ({p}, {p}, {p}, {p}) "
    "ON CONFLICT (response_id, item_id) DO UPDATE SET value = excluded.value, seq = excluded.seq "
    "WHERE bench_durable.seq < excluded.seq"
)
TABLE = (
    "CREATE TABLE IF NOT EXISTS bench_durable (response_id INTEGER NOT NULL, item_id "
    "VARCHAR(64) NOT NULL, value TEXT NOT NULL, seq BIGINT NOT NULL, "
    "PRIMARY KEY (response_id, item_id))"
)


def durable_commits(database_uri: str, *, threads: int, seconds: float) -> tuple[float, float]:
    """Commits per second and the p95 commit time in ms, over ``seconds``."""
    connect, placeholder, begin = _driver(database_uri)
    with connect() as setup:
        setup.execute(TABLE)
        setup.execute("DELETE FROM bench_durable")
        setup.commit()
    upsert = UPSERT.format(p=placeholder)
    times: list[list[float]] = [[] for _ in range(threads)]
    start = threading.Barrier(threads + 1)
    ends = [0.0]  # when the threads stop: set once every thread is ready

    def run(number: int) -> None:
        connection = connect()
        spent = times[number]
        seq = 0
        start.wait()
        while time.perf_counter() < ends[0]:
            seq += 1
            began = time.perf_counter()
            if begin:
                connection.execute(begin)
            connection.execute(upsert, (number, f"item{seq % 40}", f"value {seq}", seq))
            connection.commit()
            spent.append(time.perf_counter() - began)
        connection.close()

    workers = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    began = time.perf_counter()
    ends[0] = began + seconds
    start.wait()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - began
    every = sorted(t for spent in times for t in spent)
    p95 = every[int(len(every) * 0.95)] * 1000 if every else float("nan")
    return len(every) / elapsed, p95


def _driver(database_uri: str):
    """(connect, parameter placeholder, BEGIN statement or None) for the URI's database."""
    if database_uri.startswith("sqlite:///"):
        import sqlite3

        path = Path(database_uri.removeprefix("sqlite:///")).with_name("durable.sqlite")

        def connect():
            connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA busy_timeout=10000")
            connection.execute("PRAGMA synchronous=FULL")
            return _SQLite(connection)

        return connect, "?", "BEGIN IMMEDIATE"
    import psycopg

    url = database_uri.replace("postgresql+psycopg://", "postgresql://", 1)
    return (lambda: psycopg.connect(url)), "%s", None


class _SQLite:
    """A sqlite3 connection in autocommit mode (we BEGIN ourselves), used as a context."""

    def __init__(self, connection):
        self._connection = connection

    def execute(self, sql, parameters=()):
        return self._connection.execute(sql, parameters)

    def commit(self):
        if self._connection.in_transaction:
            self._connection.execute("COMMIT")

    def close(self):
        self._connection.close()

    def __enter__(self):
        return self

    def __exit__(self, *_exc):
        self.close()
