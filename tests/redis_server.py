"""A real Redis (Debian's redis-server) on a free port of 127.0.0.1, that a test starts and stops:
no persistence (--save '' --appendonly no), its files in the test's own directory."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest
import redis

from tests.load.server import free_port

REDIS_SERVER = shutil.which("redis-server", path="/usr/bin:/usr/sbin:/usr/local/bin")


def require_redis() -> str:
    """Fail (never skip) without Redis: make test installs Debian's redis-server package."""
    if not REDIS_SERVER:
        pytest.fail("redis-server is missing: install Debian's redis-server (make test does this)")
    return REDIS_SERVER


class RedisServer:
    """Start with start() (or as a context manager); stop() and start() again on the same port,
    as an outage and a recovery."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def uri(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                require_redis(),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.answers():
                return self
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.uri, socket_timeout=2, decode_responses=True)

    def answers(self) -> bool:
        try:
            return bool(self.client().ping())
        except redis.RedisError:
            return False

    def stored_keys(self, pattern: str = "*") -> list[str]:
        return sorted(self.client().keys(pattern))

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(self, *_exc) -> None:
        self.stop()
