"""Things a worker must do by hand, such as a message Notify refused: listed on the case."""

from __future__ import annotations

from sqlalchemy import select

from webapp.access.audit import record_event
from webapp.extensions import db
from webapp.storage.records import Case, Message, WorkerTask


def add_task(case_id: int, kind: str, text: str, message: Message | None = None) -> WorkerTask:
    """Add a task in the caller's transaction."""
    task = WorkerTask(
        case_id=case_id, kind=kind, text=text, message_id=message.id if message else None
    )
    db.session.add(task)
    record_event("task.created", case_id=case_id, detail=kind)
    return task


def open_tasks(case: Case) -> list[WorkerTask]:
    return list(
        db.session.scalars(
            select(WorkerTask)
            .where(WorkerTask.case_id == case.id, WorkerTask.done_at.is_(None))
            .order_by(WorkerTask.created_at, WorkerTask.id)
        )
    )
