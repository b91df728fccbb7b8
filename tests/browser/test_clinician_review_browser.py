"""The clinician's review and the referral's details in real Chromium: the new fields with
their errors, the review page, and a decision that refers two areas. axe-core checks every
page and error state."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from questionnaires import builtin_library
from tests.browser.harness import check_accessible, go, sign_in
from tests.factories import consent_to_refer
from webapp.extensions import db
from webapp.services.plans import agree_plan
from webapp.services.questions import save_answer, start_response
from webapp.services.scoring import submit_response
from webapp.storage.records import Case, Review, User

pytestmark = pytest.mark.browser


def text_of(page, selector: str = "main") -> str:
    return " ".join(page.locator(selector).inner_text().split())


def test_referral_details_in_the_browser(app, live_server, staff, page):
    sign_in(page, live_server.url, staff.intake)
    go(page, page.get_by_role("button", name="Open a new referral"))
    page.get_by_label("Parent's full name").fill("Robin Details")
    page.get_by_label("Phone call").check()
    page.get_by_label("Phone number").fill("020 7946 0000")
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("1990")
    page.get_by_label("NHS number (optional)").fill("943 476 5918")
    go(page, page.get_by_role("button", name="Open referral"))
    summary = text_of(page, ".govuk-error-summary")
    assert "Date of birth must be a real date" in summary
    assert "Enter a valid NHS number" in summary
    check_accessible(page, "new referral with a wrong date of birth and NHS number")
    page.get_by_label("Day").fill("28")
    page.get_by_label("NHS number (optional)").fill("943 476 5919")
    page.get_by_label("GP practice (optional)").fill("Park Surgery")
    go(page, page.get_by_role("button", name="Open referral"))
    details = text_of(page, ".govuk-summary-list")
    assert "28 February 1990" in details and "943 476 5919" in details
    go(page, page.get_by_role("link", name="Change contact details"))
    page.get_by_label("Year").fill("90")
    go(page, page.get_by_role("button", name="Save contact details"))
    assert "Year must include 4 numbers" in text_of(page, ".govuk-error-summary")
    check_accessible(page, "change details with a wrong year")


def test_a_clinician_refers_two_areas_in_the_browser(app, live_server, staff, page):
    with app.app_context():
        worker = db.session.scalars(select(User).where(User.email == staff.intake)).one()
        case = Case(
            team_id=worker.team_id,
            parent_name="Jo Two",
            contact_method="phone",
            phone="020 7946 0000",
        )
        case.language, case.previously_diagnosed = "Polish", "no"
        db.session.add(case)
        db.session.commit()
        for questionnaire_id in ("reading-writing", "attention-organisation"):
            questionnaire = builtin_library().get(questionnaire_id)
            response = start_response(case, questionnaire, "with-worker", worker)
            for item in questionnaire.items:
                save_answer(response, item.id, item.option_values[-1])
            submit_response(response, worker)
        agree_plan(case.draft_plan, worker)
        # The parent agreed to both referrals (a referral without consent is refused).
        for pathway in ("dyslexia-assessment", "adult-adhd"):
            consent_to_refer(case=case, worker=worker, pathway=pathway)
    sign_in(page, live_server.url, staff.clinician)
    go(page, page.locator("table").get_by_role("link", name="Jo Two"))
    glance = text_of(page, "[data-testid=at-a-glance]")
    assert "Language Polish" in glance and "before No" in glance
    check_accessible(page, "review page")
    go(page, page.get_by_role("button", name="Record a decision"))
    check_accessible(page, "decision page")
    page.get_by_label("Refer for a formal assessment").check()
    page.get_by_label("Note").fill("Both areas.")
    go(page, page.get_by_role("button", name="Record decision"))
    assert "Select an assessment pathway for at least one area" in text_of(
        page, ".govuk-error-summary"
    )
    check_accessible(page, "decision page with an error")
    page.get_by_label("Reading and writing: which assessment pathway?").select_option(
        "dyslexia-assessment"
    )
    page.get_by_label("Attention and organisation: which assessment pathway?").select_option(
        "adult-adhd"
    )
    go(page, page.get_by_role("button", name="Record decision"))
    assert "Decision recorded" in text_of(page)
    with app.app_context():
        review = db.session.scalars(select(Review)).one()
        assert [p.pathway for p in review.pathways] == ["dyslexia-assessment", "adult-adhd"]


def test_a_plan_that_remembers_and_marks_what_the_parent_said_in_the_browser(
    app, live_server, staff, page
):
    with app.app_context():
        worker = db.session.scalars(select(User).where(User.email == staff.intake)).one()
        case = Case(
            team_id=worker.team_id,
            parent_name="Sam Plan",
            contact_method="phone",
            phone="020 7946 0000",
        )
        db.session.add(case)
        db.session.commit()
        case_id = case.id
        for questionnaire_id, answer in (
            ("reading-writing", lambda item: item.option_values[-1]),
            (
                "communication-preferences",
                lambda item: "no" if item.id == "cp_phone_first" else None,
            ),
        ):
            questionnaire = builtin_library().get(questionnaire_id)
            response = start_response(case, questionnaire, "with-worker", worker)
            for item in questionnaire.items:
                if answer(item) is not None:
                    save_answer(response, item.id, answer(item))
            submit_response(response, worker)
    sign_in(page, live_server.url, staff.intake)
    page.goto(f"{live_server.url}/cases/{case_id}/plan")
    assert "No, a letter is fine" in text_of(page, "[data-testid=conflict]")
    check_accessible(page, "plan with an adjustment the parent said no to")
    go(page, page.get_by_role("button", name="Agree this plan"))
    assert "Choose to keep or remove each adjustment" in text_of(page, "[data-banner=error]")
    check_accessible(page, "plan refused before choosing")
    go(page, page.get_by_role("button", name="Keep it (Phone before sending any letter)"))
    go(page, page.get_by_role("button", name="Agree this plan"))
    assert "Plan version 1 agreed" in text_of(page)
    check_accessible(page, "plan agreed after choosing")


def test_the_paper_copies_are_offered_in_the_browser(app, live_server, staff, page):
    with app.app_context():
        worker = db.session.scalars(select(User).where(User.email == staff.intake)).one()
        case = Case(
            team_id=worker.team_id,
            parent_name="Pat Paper",
            contact_method="phone",
            phone="020 7946 0000",
        )
        db.session.add(case)
        db.session.commit()
        case_id = case.id
    sign_in(page, live_server.url, staff.intake)
    page.goto(f"{live_server.url}/cases/{case_id}/screenings/new")
    links = page.locator("[data-testid=paper-copies] a")
    assert links.count() == 18
    check_accessible(page, "start a screening, with the paper copies")
    response = page.request.get(live_server.url + links.nth(1).get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
