"""On an agreed plan's review date the worker is asked to review it: a task on the case and on
their task list, due that day. Run by each pass of `flask send-messages`, so it follows the
sender's clock (``now``); a plan is asked about once for each review date."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import exists, select

from webapp.extensions import db
from webapp.services.tasks import add_task
from webapp.storage.clock import utcnow
from webapp.storage.records import Plan, WorkerTask
from webapp.storage.states import PlanStatus

PLAN_REVIEW = "plan_review"


def ask_for_plan_reviews(now: datetime | None = None) -> int:
    """Add a review task for each case's current agreed plan whose review date has come."""
    now = now or utcnow()
    zone = ZoneInfo(current_app.config["DISPLAY_TIMEZONE"])
    today = now.replace(tzinfo=UTC).astimezone(zone).date()
    asked = exists().where(
        WorkerTask.case_id == Plan.case_id,
        WorkerTask.kind == PLAN_REVIEW,
        WorkerTask.due_on == Plan.review_date,
    )
    due = db.session.scalars(
        select(Plan).where(Plan.status == PlanStatus.AGREED, Plan.review_date <= today, ~asked)
    ).all()
    added = 0
    for plan in due:
        if plan is not plan.case.agreed_plan:  # a newer version was agreed since
            continue
        task = add_task(
            plan.case_id,
            PLAN_REVIEW,
            f"Review the communication plan (version {plan.version}) with the parent: "
            "ask whether each adjustment helped, and agree a new version if anything changes.",
        )
        task.due_on = plan.review_date
        added += 1
    db.session.commit()
    return added
