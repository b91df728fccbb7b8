"""On the plan's review date the worker is asked to review it, under a frozen clock: not the
day before, once on the day however often the sender runs, and never for a replaced plan."""

from __future__ import annotations

from datetime import date, datetime

import time_machine
from sqlalchemy import select

from tests.factories import create_case, create_team, create_user
from webapp.extensions import db
from webapp.services.plan_reviews import ask_for_plan_reviews
from webapp.services.plans import agree_plan, propose_new_plan
from webapp.storage.records import Case, User, WorkerTask


def agreed_case(app, review: date) -> int:
    with app.app_context():
        team = create_team()
        worker = create_user(role="intake", team=team)
        case = create_case(team=team)
        plan = propose_new_plan(case)
        db.session.commit()
        agree_plan(plan, db.session.get_one(User, worker.id))
        plan.review_date = review
        db.session.commit()
        return case.id


def tasks(app) -> list[tuple]:
    with app.app_context():
        return [
            (t.kind, t.due_on)
            for t in db.session.scalars(select(WorkerTask).where(WorkerTask.kind == "plan_review"))
        ]


def at(app, moment: datetime) -> int:
    with time_machine.travel(moment, tick=False), app.app_context():
        return ask_for_plan_reviews()


def test_the_worker_is_asked_on_the_review_date_once(app):
    agreed_case(app, date(2027, 6, 1))
    assert at(app, datetime(2027, 5, 31, 22, 59)) == 0  # 11:59 pm in London (summer time)
    assert at(app, datetime(2027, 5, 31, 23, 0)) == 1  # midnight in London: the review date
    assert at(app, datetime(2027, 6, 2, 9, 0)) == 0  # once, however often the sender runs
    assert tasks(app) == [("plan_review", date(2027, 6, 1))]


def test_a_plan_replaced_by_a_newer_agreed_version_is_not_asked_about(app):
    case_id = agreed_case(app, date(2027, 6, 1))
    with app.app_context():
        case = db.session.get_one(Case, case_id)
        newer = propose_new_plan(case)
        db.session.commit()
        agree_plan(newer, db.session.scalars(select(User)).first())
        newer.review_date = date(2027, 12, 1)
        db.session.commit()
    assert at(app, datetime(2027, 7, 1, 9, 0)) == 0
    assert at(app, datetime(2027, 12, 1, 9, 0)) == 1


def test_the_sender_asks_for_reviews_on_its_clock(app, notify):
    agreed_case(app, date(2027, 6, 1))
    runner = app.test_cli_runner()
    runner.invoke(args=["send-messages", "--once", "--now", "2027-05-30T09:00:00"])
    assert tasks(app) == []
    result = runner.invoke(args=["send-messages", "--once", "--now", "2027-06-01T09:00:00"])
    assert result.exit_code == 0, result.output
    assert tasks(app) == [("plan_review", date(2027, 6, 1))]
