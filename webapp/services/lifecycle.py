"""A case's lifecycle: its assigned worker, transfer to a worker or a team, closing with a
reason and reopening. Each step is audited by ids and codes, never the reason's words."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from webapp.access.audit import record_event
from webapp.access.security import CLOSED_CASE
from webapp.extensions import db
from webapp.services.errors import WorkflowError
from webapp.services.invitations import revoke_invitation
from webapp.services.tasks import add_task
from webapp.storage.clock import utcnow
from webapp.storage.records import Case, Team, User, WorkerTask
from webapp.storage.states import CloseReason, Role, TaskKind


@dataclass(frozen=True)
class TransferTargets:
    """Whom a case can go to: the intake workers of its team, and the other teams."""

    workers: list[User]
    teams: list[Team]


def transfer_targets(case: Case) -> TransferTargets:
    workers = db.session.scalars(
        select(User)
        .where(User.team_id == case.team_id, User.role == Role.INTAKE, User.active.is_(True))
        .order_by(User.name, User.id)
    )
    teams = db.session.scalars(select(Team).where(Team.id != case.team_id).order_by(Team.name))
    return TransferTargets(
        workers=[w for w in workers if w.id != case.assigned_to_id], teams=list(teams)
    )


def ensure_open(case: Case) -> None:
    """Refuse a change to a closed case."""
    if case.closed:
        raise WorkflowError(CLOSED_CASE)


def _finish_transfer_tasks(case: Case) -> None:
    """The team's "pick this case up" task is done once a worker has it."""
    for task in db.session.scalars(
        select(WorkerTask).where(
            WorkerTask.case_id == case.id,
            WorkerTask.kind == TaskKind.CASE_TRANSFERRED,
            WorkerTask.done_at.is_(None),
        )
    ):
        task.done_at = utcnow()


def transfer_to_worker(case: Case, worker_id: int, by: User, reason: str) -> User:
    """Give the case to another intake worker of its team."""
    ensure_open(case)
    worker = next((w for w in transfer_targets(case).workers if w.id == worker_id), None)
    if worker is None:
        raise WorkflowError("Select a worker in this team")
    case.assigned_to_id = worker.id
    _finish_transfer_tasks(case)
    if worker.id != by.id:
        add_task(
            case.id,
            TaskKind.CASE_TRANSFERRED,
            f"{by.name} transferred this referral to {worker.name}: {reason}",
        )
    record_event("case.transferred", case_id=case.id, detail=f"to worker {worker.id}")
    db.session.commit()
    return worker


def transfer_to_team(case: Case, team_id: int, by: User, reason: str) -> Team:
    """Give the case to another team. Nobody there has it yet: the team gets a task to pick
    it up, and sees it among the cases needing a worker."""
    ensure_open(case)
    team = next((t for t in transfer_targets(case).teams if t.id == team_id), None)
    if team is None:
        raise WorkflowError("Select another team")
    from_team = case.team.name
    case.team_id = team.id
    case.assigned_to_id = None
    _finish_transfer_tasks(case)
    add_task(
        case.id,
        TaskKind.CASE_TRANSFERRED,
        f"{by.name} of {from_team} transferred this referral to your team: {reason}."
        " Assign a worker.",
    )
    record_event("case.transferred", case_id=case.id, detail=f"to team {team.id}")
    db.session.commit()
    return team


def close_case(case: Case, reason: str, note: str | None) -> None:
    """Close the case: it leaves the lists and queues, and its open links stop working.
    Its retention still runs from when it was opened."""
    ensure_open(case)
    if reason not in set(CloseReason):
        raise WorkflowError("Select why you are closing this referral")
    if case.open_safety_alerts:
        raise WorkflowError("Record the safety check before closing this referral")
    for invitation in case.invitations:
        revoke_invitation(invitation, commit=False)
    case.closed_at = utcnow()
    case.close_reason = reason
    case.close_note = note or None
    record_event("case.closed", case_id=case.id, detail=reason)
    db.session.commit()


def reopen_case(case: Case) -> None:
    if not case.closed:
        raise WorkflowError("This referral is already open")
    case.closed_at = None
    case.close_reason = None
    case.close_note = None
    record_event("case.reopened", case_id=case.id)
    db.session.commit()


def waiting_for_a_worker(team_id: int) -> int:
    """How many of the team's open cases nobody has: transferred in, or their worker left."""
    return (
        db.session.scalar(
            select(func.count(Case.id)).where(
                Case.team_id == team_id, Case.assigned_to_id.is_(None), Case.closed_at.is_(None)
            )
        )
        or 0
    )
