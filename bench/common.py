"""Shared pieces for the benchmarks: a migrated throwaway database, a parent with a link, and a
small table printer. Benchmarks print figures against goals or a baseline from the same run."""

from __future__ import annotations

import platform
import tempfile
from pathlib import Path

from webapp import create_app
from webapp.storage.database import init_database


def fresh_app(database_uri: str | None = None, **config):
    """An app on a new migrated SQLite file (or the given database)."""
    if database_uri is None:
        directory = Path(tempfile.mkdtemp(prefix="bench-"))
        database_uri = f"sqlite:///{directory / 'bench.sqlite'}"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_uri,
            "DEMO_MODE": True,
            "IMPORTED_CONTENT_DIR": tempfile.mkdtemp(prefix="bench-imported-"),
            **config,
        }
    )
    init_database(app)
    return app, database_uri


def parent_link(app, questionnaire_ids=("reading-writing",)) -> str:
    """A consented-to-be parent's link path (/p/start/<token>) on a new case."""
    from questionnaires import builtin_library
    from webapp.extensions import db
    from webapp.services.invitations import create_invitation
    from webapp.storage.records import Case, Team

    with app.app_context():
        team = Team(name=f"Bench {id(app)}")
        case = Case(
            team=team,
            parent_name="Bench Parent",
            contact_method="phone",
            phone="07700 900000",
            language="English",
        )
        db.session.add_all([team, case])
        db.session.commit()
        chosen = [builtin_library().get(q) for q in questionnaire_ids]
        _invitation, token = create_invitation(case, chosen, None)
        return f"/p/start/{token}"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import os

    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


def table(title: str, header: list[str], rows: list[list]) -> None:
    widths = [max(len(str(x)) for x in column) for column in zip(header, *rows, strict=False)]
    print(f"\n{title}")
    print("  ".join(str(h).ljust(w) for h, w in zip(header, widths, strict=False)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=False)))
