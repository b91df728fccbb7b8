"""The steps of a referral, between the stored records and the screening domain. Views call
these; these call ``screening`` and ``models`` and never render anything."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import selectinload

from questionnaires import SKIP, Item, Questionnaire
from screening import (
    Screening,
    builtin_content,
    highest_level,
    preferences_from_contact,
    propose_plan,
    score_response,
)
from screening.preferences import preferences_from_answers
from webapp.access.audit import record_event
from webapp.extensions import db
from webapp.services.content_library import questionnaire_library, service_scorecards
from webapp.services.safety import describe, raise_alert
from webapp.storage.records import (
    FINDINGS,
    Answer,
    Case,
    Outcome,
    Plan,
    PlanItem,
    Response,
    Result,
    Review,
    User,
    utcnow,
)


class WorkflowError(ValueError):
    """A step that cannot happen in the record's current state (e.g. editing a submitted
    response). Views show its message; nothing is changed."""


def questionnaire_for(response: Response) -> Questionnaire:
    return questionnaire_library().get(response.questionnaire_id, response.questionnaire_version)


def screening_questionnaires() -> list[Questionnaire]:
    """Questionnaires a worker can start: the newest published version of each."""
    return [q for q in questionnaire_library().latest() if q.status == "published"]


def start_response(case: Case, questionnaire: Questionnaire, mode: str, user: User) -> Response:
    response = Response(
        case=case,
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
        mode=mode,
        started_by_id=user.id,
    )
    db.session.add(response)
    record_event("screening.started", case_id=case.id, detail=questionnaire.key)
    db.session.commit()
    return response


# --- one question per page -------------------------------------------------------------------


def pages(questionnaire: Questionnaire, answers: dict[str, str]) -> list[Item]:
    """The items this person is asked, given the answers so far (gates applied)."""
    return questionnaire.enabled_items(answers)


def next_page(questionnaire: Questionnaire, answers: dict[str, str], item_id: str) -> Item | None:
    asked = pages(questionnaire, answers)
    ids = [item.id for item in asked]
    if item_id not in ids:
        return asked[0] if asked else None
    position = ids.index(item_id)
    return asked[position + 1] if position + 1 < len(asked) else None


def previous_page(questionnaire: Questionnaire, answers: dict[str, str], item_id: str):
    ids = [item.id for item in pages(questionnaire, answers)]
    if item_id in ids and ids.index(item_id) > 0:
        return questionnaire.item(ids[ids.index(item_id) - 1])
    return None


@dataclass(frozen=True)
class Step:
    """One question page of a journey, with what its page shows around the question.

    ``number`` counts only the questions everyone is asked: a follow-up question (one behind a
    gate) shares the number of the question before it, so the count never jumps when an answer
    opens one. ``intro`` is the section's introduction (its time frame, or a word of warning),
    shown on the first question of the section that the person is asked."""

    questionnaire: Questionnaire
    item: Item
    number: int
    total: int
    follow_up: bool
    intro: str | None

    @property
    def page_key(self) -> tuple:
        return (self.questionnaire.key, self.item.id, self.number, self.total, self.follow_up)


def journey_steps(asked: list[tuple[Questionnaire, dict[str, str]]]) -> list[Step]:
    """The question pages of one or more questionnaires (each with its answers so far), in
    order, numbered for the progress count."""
    total = sum(1 for q, _answers in asked for item in q.iter_items() if not item.enable_when)
    steps: list[Step] = []
    number = 0
    for questionnaire, answers in asked:
        shown = {item.id for item in pages(questionnaire, answers)}
        for section in questionnaire.sections:
            intro = section.intro
            for item in section.items:
                if item.id not in shown:
                    continue
                follow_up = bool(item.enable_when)
                if not follow_up:
                    number += 1
                steps.append(
                    Step(
                        questionnaire,
                        item,
                        max(number, 1),
                        max(total, 1),
                        follow_up,
                        intro,
                    )
                )
                intro = None
    return steps


def first_unanswered(questionnaire: Questionnaire, answers: dict[str, str]) -> Item | None:
    return next((i for i in pages(questionnaire, answers) if i.id not in answers), None)


def locked(record):
    """Re-read a record with a row lock (SELECT ... FOR UPDATE on PostgreSQL), so concurrent
    requests on the same response take turns. SQLite needs no row lock: every transaction there
    begins IMMEDIATE, which already serialises writers."""
    model = type(record)
    # The id from the identity map: reading record.id would first reload an expired record.
    (record_id,) = inspect(record).identity
    return db.session.execute(
        select(model)
        .where(model.id == record_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()


def save_answer(response: Response, item_id: str, value: str, seq: int | None = None) -> bool:
    """Upsert one answer. With a sequence number, an older save never replaces a newer one.
    Returns False when the save was stale and ignored."""
    response = locked(response)
    if response.status != "draft":
        raise WorkflowError("This questionnaire has been sent. Answers can no longer change.")
    existing = db.session.scalar(
        select(Answer).where(Answer.response_id == response.id, Answer.item_id == item_id)
    )
    if existing is None:
        db.session.add(Answer(response=response, item_id=item_id, value=value, seq=seq or 0))
    elif seq is not None and seq <= existing.seq:
        return False
    else:
        existing.value = value
        existing.seq = seq if seq is not None else existing.seq + 1
    db.session.commit()
    return True


# --- submit and score --------------------------------------------------------------------------


def submit_response(response: Response, user: User | None) -> Screening:
    """Score the answers, store one result per domain, update the review queue, propose a plan.
    Submitting twice does nothing the second time."""
    response = locked(response)
    if response.status == "submitted":
        raise WorkflowError("This questionnaire has already been sent.")
    questionnaire = questionnaire_for(response)
    screening = score_response(questionnaire, response.answer_map, service_scorecards())
    response.status = "submitted"
    response.submitted_at = utcnow()
    for result, flag in zip(screening.results, screening.flags, strict=True):
        db.session.add(result_row(response, questionnaire, result, flag))
    case = response.case
    db.session.flush()
    case.flag_level = highest_level(
        [FlagView(r.domain, r.flag_level) for r in latest_results(case)]
    )
    for alert in screening.alerts:  # already raised when the answer was saved: nothing new
        raise_alert(response, alert.item, alert.answer)
    if (screening.alerts or highest_level(list(screening.flags)) == "likely") and (
        case.review_state != "awaiting"
    ):
        case.review_state = "awaiting"
        case.review_requested_at = utcnow()
    db.session.flush()
    propose_new_plan(case)
    record_event("screening.submitted", case_id=case.id, detail=questionnaire.key)
    db.session.commit()
    return screening


def result_row(response: Response, questionnaire: Questionnaire, result, flag) -> Result:
    """The stored form of one domain's score (``screening`` result and flag)."""
    return Result(
        response=response,
        domain=result.domain,
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
        scorecard_id=result.scorecard_id,
        scorecard_version=result.scorecard_version,
        points=result.points,
        max_points=result.max_points,
        total=result.total,
        band=result.band.name,
        band_label=result.band.label,
        flag_level=flag.level,
        headline=flag.headline,
        reasons=list(flag.reasons),
        contributions=[
            {"item": c.item, "answer": c.answer, "points": c.points, "summary": c.summary}
            for c in result.contributions
        ],
        alerts=[{"item": a.item, "message": a.message} for a in result.alerts],
        pathway=flag.pathway,
    )


def scorecard_of(result: Result):
    """The scorecard version that produced a result: in use now, or a fitted version kept in
    the database (old results keep their version)."""
    from models import scorecard_from_dict
    from webapp.storage.records import ScorecardVersion

    for card in service_scorecards():
        if (card.id, card.version) == (result.scorecard_id, result.scorecard_version):
            return card
    stored = db.session.scalar(
        select(ScorecardVersion).where(
            ScorecardVersion.scorecard_id == result.scorecard_id,
            ScorecardVersion.version == result.scorecard_version,
        )
    )
    return scorecard_from_dict(stored.definition, questionnaire_library()) if stored else None


def explanations(response: Response) -> dict[int, object]:
    """The models library's explanation of each result of a response (points sentence and
    what would change the band), computed from the stored answers."""
    from models.explain import explain

    answers = questionnaire_for(response).effective_answers(response.answer_map)
    found = {}
    for result in response.current_results:
        card = scorecard_of(result)
        if card is not None:
            found[result.id] = explain(card, answers)
    return found


def latest_results(case: Case) -> list[Result]:
    """The results of the newest submitted response to each questionnaire."""
    newest: dict[str, Response] = {}
    for response in case.responses:
        if response.status == "submitted":
            newest[response.questionnaire_id] = response
    return [result for response in newest.values() for result in response.current_results]


# --- the communication plan --------------------------------------------------------------------


@dataclass(frozen=True)
class FlagView:
    """What plan rules need from a stored result."""

    domain: str
    level: str

    @property
    def raised(self) -> bool:
        return self.level != "none"


def stated_preferences(case: Case) -> list[str]:
    """What the parent asked for: contact details at referral, then their own answers to any
    preferences questionnaire (the newest submitted one)."""
    preferences = preferences_from_contact(case.contact_method, case.language)
    newest: dict[str, Response] = {}
    for response in case.responses:
        if response.status == "submitted":
            newest[response.questionnaire_id] = response
    for response in newest.values():
        questionnaire = questionnaire_for(response)
        if questionnaire.kind == "preferences":
            for preference in preferences_from_answers(questionnaire, response.answer_map):
                if preference not in preferences:
                    preferences.append(preference)
    return preferences


@dataclass(frozen=True)
class AskedFor:
    """One thing a parent asked for, with the question it answers. ``typed`` says the answer
    is the parent's own words (data, shown as typed) rather than one of our options."""

    question: str
    answer: str
    typed: bool


def asked_for(questionnaire: Questionnaire, answers: dict[str, str]) -> list[AskedFor]:
    """The answers of a preferences questionnaire that ask for something, as the parent saw
    them (for the parent's confirmation page and the worker's result page)."""
    if questionnaire.kind != "preferences":
        return []
    found = []
    for item in questionnaire.enabled_items(answers):
        answer = answers.get(item.id)
        if answer is None or answer == SKIP:
            continue
        option = item.option(answer)
        if option is None:
            found.append(AskedFor(item.prompt, answer, typed=True))
        elif option.meta:
            found.append(AskedFor(item.prompt, option.label, typed=False))
    return found


@dataclass(frozen=True)
class ParentContact:
    """Who a parent can reach about their case: the worker by name, and a number to call."""

    worker: str | None
    team: str | None
    phone: str | None


def parent_contact(case: Case, invitation=None) -> ParentContact:
    """The worker who sent the link (else who opened the case) and the team's phone number
    (else the organisation's)."""
    worker = (invitation.created_by if invitation is not None else None) or case.created_by
    phone = case.team.phone or current_app.config.get("ORGANISATION_PHONE") or None
    return ParentContact(worker.name if worker else None, case.team.name, phone)


def propose_new_plan(case: Case) -> Plan:
    """A new draft from the rules, keeping what workers added to the last plan."""
    content = builtin_content()
    flags = [FlagView(r.domain, r.flag_level) for r in latest_results(case)]
    proposed = propose_plan(flags, stated_preferences(case), content)
    previous = case.plans[-1] if case.plans else None
    draft = case.draft_plan
    if draft is None:
        draft = Plan(case=case, version=(previous.version + 1) if previous else 1)
        db.session.add(draft)
    else:
        draft.items.clear()
    for entry in proposed:
        draft.items.append(
            PlanItem(adjustment_id=entry.adjustment.id, source="rule", reasons=list(entry.reasons))
        )
    if previous is not None and previous is not draft:
        have = {item.adjustment_id for item in draft.items}
        for item in previous.active_items:
            if item.source == "worker" and item.adjustment_id not in have:
                draft.items.append(
                    PlanItem(
                        adjustment_id=item.adjustment_id,
                        source="worker",
                        reasons=list(item.reasons),
                    )
                )
    return draft


def editable_plan(case: Case) -> Plan:
    """The draft to edit: the current draft, or a new version copied from the agreed plan."""
    if case.draft_plan is not None:
        return case.draft_plan
    agreed = case.agreed_plan
    if agreed is None:
        plan = propose_new_plan(case)
        db.session.commit()
        return plan
    draft = Plan(case=case, version=agreed.version + 1)
    # Into the session before reading the agreed plan's items: that read can autoflush.
    db.session.add(draft)
    for item in agreed.items:
        draft.items.append(
            PlanItem(
                adjustment_id=item.adjustment_id,
                source=item.source,
                reasons=list(item.reasons),
                removed=item.removed,
                removed_reason=item.removed_reason,
            )
        )
    db.session.commit()
    return draft


def remove_adjustment(plan: Plan, item_id: int, reason: str) -> None:
    item = next((i for i in plan.items if i.id == item_id and not i.removed), None)
    if item is None or plan.status != "draft":
        raise WorkflowError("That adjustment is not in the draft plan.")
    item.removed = True
    item.removed_reason = reason.strip()
    record_event("plan.adjustment_removed", case_id=plan.case_id, detail=item.adjustment_id)
    db.session.commit()


def add_adjustment(plan: Plan, adjustment_id: str, reason: str) -> None:
    if adjustment_id not in builtin_content().adjustments or plan.status != "draft":
        raise WorkflowError("That adjustment cannot be added.")
    existing = next((i for i in plan.items if i.adjustment_id == adjustment_id), None)
    if existing is not None and not existing.removed:
        raise WorkflowError("That adjustment is already in the plan.")
    if existing is not None:
        existing.removed = False
        existing.removed_reason = None
        existing.reasons = [*existing.reasons, f"Added back by the worker: {reason.strip()}"]
    else:
        plan.items.append(
            PlanItem(adjustment_id=adjustment_id, source="worker", reasons=[reason.strip()])
        )
    record_event("plan.adjustment_added", case_id=plan.case_id, detail=adjustment_id)
    db.session.commit()


def agree_plan(plan: Plan, user: User) -> None:
    if plan.status != "draft":
        raise WorkflowError("This plan version has already been agreed.")
    months = current_app.config["PLAN_REVIEW_MONTHS"]
    plan.status = "agreed"
    plan.agreed_at = utcnow()
    plan.agreed_by_id = user.id
    plan.review_date = date.today() + timedelta(days=round(months * 30.44))
    record_event("plan.agreed", case_id=plan.case_id, detail=f"version {plan.version}")
    db.session.commit()


# --- clinician review ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Queue:
    cases: list[Case]
    waiting: int
    alerts: int


def review_queue(team_id: int, *, limit: int = 50, offset: int = 0) -> Queue:
    """Flagged cases waiting for a clinician: critical alerts first, then longest waiting.
    One page of them, with the counts for the whole queue."""
    waiting, alerts = db.session.execute(
        select(func.count(Case.id), func.count(Case.id).filter(Case.critical_alert)).where(
            Case.team_id == team_id, Case.review_state == "awaiting"
        )
    ).one()

    # Alerts first, then the rest, each read in index order (no sort of the whole queue).
    def part(critical: bool, skip: int, take: int) -> list[Case]:
        if take <= 0:
            return []
        return list(
            db.session.scalars(
                select(Case)
                .where(
                    Case.team_id == team_id,
                    Case.review_state == "awaiting",
                    Case.critical_alert.is_(critical),
                )
                .order_by(Case.review_requested_at.asc(), Case.id)
                .offset(skip)
                .limit(take)
                .options(selectinload(Case.open_safety_alerts))  # when each was raised
            )
        )

    cases = part(True, offset, min(limit, alerts - offset))
    cases += part(False, max(0, offset - alerts), limit - len(cases))
    return Queue(cases, waiting, alerts)


def referred_cases(team_id: int, *, limit: int = 50) -> list[Case]:
    """Cases whose latest decision was a referral: they wait for assessment outcomes
    (the longest waiting first; one page)."""
    return list(
        db.session.scalars(
            select(Case)
            .where(Case.team_id == team_id, Case.referred_at.is_not(None))
            .order_by(Case.referred_at.asc(), Case.id)
            .limit(limit)
            .options(selectinload(Case.outcomes))
        )
    )


def record_review(
    case: Case, clinician: User, decision: str, pathway: str | None, note: str
) -> Review:
    if decision == "refer" and pathway not in builtin_content().pathways:
        raise WorkflowError("Select the assessment pathway for the referral")
    now = utcnow()
    review = Review(
        case=case,
        clinician_id=clinician.id,
        decision=decision,
        pathway=pathway if decision == "refer" else None,
        note=note.strip(),
        created_at=now,
    )
    db.session.add(review)
    case.review_state = "more_information" if decision == "more_information" else "reviewed"
    case.referred_at = now if decision == "refer" else None
    record_event("review.recorded", case_id=case.id, detail=decision)
    db.session.commit()
    return review


def record_outcome(
    case: Case, clinician: User, domain: str, finding: str, note: str | None
) -> Outcome:
    """What a formal assessment found: the labels the scorecards learn from."""
    if domain not in builtin_content().domains or finding not in FINDINGS:
        raise WorkflowError("Select the domain and what the assessment found")
    outcome = Outcome(
        case=case,
        domain=domain,
        finding=finding,
        note=(note or "").strip() or None,
        recorded_by_id=clinician.id,
    )
    db.session.add(outcome)
    record_event("outcome.recorded", case_id=case.id, detail=f"{domain}: {finding}")
    db.session.commit()
    return outcome


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str
    text: str


def timeline(case: Case) -> list[TimelineEntry]:
    """Everything that happened to a case, newest first."""
    content = builtin_content()
    entries = [TimelineEntry(case.created_at, "case", "Referral opened")]
    for response in case.responses:
        title = questionnaire_for(response).title
        how = {
            "with-worker": "with the parent",
            "self": "by the parent through a link",
            "paper": "from a paper copy",
        }[response.mode]
        entries.append(TimelineEntry(response.created_at, "screening", f"{title} started {how}"))
        if response.submitted_at:
            entries.append(
                TimelineEntry(
                    response.submitted_at, "screening", f"{title} answers sent and scored"
                )
            )
    for invitation in case.invitations:
        entries.append(TimelineEntry(invitation.created_at, "link", "Private link made"))
    for plan in case.plans:
        entries.append(
            TimelineEntry(plan.created_at, "plan", f"Plan version {plan.version} proposed")
        )
        if plan.agreed_at:
            entries.append(
                TimelineEntry(plan.agreed_at, "plan", f"Plan version {plan.version} agreed")
            )
    decisions = {
        "refer": "Referred for a formal assessment",
        "no_further_action": "No further action",
        "more_information": "Clinician asked for more information",
    }
    for review in case.reviews:
        pathway = f" ({content.pathways[review.pathway].name})" if review.pathway else ""
        entries.append(
            TimelineEntry(review.created_at, "review", decisions[review.decision] + pathway)
        )
    findings = {
        "confirmed": "confirmed",
        "not_confirmed": "not confirmed",
        "declined": "declined by the parent",
        "did_not_attend": "did not attend",
        "awaiting": "awaiting assessment",
    }
    for outcome in case.outcomes:
        entries.append(
            TimelineEntry(
                outcome.recorded_at,
                "outcome",
                f"Assessment outcome, {content.domains[outcome.domain].name}:"
                f" {findings[outcome.finding]}",
            )
        )
    for alert in case.safety_alerts:
        entries.extend(safety_timeline(alert))
    return sorted(entries, key=lambda e: e.at, reverse=True)


def safety_timeline(alert) -> list[TimelineEntry]:
    """A safety alert in a case's timeline: raised, escalated (once recorded), checked."""
    shown = describe(alert, utcnow())
    how = "through the parent's link" if alert.source == "parent_link" else "in a screening"
    entries = [
        TimelineEntry(alert.raised_at, "safety", f"Safety alert raised {how}: {shown.question}")
    ]
    if alert.escalated_at:
        to = alert.escalated_to.name if alert.escalated_to else "nobody (the team has no lead)"
        entries.append(
            TimelineEntry(alert.escalated_at, "safety", f"Safety alert escalated to {to}")
        )
    if alert.acknowledged_at:
        by = alert.acknowledged_by.name if alert.acknowledged_by else "a former worker"
        entries.append(
            TimelineEntry(
                alert.acknowledged_at,
                "safety",
                f"Safety check recorded by {by}: {alert.action_taken}",
            )
        )
    return entries
