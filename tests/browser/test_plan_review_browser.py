"""A worker reviews the plan with the parent in real Chromium, with axe on each page: the task
list with the review task's count, the review page (and its errors), and the plan with the
parent's answers and the "did not help" mark."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.browser.harness import check_accessible, go, sign_in
from tests.factories import create_case
from webapp.extensions import db
from webapp.services.plan_reviews import ask_for_plan_reviews
from webapp.services.plans import add_adjustment, agree_plan, propose_new_plan
from webapp.storage.clock import utcnow
from webapp.storage.records import Team, User

pytestmark = pytest.mark.browser


def test_reviewing_the_plan_with_the_parent(app, live_server, staff, page):
    with app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == "North"))
        worker = db.session.scalar(select(User).where(User.email == staff.intake))
        case = create_case(team=team, parent_name="Robin Parent")
        case.created_by_id = worker.id
        plan = propose_new_plan(case)
        db.session.commit()
        add_adjustment(plan, "text-reminders", "The parent asked for texts")
        agree_plan(plan, worker)
        plan.review_date = utcnow().date()
        db.session.commit()
        ask_for_plan_reviews()
        case_id = case.id
    sign_in(page, live_server.url, staff.intake)
    page.goto(f"{live_server.url}/tasks")
    assert "answered 0 of 5" in page.locator("[data-testid=review-progress]").inner_text()
    check_accessible(page, "your tasks, with a plan review")
    go(page, page.locator("[data-testid=worker-tasks] a", has_text="Review the plan").first)
    assert page.url.endswith(f"/cases/{case_id}/plan/review")
    check_accessible(page, "review the plan with the parent")

    page.get_by_label("What else the parent said about: Text reminders before appointments").fill(
        "They came at night."
    )
    go(page, page.get_by_role("button", name="Save the parent's answers"))
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Select an answer to keep its note, or clear the note" in summary
    check_accessible(page, "review the plan with the parent, with errors")

    question = page.get_by_role("group", name="We sent you a text before each meeting.")
    question.get_by_label("No, it did not help").check()
    page.get_by_role("group", name="We asked if you wanted an advocate.").get_by_label(
        "Yes, it helped"
    ).check()
    go(page, page.get_by_role("button", name="Save the parent's answers"))
    assert "2 answers saved." in page.locator("main").inner_text()
    texts = page.locator("[data-adjustment=text-reminders]")
    assert "think about changing it" in texts.locator("[data-testid=did-not-help]").inner_text()
    assert "They came at night." in texts.locator("[data-testid=review-answer]").inner_text()
    check_accessible(page, "the plan with the parent's answers")

    page.goto(f"{live_server.url}/tasks")
    progress = page.locator("[data-testid=review-progress]").inner_text()
    assert "answered 2 of 5 questions (1 did not help)" in progress
