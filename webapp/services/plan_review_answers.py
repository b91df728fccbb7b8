"""The parent's answers at a plan's review: for each adjustment on their agreed plan, whether it
helped (asked in easy read, the words in screening/content/review_questions.yaml). Stored per
plan version and adjustment, with who recorded them, when and how; each save is audited by
codes and counts. Answering completes nothing: the worker still agrees a new version or keeps
the plan as it is."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from screening import builtin_content
from webapp.access.audit import record_event
from webapp.extensions import db
from webapp.services.errors import WorkflowError
from webapp.services.plan_reviews import PLAN_REVIEW
from webapp.storage.clock import utcnow
from webapp.storage.records import Case, Plan, PlanReviewAnswer, User, WorkerTask
from webapp.storage.states import PlanStatus, ReviewAnswer, ReviewAnswerMethod

# What the worker sees next to an adjustment the parent said did not help.
DID_NOT_HELP_MARK = "The parent said this did not help: think about changing it"
NOTE_MAX = 1000
# The audit action of a save; its detail ("version 1 with_worker: helped 2, did_not_help 1,
# not_sure 0") holds codes and counts only, and is what the case's timeline shows.
ANSWERS_RECORDED = "plan_review.answers_recorded"
_DETAIL = re.compile(r"version (\d+) (\w+): helped (\d+), did_not_help (\d+), not_sure (\d+)")


@dataclass(frozen=True)
class ReviewQuestion:
    """One adjustment of the plan under review: its staff title, the easy-read question and
    the parent's answer so far (None until answered)."""

    adjustment_id: str
    title: str
    question: str
    answer: PlanReviewAnswer | None


@dataclass(frozen=True)
class ReviewProgress:
    answered: int
    asked: int
    did_not_help: int


def answer_words() -> dict[str, str]:
    """Answer code -> its easy-read words ("Yes, it helped")."""
    return dict(builtin_content().review.answers)


def plan_under_review(case: Case) -> Plan:
    """The plan a review asks about: the case's agreed plan (a newer draft is not reviewed)."""
    plan = case.agreed_plan
    if plan is None:
        raise WorkflowError("There is no agreed plan to review yet. Agree a plan first.")
    return plan


def review_answers_of(plan: Plan | None) -> dict[str, PlanReviewAnswer]:
    """Adjustment id -> the parent's answer at this plan version's review."""
    if plan is None:
        return {}
    rows = db.session.scalars(select(PlanReviewAnswer).where(PlanReviewAnswer.plan_id == plan.id))
    return {row.adjustment_id: row for row in rows}


def review_questions(plan: Plan) -> list[ReviewQuestion]:
    """One question per adjustment on the plan, in the plan's order."""
    content = builtin_content()
    answers = review_answers_of(plan)
    return [
        ReviewQuestion(
            adjustment_id=item.adjustment_id,
            title=content.adjustments[item.adjustment_id].title,
            question=content.review.questions[item.adjustment_id],
            answer=answers.get(item.adjustment_id),
        )
        for item in plan.active_items
        if item.adjustment_id in content.adjustments
    ]


def review_progress(case: Case) -> ReviewProgress | None:
    """How many of the agreed plan's questions the parent has answered (for the review task)."""
    return review_progress_of_cases([case.id]).get(case.id)


def review_progress_of_cases(case_ids: Iterable[int]) -> dict[int, ReviewProgress]:
    """Case id -> the parent's answers so far at its agreed plan's review, for the cases that
    have an agreed plan. Three statements however many cases (a task list shows many)."""
    wanted = set(case_ids)
    if not wanted:
        return {}
    agreed = db.session.scalars(
        select(Plan)
        .where(Plan.case_id.in_(wanted), Plan.status == PlanStatus.AGREED)
        .options(selectinload(Plan.items))
        .order_by(Plan.case_id, Plan.version)
    )
    # Ordered by version, so each case keeps its newest agreed plan (as Case.agreed_plan does).
    plans = {plan.case_id: plan for plan in agreed}
    counts: dict[int, Counter[str]] = {plan.id: Counter() for plan in plans.values()}
    if counts:
        answered = db.session.execute(
            select(PlanReviewAnswer.plan_id, PlanReviewAnswer.answer, func.count())
            .where(PlanReviewAnswer.plan_id.in_(counts))
            .group_by(PlanReviewAnswer.plan_id, PlanReviewAnswer.answer)
        )
        for plan_id, answer, how_many in answered:
            counts[plan_id][answer] = how_many
    return {
        case_id: ReviewProgress(
            answered=counts[plan.id].total(),
            asked=len(plan.active_items),
            did_not_help=counts[plan.id][ReviewAnswer.DID_NOT_HELP],
        )
        for case_id, plan in plans.items()
    }


def review_progress_of_tasks(tasks: Iterable[WorkerTask]) -> dict[int, ReviewProgress]:
    """Task id -> the answers so far, for the plan review tasks among ``tasks`` whose case has
    an agreed plan (what a task list shows next to each), in a fixed few statements."""
    reviews = [task for task in tasks if task.kind == PLAN_REVIEW]
    by_case = review_progress_of_cases(task.case_id for task in reviews)
    return {task.id: by_case[task.case_id] for task in reviews if task.case_id in by_case}


def did_not_help(case: Case) -> set[str]:
    """The adjustments the parent said did not help, at the agreed plan's review."""
    return {
        adj_id
        for adj_id, row in review_answers_of(case.agreed_plan).items()
        if row.answer == ReviewAnswer.DID_NOT_HELP
    }


def record_review_answers(
    case: Case,
    plan_version: int,
    user: User,
    answers: Mapping[str, str | None],
    notes: Mapping[str, str | None] | None = None,
    method: ReviewAnswerMethod = ReviewAnswerMethod.WITH_WORKER,
) -> int:
    """Store the parent's answers (adjustment id -> answer code; None or "" when skipped) for
    the agreed plan of version ``plan_version``, replacing earlier answers to the same
    adjustments. Returns how many were stored. Nothing is stored when anything is wrong."""
    if case.closed_at is not None:
        raise WorkflowError("This referral is closed. Reopen it to change it.")
    plan = plan_under_review(case)
    if plan.version != plan_version:
        raise WorkflowError(
            "The agreed plan has changed since this page was opened. "
            "Check the questions and record the answers again."
        )
    on_plan = {item.adjustment_id for item in plan.active_items}
    notes = notes or {}
    if not set(answers) | set(notes) <= on_plan:
        raise WorkflowError("Answer only about the adjustments on the agreed plan.")
    given = {adj_id: value for adj_id, value in answers.items() if value}
    if any(value not in set(ReviewAnswer) for value in given.values()):
        raise WorkflowError("Select one of the answers for each adjustment.")
    if not given:
        raise WorkflowError("Select an answer for at least one adjustment.")
    existing = review_answers_of(plan)
    now = utcnow()
    for adj_id, value in given.items():
        row = existing.get(adj_id)
        if row is None:
            row = PlanReviewAnswer(case_id=case.id, plan_id=plan.id, adjustment_id=adj_id)
            db.session.add(row)
        row.answer = value
        row.note = (notes.get(adj_id) or "").strip()[:NOTE_MAX] or None
        row.method = method
        row.recorded_by_id = user.id if user is not None else None
        row.recorded_at = now
    counts = Counter(given.values())
    record_event(
        ANSWERS_RECORDED,
        case_id=case.id,
        detail=f"version {plan.version} {method}: "
        + ", ".join(f"{code} {counts.get(code, 0)}" for code in ReviewAnswer),
    )
    db.session.commit()
    return len(given)


def review_words(detail: str) -> str:
    """A save's audit detail in words, for the case's timeline."""
    found = _DETAIL.fullmatch(detail)
    if found is None:
        return "The parent's answers at the plan review recorded"
    version, method, helped, not_helped, unsure = found.groups()
    total = int(helped) + int(not_helped) + int(unsure)
    how = "with the parent" if method == ReviewAnswerMethod.WITH_WORKER else "by the parent's link"
    return f"Plan version {version} reviewed {how}: {total} answer{'s' if total != 1 else ''}" + (
        f" ({not_helped} did not help)" if int(not_helped) else ""
    )
