"""Figures for the service dashboard, computed by the database (counts and groups, never a
loop over cases), so the page stays fast at 100,000 referrals."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, distinct, func, select

from screening import builtin_content
from webapp.extensions import db
from webapp.storage.records import Case, Plan, Response, Result, Review, Team
from webapp.storage.states import PlanStatus, ReviewState


@dataclass(frozen=True)
class Filters:
    team_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None

    def cases(self):
        conditions = []
        if self.team_id is not None:
            conditions.append(Case.team_id == self.team_id)
        if self.date_from:
            conditions.append(Case.created_at >= datetime.combine(self.date_from, time.min))
        if self.date_to:
            end = datetime.combine(self.date_to + timedelta(days=1), time.min)
            conditions.append(Case.created_at < end)
        return and_(True, *conditions)


@dataclass
class Figures:
    referrals: int = 0
    screened: int = 0
    any_flag: int = 0
    likely: int = 0
    plans_agreed: int = 0
    waiting_now: int = 0
    flagged_previously_diagnosed: int = 0
    flagged_newly: int = 0
    by_domain: list[tuple[str, int]] = field(default_factory=list)
    median_wait_days: float | None = None

    def share(self, part: int, whole: int | None = None) -> str:
        whole = self.screened if whole is None else whole
        return f"{round(100 * part / whole)}%" if whole else "none yet"


def service_figures(filters: Filters) -> Figures:
    in_scope = filters.cases()
    figures = Figures()
    row = db.session.execute(
        select(
            func.count(Case.id),
            func.count(Case.flag_level),
            func.count(Case.id).filter(Case.flag_level.in_(("possible", "likely"))),
            func.count(Case.id).filter(Case.flag_level == "likely"),
            func.count(Case.id).filter(Case.review_state == ReviewState.AWAITING),
            func.count(Case.id).filter(
                Case.flag_level.in_(("possible", "likely")), Case.previously_diagnosed == "yes"
            ),
        ).where(in_scope)
    ).one()
    (
        figures.referrals,
        figures.screened,
        figures.any_flag,
        figures.likely,
        figures.waiting_now,
        figures.flagged_previously_diagnosed,
    ) = row
    figures.flagged_newly = figures.any_flag - figures.flagged_previously_diagnosed
    figures.plans_agreed = (
        db.session.scalar(
            select(func.count(distinct(Plan.case_id)))
            .join(Case)
            .where(in_scope, Plan.status == PlanStatus.AGREED)
        )
        or 0
    )
    flagged = dict(
        db.session.execute(
            select(Result.domain, func.count(distinct(Response.case_id)))
            .join(Response, Response.id == Result.response_id)
            .join(Case, Case.id == Response.case_id)
            .where(
                in_scope,
                Result.superseded_at.is_(None),
                Result.flag_level.in_(("possible", "likely")),
            )
            .group_by(Result.domain)
        ).all()
    )
    domains = builtin_content().domains
    figures.by_domain = [(domains[d].name, flagged.get(d, 0)) for d in domains]
    first_review = (
        select(Review.case_id, func.min(Review.created_at).label("reviewed_at"))
        .group_by(Review.case_id)
        .subquery()
    )
    waits = db.session.execute(
        select(Case.review_requested_at, first_review.c.reviewed_at)
        .join(first_review, first_review.c.case_id == Case.id)
        .where(in_scope, Case.review_requested_at.is_not(None))
    ).all()
    if waits:
        import pandas as pd  # loaded only for the dashboard, not at every worker's start

        days = pd.Series([(done - asked).total_seconds() / 86400 for asked, done in waits])
        figures.median_wait_days = round(float(days.median()), 1)
    return figures


def figures_frame(figures: Figures):
    """The dashboard's numbers as one table (a pandas DataFrame), for the CSV download."""
    import pandas as pd

    rows = [
        ("Referrals", figures.referrals),
        ("Screened", figures.screened),
        ("Screened with any flag", figures.any_flag),
        ("Screened with a likely flag", figures.likely),
        ("Flagged and previously diagnosed", figures.flagged_previously_diagnosed),
        ("Flagged and not diagnosed before", figures.flagged_newly),
        ("Plans agreed", figures.plans_agreed),
        ("Waiting for a clinician now", figures.waiting_now),
        ("Median days from flag to review", figures.median_wait_days),
    ] + [(f"Flagged: {name}", count) for name, count in figures.by_domain]
    return pd.DataFrame(rows, columns=["measure", "value"], dtype=object)


def all_teams() -> list[Team]:
    """Every team, by name (an admin's dashboard can show any one)."""
    return list(db.session.scalars(select(Team).order_by(Team.name)))
