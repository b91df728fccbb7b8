"""A worker books a meeting, closes its tasks and records a contact, in real Chromium, with
axe on each new page: the meeting form (and its errors), the meeting, the task list, closing
a task, the contact log with a contact caught off the plan, and the dashboard's plan figures."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.browser.harness import check_accessible, go, sign_in
from tests.factories import create_case
from webapp.extensions import db
from webapp.services.plans import add_adjustment, propose_new_plan
from webapp.storage.clock import utcnow
from webapp.storage.records import Team

pytestmark = pytest.mark.browser


def test_a_meeting_its_tasks_and_the_contact_log(app, live_server, staff, page):
    with app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == "North"))
        case = create_case(team=team, contact_method="text", language="Polish")
        plan = propose_new_plan(case)
        db.session.commit()
        for adjustment_id in ("low-noise-room", "easy-read-information", "phone-before-letters"):
            add_adjustment(plan, adjustment_id, "Asked for at the first visit")
        db.session.commit()
        case_id = case.id
    day = (utcnow() + timedelta(days=10)).date()
    sign_in(page, live_server.url, staff.intake)
    page.goto(f"{live_server.url}/cases/{case_id}")
    go(page, page.get_by_role("link", name="Book a meeting"))
    check_accessible(page, "book a meeting")
    go(page, page.get_by_role("button", name="Book the meeting"))
    assert "Enter the date of the meeting" in page.locator(".govuk-error-summary").inner_text()
    check_accessible(page, "book a meeting, with errors")

    page.get_by_label("Day").fill(str(day.day))
    page.get_by_label("Month").fill(str(day.month))
    page.get_by_label("Year").fill(str(day.year))
    page.get_by_label("Start time").fill("2pm")
    page.get_by_label("In person").check()
    page.get_by_label("Where, or how to join").fill("The family centre, 1 High Street")
    page.get_by_label("Who will attend").fill("The parent, an interpreter and the worker")
    page.get_by_label("Purpose of the meeting").fill("Agree the plan")
    go(page, page.get_by_role("button", name="Book the meeting"))
    needs = page.locator("[data-testid=meeting-needs]").inner_text()
    assert "A quiet room with no background noise and soft lighting" in needs
    assert "interpreter in Polish" in page.locator("[data-testid=task-table]").inner_text()
    check_accessible(page, "a meeting")

    go(page, page.get_by_role("link", name="Your tasks"))
    check_accessible(page, "your tasks")
    go(page, page.locator("[data-testid=worker-tasks] a", has_text="Mark done").first)
    check_accessible(page, "close a task")
    page.get_by_label("Not needed").check()
    go(page, page.get_by_role("button", name="Save"))
    assert "Enter why the task is not needed" in page.locator(".govuk-error-summary").inner_text()
    check_accessible(page, "close a task, with errors")
    page.get_by_label("Note").fill("Done at the first visit.")
    go(page, page.get_by_role("button", name="Save"))
    assert "Task saved." in page.locator("main").inner_text()

    go(page, page.get_by_role("link", name="See the contact log, or record a contact"))
    check_accessible(page, "contact log")
    page.get_by_label("Letter").check()
    page.get_by_label("Standard").check()
    go(page, page.get_by_role("button", name="Record the contact"))
    problems = page.locator("[data-testid=plan-problems]").inner_text()
    assert "The plan says easy read; this is standard." in problems
    check_accessible(page, "contact log, a contact off the plan")

    page.goto(f"{live_server.url}/dashboard")
    assert page.locator("#plan-followed").is_visible()
    check_accessible(page, "dashboard with the plan figures")
