"""Whether the plan was followed, for the dashboard: the share of contacts that followed the
plan, by team and month, and how many meetings held had their adjustments in place. Counted
by the database, like the other figures (services/statistics.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import and_, exists, func, select

from webapp.extensions import db
from webapp.services.statistics import Filters
from webapp.storage.clock import utcnow
from webapp.storage.records import Case, ContactLog, Meeting, Team, WorkerTask


@dataclass(frozen=True)
class TeamMonth:
    team: str
    month: str  # YYYY-MM
    contacts: int
    followed: int

    @property
    def share(self) -> int:
        return round(100 * self.followed / self.contacts) if self.contacts else 0

    @property
    def label(self) -> str:
        return f"{self.team}, {self.month}"


@dataclass
class PlanFigures:
    by_team_month: list[TeamMonth] = field(default_factory=list)
    contacts: int = 0
    followed: int = 0
    meetings_held: int = 0
    meetings_in_place: int = 0

    @property
    def share(self) -> str:
        return f"{round(100 * self.followed / self.contacts)}%" if self.contacts else "none yet"

    @property
    def chart_rows(self) -> list[tuple[str, int]]:
        return [(r.label, r.share) for r in self.by_team_month]


def _month(column):
    """The month of a timestamp as YYYY-MM, in SQLite and PostgreSQL alike."""
    if db.engine.dialect.name == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def plan_figures(filters: Filters) -> PlanFigures:
    figures = PlanFigures()
    month = _month(ContactLog.at).label("month")
    followed = func.count(ContactLog.id).filter(ContactLog.followed_plan.is_(True))
    rows = db.session.execute(
        select(Team.name, month, func.count(ContactLog.id), followed)
        .join(Case, Case.id == ContactLog.case_id)
        .join(Team, Team.id == Case.team_id)
        .where(
            filters.cases(), ContactLog.at <= utcnow()
        )  # reminders still to go are not yet contacts
        .group_by(Team.name, month)
        .order_by(Team.name, month)
    ).all()
    figures.by_team_month = [TeamMonth(*row) for row in rows]
    figures.contacts = sum(r.contacts for r in figures.by_team_month)
    figures.followed = sum(r.followed for r in figures.by_team_month)
    # A meeting held had its adjustments in place when every task due by its day (booking the
    # interpreter, phoning first, offering an advocate) was closed, done or not needed.
    open_before = exists().where(
        WorkerTask.meeting_id == Meeting.id,
        WorkerTask.done_at.is_(None),
        WorkerTask.due_on <= func.date(Meeting.starts_at),
    )
    held = and_(filters.cases(), Meeting.starts_at <= utcnow())
    figures.meetings_held, figures.meetings_in_place = db.session.execute(
        select(func.count(Meeting.id), func.count(Meeting.id).filter(~open_before))
        .join(Case, Case.id == Meeting.case_id)
        .where(held)
    ).one()
    return figures


def plan_frame(figures: PlanFigures):
    """The plan figures as one table, for the CSV download."""
    import pandas as pd

    rows = [(r.team, r.month, r.contacts, r.followed, f"{r.share}%") for r in figures.by_team_month]
    frame = pd.DataFrame(
        rows, columns=["team", "month", "contacts", "followed_plan", "share"], dtype=object
    )
    meetings = pd.DataFrame(
        [("all", "all", figures.meetings_held, figures.meetings_in_place, "meetings held")],
        columns=frame.columns,
        dtype=object,
    )
    return pd.concat([frame, meetings], ignore_index=True)
