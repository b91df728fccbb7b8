"""Cases: finding a case and its records, and reading a case reference as people type it."""

from __future__ import annotations

import re

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from screening import builtin_content
from webapp.access.audit import record_event
from webapp.extensions import db
from webapp.services.plans import propose_new_plan
from webapp.services.safety import alerts_first
from webapp.storage.records import Case, Invitation, Response, User
from webapp.storage.states import MAX_ID, ReviewState

# A reference exactly as the service writes it (Case.reference): C and six to nine digits.
REFERENCE = re.compile(r"^C(\d{6,9})$")
DIGITS = re.compile(r"[0-9]{1,10}")


def case_number(reference: str | None, *, strict: bool = False) -> int | None:
    """The case id in a reference: "C000123" (and, unless ``strict``, "c123" or "123").
    None when it is not a reference."""
    if strict:
        match = REFERENCE.match(reference or "")
        return int(match.group(1)) if match else None
    digits = (reference or "").strip().upper().removeprefix("C")
    # ASCII digits only ("²" is a digit to str.isdigit, not to int), and no more than an id holds.
    if not DIGITS.fullmatch(digits) or int(digits) > MAX_ID:
        return None
    return int(digits)


def case_by_id(case_id: int | None) -> Case | None:
    return db.session.get(Case, case_id) if case_id is not None else None


def response_by_id(response_id: int) -> Response | None:
    return db.session.get(Response, response_id)


def response_of_case(case: Case, response_id: int) -> Response | None:
    response = db.session.get(Response, response_id)
    return response if response is not None and response.case_id == case.id else None


def invitation_of_case(case: Case, invitation_id: int) -> Invitation | None:
    invitation = db.session.get(Invitation, invitation_id)
    return invitation if invitation is not None and invitation.case_id == case.id else None


# The case list's filters: a label for the page and the condition it adds.
STATUS_FILTERS = {
    "not-screened": ("Not screened yet", Case.flag_level.is_(None)),
    "awaiting-review": ("Waiting for a clinician", Case.review_state == ReviewState.AWAITING),
    "more-information": (
        "Clinician asked for more information",
        Case.review_state == ReviewState.MORE_INFORMATION,
    ),
    # Closed cases show only here: every other view of the list leaves them out.
    "closed": ("Closed", Case.closed_at.is_not(None)),
}
# Whose cases: the team's (all), the signed-in worker's, or those nobody has yet.
SCOPES = {"team": "Team cases", "mine": "My cases", "unassigned": "Needing a worker"}
FLAG_FILTERS = {
    code: (builtin_content().flag_levels[code].label, Case.flag_level == code)
    for code in ("likely", "possible", "none")
}


def team_cases(
    team_id: int,
    *,
    status: str,
    flag: str,
    search: str,
    limit: int,
    offset: int,
    scope: str = "team",
    worker_id: int | None = None,
) -> tuple[list[Case], int]:
    """One page of a team's cases (open safety alerts first, then oldest first) filtered by
    whose they are, status, flag and a name or reference, and how many match in all."""
    query = select(Case).where(Case.team_id == team_id)
    if scope == "mine":
        query = query.where(Case.assigned_to_id == worker_id)
    elif scope == "unassigned":
        query = query.where(Case.assigned_to_id.is_(None))
    if status != "closed":
        query = query.where(Case.closed_at.is_(None))
    if status in STATUS_FILTERS:
        query = query.where(STATUS_FILTERS[status][1])
    if flag in FLAG_FILTERS:
        query = query.where(FLAG_FILTERS[flag][1])
    if search:
        number = case_number(search)
        by_name = Case.parent_name.ilike(f"%{search}%")
        query = query.where(or_(by_name, Case.id == number) if number is not None else by_name)
    matching = query.subquery()
    total, alerts = db.session.execute(
        select(func.count(), func.count().filter(matching.c.critical_alert)).select_from(matching)
    ).one()
    listed = query.options(selectinload(Case.assigned_to))  # the list names each worker
    return alerts_first(listed, alerts, limit=limit, offset=offset), total


# The contact details a team can change after opening, by the words the audit trail uses.
CONTACT_FIELDS = {
    "contact_method": "contact method",
    "phone": "phone",
    "email": "email",
    "address": "address",
    "language": "language",
    "date_of_birth": "date of birth",
    "gp_practice": "GP practice",
    "nhs_number": "NHS number",
}
# What a plan is proposed from (screening.preferences_from_contact): a change asks again.
PLAN_INPUTS = ("contact_method", "language")


def change_contact(case: Case, details: dict[str, str | None]) -> bool:
    """Store changed contact details, audited by the names of what changed (never the
    details themselves). A changed contact method or language proposes a new draft plan
    once the case has a plan; says whether it did."""
    changed = [name for name in CONTACT_FIELDS if getattr(case, name) != details[name]]
    for name in changed:
        setattr(case, name, details[name])
    if not changed:
        return False
    replan = bool(case.plans) and any(name in PLAN_INPUTS for name in changed)
    if replan:
        propose_new_plan(case)
    detail = ", ".join(CONTACT_FIELDS[name] for name in changed)
    record_event(
        "case.contact_changed",
        case_id=case.id,
        detail=detail + ("; new draft plan proposed" if replan else ""),
    )
    db.session.commit()
    return replan


def open_case(worker: User, **details) -> Case:
    """A new referral in the worker's team."""
    case = Case(
        team_id=worker.team_id, created_by_id=worker.id, assigned_to_id=worker.id, **details
    )
    db.session.add(case)
    db.session.flush()
    record_event("case.created", case_id=case.id)
    db.session.commit()
    return case
