"""Backups that are consistent while the service runs: SQLite's online backup API (copying
the file under writes loses committed rows), or pg_dump / pg_restore for PostgreSQL."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import click
from flask import Flask, current_app
from sqlalchemy.engine import make_url


def _sqlite_path(uri: str) -> Path:
    return Path(make_url(uri).database)


def _libpq_url(uri: str) -> str:
    """pg_dump speaks libpq URLs: drop SQLAlchemy's driver name."""
    return make_url(uri).set(drivername="postgresql").render_as_string(hide_password=False)


def _pg_tool(name: str) -> str:
    found = shutil.which(name) or next(
        (str(p) for p in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))), None
    )
    if found is None:
        raise click.ClickException(f"{name} is missing: install PostgreSQL's client tools.")
    return found


def backup(target: Path) -> None:
    uri = current_app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite"):
        # closing(), not the connection's own context manager, which commits but never closes.
        with (
            closing(sqlite3.connect(_sqlite_path(uri))) as source,
            closing(sqlite3.connect(target)) as copy,
        ):
            source.backup(copy)
    else:
        # Our own tool and arguments (the configured database URL), no shell.
        subprocess.run(  # noqa: S603  # nosec B603
            [
                _pg_tool("pg_dump"),
                "--format=custom",
                f"--file={target}",  # noqa: S603
                _libpq_url(uri),
            ],
            check=True,
        )


def restore(source: Path) -> None:
    uri = current_app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite"):
        with (
            closing(sqlite3.connect(source)) as backup_file,
            closing(sqlite3.connect(_sqlite_path(uri))) as db,
        ):
            backup_file.backup(db)
    else:
        subprocess.run(  # noqa: S603  # nosec B603
            [
                _pg_tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",  # noqa: S603
                f"--dbname={_libpq_url(uri)}",
                str(source),
            ],
            check=True,
        )


def register(app: Flask) -> None:
    @app.cli.command("backup")
    @click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
    def backup_command(path: Path):
        """Back up the database to PATH while the service keeps running."""
        backup(path)
        click.echo(f"Backed up to {path}.")

    @app.cli.command("restore")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--yes", is_flag=True, help="Confirm: the current data is replaced.")
    def restore_command(path: Path, yes: bool):
        """Replace the database with a backup made by `flask backup`."""
        if not yes:
            raise click.ClickException("Restoring replaces all current data: add --yes.")
        restore(path)
        click.echo(f"Restored from {path}.")
