"""Pages make a fixed number of queries however many cases there are (no N+1), and stay under a
fixed budget. The counts are of real SQL statements sent to the database."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event, select

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


# The parent's busiest requests, statement by statement (transaction control aside): a question
# page reads the link and all its answers; an autosave reads the link, its response's id and the
# active fitted scorecards, then writes the answer in ONE statement. Each questionnaire of the
# link used to cost a query of its own, and the save a locked re-read and a separate lookup.
LINK_QUESTIONNAIRES = [
    builtin_library().get(q)
    for q in ("reading-writing", "attention-organisation", "social-communication")
]


def sql_of(statements: list[str]) -> list[str]:
    control = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")
    return [s for s in statements if not s.lstrip().upper().startswith(control)]


def test_a_question_page_and_an_autosave_make_a_fixed_few_statements(app, world):
    from tests.pages import csrf_token, get_page
    from tests.webapp.views.test_parent_journey import make_link, open_and_consent

    with app.app_context():
        from webapp.storage.records import Team

        case = create_case(team=db.session.get(Team, world["team"]))
        case_id = case.id
    client = app.test_client()
    first = open_and_consent(client, make_link(app, case_id, LINK_QUESTIONNAIRES))
    token = csrf_token(get_page(client, first))
    for n, item in enumerate(READING.items[:5]):  # some answers already saved
        client.post(
            "/p/answers",
            json={"questionnaire": READING.id, "item": item.id, "value": item.option_values[0]}
            | {"seq": n + 1},
            headers={"X-CSRFToken": token},
        )

    with counting(app) as statements:
        assert client.get(first).status_code == 200
    page = sql_of(statements)
    assert len(page) == 2, page
    assert all(s.lstrip().upper().startswith("SELECT") for s in page), page

    item = READING.items[6]
    with counting(app) as statements:
        saved = client.post(
            "/p/answers",
            json={"questionnaire": READING.id, "item": item.id, "value": item.option_values[0]}
            | {"seq": 100},
            headers={"X-CSRFToken": token},
        )
    assert saved.status_code == 200, saved.get_data(as_text=True)
    save = sql_of(statements)
    writes = [s for s in save if not s.lstrip().upper().startswith("SELECT")]
    assert len(save) == 4, save
    assert len(writes) == 1 and writes[0].lstrip().upper().startswith("INSERT INTO ANSWER"), save
    assert "ON CONFLICT" in writes[0].upper()


# The worker's task list: each plan review task says how many of the parent's answers are in.
# Worked out task by task, that was a few statements for every review task on the list.
def add_cases_with_tasks(app, team_id: int, worker_id: int, how_many: int) -> None:
    """Cases of the worker's, each with an agreed plan due for review today (so a review task),
    some of the parent's answers recorded, and two other tasks of other kinds."""
    from datetime import timedelta

    from webapp.services.plan_review_answers import record_review_answers
    from webapp.services.plan_reviews import ask_for_plan_reviews
    from webapp.services.plans import add_adjustment, propose_new_plan
    from webapp.services.tasks import add_task
    from webapp.storage.clock import utcnow
    from webapp.storage.records import Team, User

    with app.app_context():
        team = db.session.get(Team, team_id)
        worker = db.session.get(User, worker_id)
        today = utcnow().date()
        for n in range(how_many):
            case = create_case(team=team, parent_name=f"Task Parent {n}")
            case.created_by_id = worker.id
            plan = propose_new_plan(case)
            db.session.commit()
            add_adjustment(plan, "text-reminders", "The parent asked for texts.")
            agree_plan(plan, worker)
            plan.review_date = today
            late = add_task(case.id, "book_interpreter", f"Book an interpreter ({n}).")
            late.due_on = today - timedelta(days=1)
            add_task(case.id, "send_summary", f"Send the parent a summary ({n}).")
            db.session.commit()
            given = list({"text-reminders": "did_not_help", "offer-advocate": "helped"}.items())
            if n % 3:  # none, one or two answers in
                record_review_answers(case, plan.version, worker, dict(given[: n % 3]))
        ask_for_plan_reviews()


def test_the_task_list_makes_the_same_statements_however_many_review_tasks(app, world):
    from tests.pages import get_page

    client = app.test_client()
    sign_in_as(client, world["sessions"]["intake"])

    def measure_tasks(expected_reviews: int) -> int:
        with counting(app) as statements:
            page = get_page(client, "/tasks")
        assert len(page.select("[data-testid=review-progress]")) == expected_reviews
        return len(statements)

    add_cases_with_tasks(app, world["team"], world["ids"]["intake"], 3)
    few = measure_tasks(3)
    add_cases_with_tasks(app, world["team"], world["ids"]["intake"], 3)
    many = measure_tasks(6)
    assert many == few, (few, many)
    assert many <= BUDGET, many


def test_the_case_page_makes_the_same_statements_however_many_tasks(app, world):
    """The case page lists the case's open tasks with the same lines as the task list."""
    from tests.pages import get_page
    from webapp.services.plan_reviews import PLAN_REVIEW
    from webapp.services.tasks import add_task
    from webapp.storage.records import Case

    add_cases_with_tasks(app, world["team"], world["ids"]["intake"], 2)
    with app.app_context():
        case = db.session.scalars(select(Case).where(Case.parent_name == "Task Parent 1")).one()
        case_id = case.id
    client = app.test_client()
    sign_in_as(client, world["sessions"]["intake"])

    def measure_case(expected_tasks: int, expected_reviews: int) -> int:
        with counting(app) as statements:
            page = get_page(client, f"/cases/{case_id}")
        assert len(page.select("[data-testid=tasks] li")) == expected_tasks
        assert len(page.select("[data-testid=review-progress]")) == expected_reviews
        return len(statements)

    few = measure_case(3, 1)
    with app.app_context():
        # More tasks of each kind, a second review among them (an older one left open).
        for n in range(3):
            add_task(case_id, "book_interpreter", f"Book another interpreter ({n}).")
        add_task(case_id, PLAN_REVIEW, "Review the communication plan again.")
        db.session.commit()
    many = measure_case(7, 2)
    assert many == few, (few, many)
    assert many <= BUDGET, many
