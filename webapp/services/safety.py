"""Safety alerts as a workflow: a critical answer raises an alert at once, the team sees it on
every staff page until a worker records the safety check, and an alert nobody acknowledged in
SAFETY_ALERT_ESCALATE_HOURS goes to the team's lead. These are the steps; views and commands
call them, and they never render anything.

Staff are also told by email (services/staff_alerts.py), at exactly two places,
``tell_team_of_raised_alert`` and ``tell_lead_of_escalation``: both run inside the step's
transaction, so the outbox rows are committed (or rolled back) with the alert itself."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext
from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from webapp.access.audit import record_event
from webapp.extensions import db
from webapp.services.content_library import questionnaire_library
from webapp.services.review import request_review
from webapp.services.staff_alerts import queue_alert_emails, queue_escalation_email
from webapp.storage.records import Case, Response, SafetyAlert, Team, User, utcnow
from webapp.storage.states import AlertSource, Role

# Most open alerts a banner lists (the oldest first); it says when there are more.
BANNER_LIMIT = 20
ACTION_TAKEN_MAX = 2000


class SafetyAlertError(ValueError):
    """A step that cannot happen to the alert as it is now (e.g. acknowledging it twice)."""


# --- raise -----------------------------------------------------------------------------------


def raise_alert(response: Response, item_id: str, answer: str) -> tuple[SafetyAlert, bool]:
    """Record a critical answer, once per response and item: the autosave can send the same
    answer several times. Marks the case as having an open alert and puts it in the review
    queue. Returns the alert and whether it is new. Adds to the caller's transaction (the
    caller commits)."""
    existing = _alert_for(response.id, item_id)
    if existing is not None:
        return existing, False
    case = response.case
    now = utcnow()
    from_link = response.invitation_id is not None
    alert = SafetyAlert(
        case_id=case.id,
        response_id=response.id,
        raised_at=now,
        questionnaire_key=f"{response.questionnaire_id}@{response.questionnaire_version}",
        item_id=item_id,
        answer=answer,
        source=AlertSource.PARENT_LINK if from_link else AlertSource.WORKER_SCREENING,
    )
    try:
        with db.session.begin_nested():  # two saves at once on PostgreSQL: one row wins
            db.session.add(alert)
    except IntegrityError:
        winner = _alert_for(response.id, item_id)
        assert winner is not None  # the other save's row made the insert fail
        return winner, False
    case.critical_alert = True
    request_review(case, now)
    # The audit action parents' links have always written, so the trail reads the same.
    action = "parent.critical_answer" if from_link else "screening.critical_answer"
    record_event(action, case_id=case.id, detail=item_id)
    tell_team_of_raised_alert(alert)
    return alert, True


def alert_worker(response: Response, item_id: str, answer: str) -> None:
    """A parent's critical answer, raised and committed at once."""
    raise_alert(response, item_id, answer)
    db.session.commit()


def _alert_for(response_id: int, item_id: str) -> SafetyAlert | None:
    return db.session.scalar(
        select(SafetyAlert).where(
            SafetyAlert.response_id == response_id, SafetyAlert.item_id == item_id
        )
    )


def alert_of_case(case: Case, alert_id: int) -> SafetyAlert | None:
    """One of the case's alerts; None for another case's (or no) alert."""
    alert = db.session.get(SafetyAlert, alert_id)
    return alert if alert is not None and alert.case_id == case.id else None


def tell_team_of_raised_alert(alert: SafetyAlert) -> None:
    """Email the case's worker and the team's duty inbox (Team.duty_email), in the raising
    transaction. The team also sees the banner on every staff page (``open_alerts_for``)."""
    queue_alert_emails(alert)


# --- acknowledge -----------------------------------------------------------------------------


def acknowledge(alert: SafetyAlert, user: User, action_taken: str) -> None:
    """A worker of the team records the safety check and what they did. That clears the alert,
    and the case's open-alert flag once no alert of the case is left open."""
    from webapp.storage.locking import locked

    alert = locked(alert)  # two workers at once: the second sees the first one's record
    if not alert.is_open:
        raise SafetyAlertError("This safety check has already been recorded")
    action_taken = action_taken.strip()
    if not action_taken:
        raise SafetyAlertError("Enter what you did for the safety check")
    alert.acknowledged_at = utcnow()
    alert.acknowledged_by_id = user.id
    alert.action_taken = action_taken[:ACTION_TAKEN_MAX]
    db.session.flush()
    case = alert.case
    case.critical_alert = (
        db.session.scalar(
            select(func.count(SafetyAlert.id)).where(
                SafetyAlert.case_id == case.id, SafetyAlert.acknowledged_at.is_(None)
            )
        )
        or 0
    ) > 0
    # The audit row names the alert, not what was done: that is personal, and on the case.
    record_event("safety_alert.acknowledged", case_id=case.id, detail=f"alert {alert.id}")
    db.session.commit()


# --- escalate --------------------------------------------------------------------------------


def escalate_after() -> timedelta:
    return timedelta(hours=current_app.config["SAFETY_ALERT_ESCALATE_HOURS"])


def is_overdue(alert: SafetyAlert, now: datetime) -> bool:
    return alert.is_open and now >= alert.raised_at + escalate_after()


@dataclass(frozen=True)
class Escalation:
    """An alert's escalation: recorded by the command, or due but not yet recorded (then
    ``recorded`` is False and ``at`` is when it fell due)."""

    at: datetime
    to: User | None
    recorded: bool


def escalation_of(alert: SafetyAlert, now: datetime) -> Escalation | None:
    """Computed when a page renders, so an overdue alert shows as escalated even when the
    cron job has not run yet. Pages only read: the record is the command's to write."""
    if alert.escalated_at is not None:
        return Escalation(alert.escalated_at, alert.escalated_to, recorded=True)
    if is_overdue(alert, now):
        return Escalation(alert.raised_at + escalate_after(), alert.case.team.lead, recorded=False)
    return None


def escalate_overdue(now: datetime | None = None) -> list[SafetyAlert]:
    """Record the escalation of every open alert past its time (for ``flask
    escalate-safety-alerts``, run by cron): when, and to whom (the team's lead, or nobody
    when the team has none). Running it again escalates nothing twice."""
    now = now or utcnow()
    due = db.session.scalars(
        select(SafetyAlert)
        .where(
            SafetyAlert.acknowledged_at.is_(None),
            SafetyAlert.escalated_at.is_(None),
            SafetyAlert.raised_at <= now - escalate_after(),
        )
        .order_by(SafetyAlert.raised_at, SafetyAlert.id)
        .with_for_update(skip_locked=True)  # two cron runs at once escalate each alert once
    ).all()
    for alert in due:
        lead_id = alert.case.team.lead_id
        alert.escalated_at = now
        alert.escalated_to_id = lead_id
        record_event(
            "safety_alert.escalated",
            case_id=alert.case_id,
            outcome="ok" if lead_id else "no_lead",
            detail=f"alert {alert.id} to " + (f"user {lead_id}" if lead_id else "nobody"),
        )
        tell_lead_of_escalation(alert)
    db.session.commit()
    return list(due)


def tell_lead_of_escalation(alert: SafetyAlert) -> None:
    """Email the team's lead, in the escalating transaction. The lead also sees escalated
    alerts in the banner on every staff page."""
    queue_escalation_email(alert)


# --- what staff see --------------------------------------------------------------------------


@dataclass(frozen=True)
class AlertView:
    alert: SafetyAlert
    case: Case
    question: str
    answer: str
    escalation: Escalation | None


def describe(alert: SafetyAlert, now: datetime) -> AlertView:
    """The question as the parent saw it and their answer's label, from the questionnaire
    version that asked it. Alerts recorded before alerts were kept may not name an item."""
    question, answer = "An answer given before alerts were recorded", alert.answer or "Not known"
    qid, _, version = alert.questionnaire_key.partition("@")
    try:
        item = questionnaire_library().get(qid, version).item(alert.item_id)
    except KeyError:
        pass
    else:
        question, answer = item.prompt, item.label_for(alert.answer)
    return AlertView(alert, alert.case, question, answer, escalation_of(alert, now))


def open_alerts_for(user: User, now: datetime) -> tuple[list[AlertView], bool]:
    """The open alerts of a user's team, oldest first: every intake worker of the team sees
    them, and so does the team's lead whatever their role. One query. Returns the alerts
    (at most BANNER_LIMIT) and whether there are more."""
    if user.team_id is None:
        return [], False
    query: Select = (
        select(SafetyAlert)
        .join(SafetyAlert.case)
        .join(Case.team)
        .where(Case.team_id == user.team_id, SafetyAlert.acknowledged_at.is_(None))
        .order_by(SafetyAlert.raised_at, SafetyAlert.id)
        .limit(BANNER_LIMIT + 1)
        .options(
            contains_eager(SafetyAlert.case).joinedload(Case.assigned_to),
            contains_eager(SafetyAlert.case).contains_eager(Case.team).joinedload(Team.lead),
            joinedload(SafetyAlert.escalated_to),
        )
    )
    if user.role != Role.INTAKE:
        query = query.where(Team.lead_id == user.id)
    alerts = db.session.scalars(query).unique().all()
    return [describe(alert, now) for alert in alerts[:BANNER_LIMIT]], len(alerts) > BANNER_LIMIT


def alerts_first(query: Select, alerts: int, *, limit: int, offset: int) -> list[Case]:
    """One page of a case list with the cases that have an open alert first, each part in
    the order of ix_case_team_alert_opened (oldest first), so the list is never sorted whole.
    ``alerts`` is how many cases of the whole list have an open alert."""

    def part(critical: bool, skip: int, take: int) -> list[Case]:
        if take <= 0:
            return []
        page = (
            query.where(Case.critical_alert.is_(critical))
            .order_by(Case.created_at.asc(), Case.id.asc())
            .offset(skip)
            .limit(take)
        )
        if critical:  # the list shows when each alert was raised
            page = page.options(selectinload(Case.open_safety_alerts))
        return list(db.session.scalars(page))

    cases = part(True, offset, min(limit, alerts - offset))
    return cases + part(False, max(0, offset - alerts), limit - len(cases))


def dial_string(phone: str) -> str:
    """A phone number as a tel: link wants it: digits, and a leading + if there was one."""
    digits = re.sub(r"\D", "", phone)
    return ("+" + digits) if phone.strip().startswith("+") else digits


# --- what parents read -----------------------------------------------------------------------


@dataclass(frozen=True)
class CrisisLine:
    who: str
    dial: str
    words: str


def parent_message() -> list[str]:
    """The service's words after a safety answer, one sentence a line. Translated here, in
    Python, so a "%" or markup in the configured text can neither break nor change the page."""
    lines = current_app.config["SAFETY_ALERT_PARENT_MESSAGE"].splitlines()
    return [gettext(line.strip()) for line in lines if line.strip()]


def crisis_lines(team: Team | None) -> list[CrisisLine]:
    """Who the parent can call now: their own team first when it has a phone number, then the
    configured crisis lines. Each is a tap-to-call link."""
    lines = []
    if team is not None and team.phone:
        lines.append(
            CrisisLine(
                gettext("Your social work team"),
                dial_string(team.phone),
                gettext("Call %(number)s.", number=team.phone),
            )
        )
    for line in current_app.config["CRISIS_LINES"]:
        lines.append(CrisisLine(gettext(line["who"]), line["dial"], gettext(line["words"])))
    return lines
