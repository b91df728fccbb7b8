"""The case lifecycle's migration gives every existing case a worker: whoever opened it."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from tests.factories import create_case, create_team, create_user
from webapp.extensions import db
from webapp.storage.database import MIGRATIONS_DIR

BEFORE_LIFECYCLE = "d13b7e2f9c02"


def test_existing_cases_are_assigned_to_whoever_opened_them(app):
    with app.app_context():
        team = create_team()
        worker = create_user(role="intake", team=team)
        opened = create_case(team=team, parent_name="Known Opener")
        opened.created_by_id = worker.id
        unknown = create_case(team=team, parent_name="Unknown Opener")
        db.session.commit()
        ids = (opened.id, unknown.id, worker.id)
        db.session.remove()

        downgrade(directory=MIGRATIONS_DIR, revision=BEFORE_LIFECYCLE)
        upgrade(directory=MIGRATIONS_DIR)
        with db.engine.connect() as connection:
            rows = dict(
                connection.execute(text("select id, assigned_to_id from case_record")).all()
            )
        assert rows == {ids[0]: ids[2], ids[1]: None}
