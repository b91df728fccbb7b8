"""Migrations: the models and the migrations never drift, and going down and up again keeps
every row. Runs on SQLite and, in the PostgreSQL CI run, on PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import MetaData, select, text

from questionnaires import builtin_library
from tests.factories import consent_to_refer, create_case, create_team, create_user
from webapp.extensions import db
from webapp.services.plans import agree_plan
from webapp.services.questions import save_answer, start_response
from webapp.services.review import record_review
from webapp.services.scoring import submit_response
from webapp.storage.database import MIGRATIONS_DIR

# A revision before the batch migration of case_record (indexes and referred_at): going back
# past it rebuilds that table on SQLite, which is where foreign keys can take child rows along.
BEFORE_CASE_REBUILD = "2994d7e0c93e"


def test_models_and_migrations_do_not_drift(app):
    with app.app_context(), db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []


def fingerprint() -> dict[str, list[tuple]]:
    metadata = MetaData()
    metadata.reflect(bind=db.engine)
    prints = {}
    for name, table in sorted(metadata.tables.items()):
        if name == "alembic_version":
            continue
        rows = db.session.execute(select(table)).all()
        prints[name] = sorted(tuple(str(v) for v in row) for row in rows)
    return prints


def test_down_and_up_again_keeps_every_row(app):
    with app.app_context():
        team = create_team()
        worker = create_user(role="intake", team=team)
        clinician = create_user(role="clinician", team=team)
        case = create_case(team=team)
        reading = builtin_library().get("reading-writing")
        response = start_response(case, reading, "with-worker", worker)
        for item in reading.items:
            save_answer(response, item.id, item.option_values[-1], seq=1_700_000_000_000)
        submit_response(response, worker)
        agree_plan(case.draft_plan, worker)
        consent = consent_to_refer(case=case, worker=worker)
        record_review(case, clinician, "refer", {"literacy": "dyslexia-assessment"}, "Refer")
        # The consent table is newer than the revision gone back to: it goes with the
        # downgrade, so its row is not one of those this test keeps.
        db.session.delete(consent)
        db.session.commit()
        before = fingerprint()
        assert len(before["answer"]) == 10 and before["plan_item"]
        db.session.remove()

        downgrade(directory=MIGRATIONS_DIR, revision=BEFORE_CASE_REBUILD)
        with db.engine.connect() as connection:
            assert connection.execute(text("select count(*) from answer")).scalar() == 10
        upgrade(directory=MIGRATIONS_DIR)
        db.session.remove()
        assert fingerprint() == before


def test_an_earlier_single_pathway_decision_becomes_a_pathway_of_its_area(app):
    """Before one pathway per area, a decision held one pathway. The migration gives it the area
    whose result suggested that pathway, and the outcome recorded there since."""
    with app.app_context():
        team = create_team()
        worker = create_user(role="intake", team=team)
        clinician = create_user(role="clinician", team=team)
        case = create_case(team=team)
        reading = builtin_library().get("reading-writing")
        response = start_response(case, reading, "with-worker", worker)
        for item in reading.items:
            save_answer(response, item.id, item.option_values[-1])
        submit_response(response, worker)
        ids = {"case": case.id, "clinician": clinician.id}
        db.session.remove()

        downgrade(directory=MIGRATIONS_DIR, revision="d13b7e2f9c02")
        with db.engine.begin() as connection:
            for pathway in ("dyslexia-assessment", "gp"):
                connection.execute(
                    text(
                        "INSERT INTO review (case_id, clinician_id, decision, pathway, note,"
                        " created_at) VALUES (:case, :clinician, 'refer', :pathway, 'Refer',"
                        " '2026-01-01 09:00:00')"
                    ),
                    {**ids, "pathway": pathway},
                )
            connection.execute(
                text(
                    "INSERT INTO outcome (case_id, domain, finding, recorded_by_id, recorded_at)"
                    " VALUES (:case, 'literacy', 'confirmed', :clinician, '2026-02-01 09:00:00')"
                ),
                ids,
            )
        upgrade(directory=MIGRATIONS_DIR)
        with db.engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT domain, pathway, status, outcome_id IS NOT NULL FROM review_pathway"
                    " ORDER BY id"
                )
            ).all()
        assert [tuple(r) for r in rows] == [
            ("literacy", "dyslexia-assessment", "outcome_recorded", True),
            (None, "gp", "referred", False),  # no result suggested it: its area is not known
        ]
