"""The parent's answers at a plan's review, on a real database: stored per plan version and
adjustment with who, when and how; answering again replaces; the "did not help" marking; and
what is refused (a tampered adjustment or answer, a replaced plan version, a closed case)."""

from __future__ import annotations

import io
import json

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from tests.factories import create_case, create_team, create_user, sign_in_as
from tests.pages import csrf_token, get_page
from webapp.extensions import db
from webapp.services.data_protection import erase_case, subject_record
from webapp.services.errors import WorkflowError
from webapp.services.plan_review_answers import (
    did_not_help,
    record_review_answers,
    review_progress,
    review_questions,
)
from webapp.services.plans import add_adjustment, agree_plan, editable_plan, propose_new_plan
from webapp.services.timeline import timeline
from webapp.storage.clock import utcnow
from webapp.storage.records import AuditEvent, Case, PlanReviewAnswer, User


@pytest.fixture
def world(app):
    """A case whose agreed plan (version 1) has phone-before-letters and text-reminders."""
    with app.app_context():
        team = create_team()
        worker = create_user(role="intake", team=team)
        case = create_case(team=team)
        plan = propose_new_plan(case)
        db.session.commit()
        for adj_id in ("phone-before-letters", "text-reminders"):
            if adj_id not in {i.adjustment_id for i in plan.active_items}:
                add_adjustment(plan, adj_id, "The parent asked for it.")
        agree_plan(plan, worker)
        return {"case": case.id, "worker": worker.id}


def _case(world) -> Case:
    return db.session.get_one(Case, world["case"])


def _worker(world) -> User:
    return db.session.get_one(User, world["worker"])


def test_answers_are_stored_per_plan_version_and_adjustment_with_who_when_and_how(app, world):
    with app.app_context():
        case = _case(world)
        stored = record_review_answers(
            case,
            1,
            _worker(world),
            {"phone-before-letters": "helped", "text-reminders": "did_not_help"},
            {"text-reminders": "  The texts came too early.  "},
        )
        assert stored == 2
        rows = {r.adjustment_id: r for r in db.session.scalars(select(PlanReviewAnswer)).all()}
        assert set(rows) == {"phone-before-letters", "text-reminders"}
        texts = rows["text-reminders"]
        assert (texts.answer, texts.note, texts.method) == (
            "did_not_help",
            "The texts came too early.",
            "with_worker",
        )
        assert texts.plan.version == 1 and texts.recorded_by_id == world["worker"]
        assert texts.recorded_at <= utcnow()
        assert did_not_help(case) == {"text-reminders"}
        progress = review_progress(case)
        assert (progress.answered, progress.did_not_help) == (2, 1)
        assert progress.asked == len(case.agreed_plan.active_items)
        (audit,) = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "plan_review.answers_recorded")
        )
        assert audit.case_id == case.id
        assert audit.detail == "version 1 with_worker: helped 1, did_not_help 1, not_sure 0"
        assert "texts came" not in audit.detail  # codes and counts only


def test_a_skipped_question_stores_nothing_and_answering_again_replaces(app, world):
    with app.app_context():
        case = _case(world)
        record_review_answers(case, 1, _worker(world), {"text-reminders": "did_not_help"})
        record_review_answers(
            case, 1, _worker(world), {"text-reminders": "not_sure", "phone-before-letters": ""}
        )
        rows = db.session.scalars(select(PlanReviewAnswer)).all()
        assert [(r.adjustment_id, r.answer) for r in rows] == [("text-reminders", "not_sure")]
        assert did_not_help(case) == set()
        questions = {q.adjustment_id: q for q in review_questions(case.agreed_plan)}
        assert questions["text-reminders"].answer.answer == "not_sure"
        assert questions["phone-before-letters"].answer is None
        assert questions["phone-before-letters"].question == (
            "We phoned you before sending letters. Did this help?"
        )


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"no-such-adjustment": "helped"}, "Answer only about the adjustments on the agreed plan."),
        ({"hearing-loop": "helped"}, "Answer only about the adjustments on the agreed plan."),
        ({"text-reminders": "brilliant"}, "Select one of the answers for each adjustment."),
        ({"text-reminders": None}, "Select an answer for at least one adjustment."),
    ],
)
def test_tampered_or_empty_answers_are_refused_and_store_nothing(app, world, answers, message):
    with app.app_context(), pytest.raises(WorkflowError, match=message):
        record_review_answers(_case(world), 1, _worker(world), answers)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PlanReviewAnswer)) == 0


def test_only_the_agreed_plan_of_the_page_is_answered_and_a_closed_case_is_read_only(app, world):
    with app.app_context():
        case = _case(world)
        with pytest.raises(WorkflowError, match="The agreed plan has changed"):
            record_review_answers(case, 2, _worker(world), {"text-reminders": "helped"})
        # A new draft does not change what is reviewed: the agreed version 1.
        editable_plan(case)
        db.session.commit()
        assert record_review_answers(case, 1, _worker(world), {"text-reminders": "helped"}) == 1
        case.closed_at = utcnow()
        db.session.commit()
        with pytest.raises(WorkflowError, match="This referral is closed"):
            record_review_answers(case, 1, _worker(world), {"text-reminders": "not_sure"})
        (row,) = db.session.scalars(select(PlanReviewAnswer))
        assert row.answer == "helped"


def test_the_answers_are_on_the_timeline_in_the_subject_access_record_and_erased(app, world):
    with app.app_context():
        case = _case(world)
        record_review_answers(
            case,
            1,
            _worker(world),
            {"text-reminders": "did_not_help"},
            {"text-reminders": "Too early."},
        )
        entries = [e.text for e in timeline(case) if e.kind == "plan"]
        assert "Plan version 1 reviewed with the parent: 1 answer (1 did not help)" in entries
        (plan,) = subject_record(case)["communication_plans"]
        assert plan["review_answers"] == [
            {
                "adjustment": "text-reminders",
                "question": "We sent you a text before each meeting. Did this help?",
                "answer": "No, it did not help",
                "note": "Too early.",
                "how": "with_worker",
                "recorded": plan["review_answers"][0]["recorded"],
            }
        ]
        assert plan["review_answers"][0]["recorded"]
        erase_case(case, "Wrong parent")
        assert db.session.scalar(select(func.count()).select_from(PlanReviewAnswer)) == 0


def test_the_subject_access_pdf_and_json_carry_the_review_answers(app, client, world):
    with app.app_context():
        case = _case(world)
        record_review_answers(
            case,
            1,
            _worker(world),
            {"phone-before-letters": "helped", "text-reminders": "did_not_help"},
            {"text-reminders": "Too early."},
        )
        reference = case.reference
        sign_in_as(client, create_user(role="admin", team=None).get_id())
    form = get_page(client, "/admin/subject-access")
    data = {"csrf_token": csrf_token(form), "case": reference, "reason": "SAR-7"}
    exported = json.loads(
        client.post("/admin/subject-access", data={**data, "action": "json"}).data
    )
    (plan,) = exported["communication_plans"]
    assert [(a["adjustment"], a["answer"]) for a in plan["review_answers"]] == [
        ("phone-before-letters", "Yes, it helped"),
        ("text-reminders", "No, it did not help"),
    ]
    response = client.post("/admin/subject-access", data={**data, "action": "pdf"})
    text = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(response.data)).pages
    )
    assert "What you told us at the review of version 1" in text
    assert "We phoned you before sending letters. Did this help?" in text
    assert "No, it did not help (Too early.)" in text
