"""A throwaway PostgreSQL cluster from Debian's postgresql package, as
scripts/with-throwaway-postgres makes one (initdb in a temporary directory, 127.0.0.1 only,
trust on a private socket), but one a test can stop and start again."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.load.server import free_port


def postgres_bin() -> Path:
    """Fail (never skip) without PostgreSQL: make test installs Debian's postgresql package."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda path: int(path.parent.parent.name) if path.parent.parent.name.isdigit() else 0,
    )
    if not found:
        pytest.fail("PostgreSQL is missing: install Debian's postgresql (make test does this)")
    return found[-1].parent


class PostgresCluster:
    def __init__(self):
        self.bin = postgres_bin()
        self.port = free_port()
        # Not under pytest's private tmp dirs: as root, the cluster runs as the postgres user
        # (initdb refuses root), who must be able to reach its directory.
        self.directory = Path(tempfile.mkdtemp(prefix="throwaway-pg."))
        self.directory.chmod(0o755)
        self.run_as: list[str] = []
        if os.geteuid() == 0:
            if subprocess.run(["id", "postgres"], capture_output=True, check=False).returncode:
                subprocess.run(["useradd", "--system", "--no-create-home", "postgres"], check=True)
            shutil.chown(self.directory, "postgres")
            self.run_as = ["runuser", "-u", "postgres", "--"]

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/screening"

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run([*self.run_as, str(self.bin / tool), *args], check=True, capture_output=True)

    def create(self) -> PostgresCluster:
        self._run(
            "initdb",
            "-D",
            str(self.directory / "data"),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
        )
        self.start()
        self._run(
            "createdb",
            "-h",
            str(self.directory),
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "screening",
        )
        return self

    def start(self) -> None:
        options = (
            f"-k {self.directory} -p {self.port} -c listen_addresses=127.0.0.1 "
            "-c max_connections=200"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.directory / "data"),
            "-l",
            str(self.directory / "log"),
            "-w",
            "-o",
            options,
            "start",
        )

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.directory / "data"), "-m", "immediate", "-w", "stop")

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> PostgresCluster:
        try:
            return self.create()
        except BaseException:
            shutil.rmtree(self.directory, ignore_errors=True)
            raise

    def __exit__(self, *_exc) -> None:
        self.remove()
