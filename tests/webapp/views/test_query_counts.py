"""Pages make a fixed number of queries however many cases there are (no N+1), and stay under a
fixed budget. The counts are of real SQL statements sent to the database."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from questionnaires import builtin_library
from tests.factories import consent_to_refer, create_case, create_team, create_user, sign_in_as
from webapp.extensions import db
from webapp.services.plans import agree_plan
from webapp.services.questions import save_answer, start_response
from webapp.services.review import record_review
from webapp.services.scoring import submit_response

READING = builtin_library().get("reading-writing")
BUDGET = 25  # statements per page, including the session and audit writes


@contextmanager
def counting(app):
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def add_cases(app, team_id: int, user_ids: dict, how_many: int) -> int:
    from webapp.storage.records import Case, Team, User

    with app.app_context():
        team = db.session.get(Team, team_id)
        worker = db.session.get(User, user_ids["intake"])
        clinician = db.session.get(User, user_ids["clinician"])
        last = None
        for n in range(how_many):
            case = create_case(team=team, parent_name=f"Parent {n}")
            response = start_response(case, READING, "with-worker", worker)
            for item in READING.items:
                save_answer(response, item.id, item.option_values[-1])
            submit_response(response, worker)
            agree_plan(case.draft_plan, worker)
            if n % 2:
                consent_to_refer(case=case, worker=worker)
                record_review(
                    db.session.get(Case, case.id),
                    clinician,
                    "refer",
                    {"literacy": "dyslexia-assessment"},
                    "Refer",
                )
            last = case.id
        return last


@pytest.fixture
def world(app):
    with app.app_context():
        team = create_team()
        intake, clinician = (create_user(role=r, team=team) for r in ("intake", "clinician"))
        admin = create_user(role="admin", team=None)
        return {
            "team": team.id,
            "ids": {"intake": intake.id, "clinician": clinician.id},
            "sessions": {
                "intake": intake.get_id(),
                "clinician": clinician.get_id(),
                "admin": admin.get_id(),
            },
        }


PAGES = [
    ("intake", "/cases"),
    ("intake", "/cases?flag=likely"),
    ("intake", "/cases/{case}"),
    ("intake", "/cases/{case}/plan"),
    ("clinician", "/review"),
    ("clinician", "/review/cases/{case}"),
    ("intake", "/dashboard"),
    ("admin", "/dashboard"),
]


def measure(app, world, case_id: int) -> dict[str, int]:
    counts = {}
    for role, url in PAGES:
        client = app.test_client()
        sign_in_as(client, world["sessions"][role])
        with counting(app) as statements:
            assert client.get(url.format(case=case_id)).status_code == 200, url
        counts[f"{role} {url}"] = len(statements)
    return counts


def test_queries_per_page_do_not_grow_with_the_number_of_cases(app, world):
    first = add_cases(app, world["team"], world["ids"], 4)
    few = measure(app, world, first)
    add_cases(app, world["team"], world["ids"], 12)
    many = measure(app, world, first)
    assert many == few, {k: (few[k], many[k]) for k in few if few[k] != many[k]}
    over = {page: n for page, n in many.items() if n > BUDGET}
    assert not over, f"pages over the budget of {BUDGET} statements: {over}"
