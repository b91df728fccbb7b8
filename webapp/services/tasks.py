"""Things a worker must do by hand: a message Notify refused, a link about to close, and what
the plan's adjustments ask for a meeting (book an interpreter, send the summary). Each is on
the case and on the worker's task list, with its due date; the worker marks it done, or not
needed with a note saying why."""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import contains_eager

from webapp.access.audit import record_event
from webapp.extensions import db
from webapp.services.errors import WorkflowError
from webapp.storage.clock import utcnow
from webapp.storage.records import Case, Meeting, Message, User, WorkerTask
from webapp.storage.states import TaskOutcome


def add_task(case_id: int, kind: str, text: str, message: Message | None = None) -> WorkerTask:
    """Add a task in the caller's transaction."""
    task = WorkerTask(
        case_id=case_id, kind=kind, text=text, message_id=message.id if message else None
    )
    db.session.add(task)
    record_event("task.created", case_id=case_id, detail=kind)
    return task


def _by_due_date(query):
    # Tasks with a due date first, soonest first; then the undated ones, oldest first.
    return query.order_by(
        WorkerTask.due_on.is_(None), WorkerTask.due_on, WorkerTask.created_at, WorkerTask.id
    )


def open_tasks(case: Case) -> list[WorkerTask]:
    return list(
        db.session.scalars(
            _by_due_date(
                select(WorkerTask).where(
                    WorkerTask.case_id == case.id, WorkerTask.done_at.is_(None)
                )
            )
        )
    )


def worker_tasks(user: User) -> list[WorkerTask]:
    """The open tasks on the worker's open cases (those they opened) and meetings they booked,
    in their team. A closed case leaves the list with its tasks (they come back if it is
    reopened)."""
    query = (
        select(WorkerTask)
        .join(Case, Case.id == WorkerTask.case_id)
        .outerjoin(Meeting, Meeting.id == WorkerTask.meeting_id)
        .where(
            WorkerTask.done_at.is_(None),
            Case.team_id == user.team_id,
            Case.closed_at.is_(None),
            or_(Case.created_by_id == user.id, Meeting.created_by_id == user.id),
        )
        # The list names each task's parent: the case comes with the task, not one by one.
        .options(contains_eager(WorkerTask.case))
    )
    return list(db.session.scalars(_by_due_date(query)))


def is_overdue(task: WorkerTask, today: date) -> bool:
    return task.done_at is None and task.due_on is not None and task.due_on < today


def task_of_case(case: Case, task_id: int) -> WorkerTask:
    task = db.session.get(WorkerTask, task_id)
    if task is None or task.case_id != case.id:
        raise LookupError(task_id)
    return task


def close_task(task: WorkerTask, user: User, outcome: str, note: str | None) -> None:
    """Done, or not needed with a note (why it was not needed is what a reviewer asks)."""
    if task.done_at is not None:
        raise WorkflowError("This task is already closed")
    note = (note or "").strip() or None
    if outcome == TaskOutcome.NOT_NEEDED and note is None:
        raise WorkflowError("Enter why the task is not needed")
    task.outcome = TaskOutcome(outcome)
    task.note = note
    task.done_at = utcnow()
    task.closed_by_id = user.id
    record_event("task.closed", case_id=task.case_id, detail=f"{task.kind}: {outcome}")
    db.session.commit()
