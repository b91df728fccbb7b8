"""The communication plan: proposed from the flags and what the parent asked for, edited, agreed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app

from questionnaires import SKIP, Questionnaire
from screening import (
    builtin_content,
    preferences_from_contact,
    propose_plan,
)
from screening.plan import conflicts_with_answers, kept_removed
from screening.preferences import preferences_from_answers
from webapp.access.audit import record_event
from webapp.extensions import db
from webapp.services.errors import WorkflowError
from webapp.services.questions import questionnaire_for
from webapp.services.results import FlagView, as_flags, latest_results, newest_submitted
from webapp.storage.records import (
    Case,
    Plan,
    PlanItem,
    User,
    utcnow,
)
from webapp.storage.states import PlanStatus


def stated_preferences(case: Case) -> list[str]:
    """What the parent asked for: contact details at referral, then their own answers to any
    preferences questionnaire (the newest submitted one)."""
    preferences = preferences_from_contact(case.contact_method, case.language)
    for response in newest_submitted(case):
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


def parent_answers(case: Case) -> dict[str, dict[str, str | None]]:
    """The parent's newest submitted answers to each preferences questionnaire."""
    found = {}
    for response in newest_submitted(case):
        questionnaire = questionnaire_for(response)
        if questionnaire.kind == "preferences":
            found[questionnaire.id] = questionnaire.effective_answers(response.answer_map)
    return found


def conflict_words(case: Case, conflict) -> str:
    """What the parent said against an adjustment, as they saw it: the question and answer."""
    response = next(
        r for r in newest_submitted(case) if r.questionnaire_id == conflict.questionnaire
    )
    item = questionnaire_for(response).item(conflict.item)
    option = item.option(conflict.answer)
    return f"{item.prompt} {option.label if option else conflict.answer}"


@dataclass(frozen=True)
class _Before:
    """What the last version said about one adjustment, read before the draft is rebuilt."""

    source: str
    reasons: list[str]
    removed: bool
    removed_reason: str | None
    removed_in_version: int | None
    conflict: str | None
    conflict_kept: bool


def propose_new_plan(case: Case) -> Plan:
    """A new draft from the rules, keeping what workers added to the last plan. An adjustment a
    worker removed with a reason stays removed unless what proposes it has changed; one the
    parent said no to is marked for the worker to choose."""
    content = builtin_content()
    flags = as_flags(FlagView(r.domain, r.flag_level) for r in latest_results(case))
    proposed = propose_plan(flags, stated_preferences(case), content)
    previous = case.plans[-1] if case.plans else None
    before = {}
    if previous is not None:
        before = {
            item.adjustment_id: _Before(
                item.source,
                list(item.reasons),
                item.removed,
                item.removed_reason,
                item.removed_in_version or (previous.version if item.removed else None),
                item.conflict,
                item.conflict_kept,
            )
            for item in previous.items
        }
    draft = case.draft_plan
    if draft is None:
        draft = Plan(case=case, version=(previous.version + 1) if previous else 1)
        db.session.add(draft)
    else:
        draft.items.clear()
    for entry in proposed:
        item = PlanItem(
            adjustment_id=entry.adjustment.id, source="rule", reasons=list(entry.reasons)
        )
        was = before.get(entry.adjustment.id)
        if was is not None and was.removed and was.removed_reason:
            stays, _new = kept_removed(entry.reasons, was.reasons)
            item.removed_in_version = was.removed_in_version
            if stays:
                item.removed, item.removed_reason = True, was.removed_reason
            else:
                item.previously_removed_reason = was.removed_reason
        draft.items.append(item)
    have = {item.adjustment_id for item in draft.items}
    for adjustment_id, was in before.items():
        if was.source == "worker" and not was.removed and adjustment_id not in have:
            draft.items.append(
                PlanItem(adjustment_id=adjustment_id, source="worker", reasons=was.reasons)
            )
    answers = parent_answers(case)
    conflicts = conflicts_with_answers(
        (i.adjustment_id for i in draft.active_items), answers, content
    )
    for item in draft.active_items:
        conflict = conflicts.get(item.adjustment_id)
        if conflict is not None:
            item.conflict = conflict_words(case, conflict)
            was = before.get(item.adjustment_id)
            # A worker who kept it against the same answer has chosen already.
            item.conflict_kept = bool(was and was.conflict == item.conflict and was.conflict_kept)
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
                removed_in_version=item.removed_in_version,
                previously_removed_reason=item.previously_removed_reason,
                conflict=item.conflict,
                conflict_kept=item.conflict_kept,
            )
        )
    db.session.commit()
    return draft


def remove_adjustment(plan: Plan, item_id: int, reason: str) -> None:
    item = next((i for i in plan.items if i.id == item_id and not i.removed), None)
    if item is None or plan.status != PlanStatus.DRAFT:
        raise WorkflowError("That adjustment is not in the draft plan.")
    item.removed = True
    item.removed_reason = reason.strip()
    item.removed_in_version = plan.version
    record_event("plan.adjustment_removed", case_id=plan.case_id, detail=item.adjustment_id)
    db.session.commit()


def add_adjustment(plan: Plan, adjustment_id: str, reason: str) -> None:
    if adjustment_id not in builtin_content().adjustments or plan.status != PlanStatus.DRAFT:
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


def keep_despite_conflict(plan: Plan, item_id: int) -> None:
    """The worker has checked what the parent said and keeps the adjustment anyway."""
    item = next((i for i in plan.active_items if i.id == item_id and i.conflict), None)
    if item is None or plan.status != PlanStatus.DRAFT:
        raise WorkflowError("That adjustment has nothing to choose.")
    item.conflict_kept = True
    record_event("plan.conflict_kept", case_id=plan.case_id, detail=item.adjustment_id)
    db.session.commit()


def unchosen_conflicts(plan: Plan) -> list[PlanItem]:
    """Adjustments the parent said no to that the worker has neither kept nor removed."""
    return [i for i in plan.active_items if i.conflict and not i.conflict_kept]


def agree_plan(plan: Plan, user: User) -> None:
    if plan.status != PlanStatus.DRAFT:
        raise WorkflowError("This plan version has already been agreed.")
    if unchosen_conflicts(plan):
        raise WorkflowError(
            "Choose to keep or remove each adjustment the parent said no to before agreeing"
        )
    months = current_app.config["PLAN_REVIEW_MONTHS"]
    plan.status = PlanStatus.AGREED
    plan.agreed_at = utcnow()
    plan.agreed_by_id = user.id
    plan.review_date = date.today() + timedelta(days=round(months * 30.44))
    record_event("plan.agreed", case_id=plan.case_id, detail=f"version {plan.version}")
    db.session.commit()
