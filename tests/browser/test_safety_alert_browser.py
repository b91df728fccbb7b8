"""A safety alert in real Chromium, from the parent's answer to the worker's safety check: the
parent answers the self-harm question through their link and sees help with numbers to tap;
the clinician's queue lists it first; the worker sees it at the top of the referral list,
opens the case, and records what they did (the empty form's error first). axe-core checks
every page, error state included."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from questionnaires import builtin_library
from tests.browser.harness import check_accessible, go, sign_in
from tests.factories import create_case
from webapp.extensions import db
from webapp.services.invitations import create_invitation
from webapp.storage.records import Case, SafetyAlert, Team, User

pytestmark = pytest.mark.browser
MOOD = builtin_library().get("mood-worry")


def text_of(page, selector: str) -> str:
    return " ".join(page.locator(selector).inner_text().split())


def test_a_parents_safety_answer_reaches_the_worker_who_records_the_check(
    app, live_server, staff, browser, shots
):
    with app.app_context():
        worker = db.session.scalar(select(User).where(User.email == staff.intake))
        team = db.session.scalar(select(Team).where(Team.name == "North"))
        team.phone = "020 7946 0000"
        create_case(team=team, parent_name="Quiet Parent")  # older, no alert
        case = create_case(team=team, parent_name="Robin Parent")
        case.created_by_id = case.assigned_to_id = worker.id
        db.session.commit()
        case_id, worker_id = case.id, worker.id
        _invitation, token = create_invitation(case, [MOOD], None)

    # The parent, on their own phone.
    parent = browser.new_context(bypass_csp=True).new_page()
    parent.goto(f"{live_server.url}/p/start/{token}")
    parent.get_by_label("I have read this and I want to start").check()
    go(parent, parent.get_by_role("button", name="Start"))
    parent.goto(f"{live_server.url}/p/questions/mood-worry/mo_hurt_self")
    parent.get_by_label("On some days").check()
    go(parent, parent.get_by_role("button", name="Continue"))
    assert "/p/help" in parent.url
    message = text_of(parent, "[data-testid=safety-message]")
    assert "We have told your social worker and their team now." in message
    assert parent.get_by_role("link", name="Call 116 123.").get_attribute("href") == "tel:116123"
    assert (
        parent.get_by_role("link", name="Call 020 7946 0000.").get_attribute("href")
        == "tel:02079460000"
    )
    check_accessible(parent, "help after a safety answer")
    parent.screenshot(path=str(shots / "safety-help.png"), full_page=True)
    parent.context.close()

    # The clinician's queue puts it first, with when it was raised.
    clinician = browser.new_context(bypass_csp=True).new_page()
    sign_in(clinician, live_server.url, staff.clinician)
    first = clinician.locator("table tbody tr").first
    assert "Robin Parent" in first.inner_text() and "raised at" in first.inner_text()
    check_accessible(clinician, "review queue with a safety alert")
    clinician.context.close()

    # The worker signs in: the alert is the first thing on the referral list.
    page = browser.new_context(bypass_csp=True).new_page()
    sign_in(page, live_server.url, staff.intake)
    assert page.url.endswith("/cases")
    banner = text_of(page, "[data-testid=safety-banner]")
    assert "1 safety alert waiting for a safety check" in banner
    assert "Robin Parent" in banner and "Worker: Test Intake" in banner
    first_row = page.locator("table tbody tr").first
    assert "Robin Parent" in first_row.inner_text() and "Safety alert" in first_row.inner_text()
    check_accessible(page, "referrals with a safety alert")
    page.screenshot(path=str(shots / "safety-referrals.png"), full_page=True)

    go(page, page.locator("[data-testid=safety-banner]").get_by_role("link", name="Robin Parent"))
    warning = text_of(page, "[data-testid=safety-alert]")
    assert "On some days" in warning and MOOD.item("mo_hurt_self").prompt in warning
    check_accessible(page, "case page with a safety alert")

    go(page, page.locator("[data-testid=safety-alert]").get_by_role("link"))
    assert page.locator("h1").inner_text() == "Record the safety check"
    check_accessible(page, "record the safety check")
    go(page, page.get_by_role("button", name="Record the safety check"))
    assert page.title().startswith("Error: ")
    assert "Enter what you did for the safety check" in text_of(page, ".govuk-error-summary")
    check_accessible(page, "record the safety check, with an error")
    page.get_by_label("What did you do for the safety check?").fill(
        "Phoned Robin at 10:15. Safe at home with a friend; GP seeing them today."
    )
    go(page, page.get_by_role("button", name="Record the safety check"))
    assert page.url.endswith(f"/cases/{case_id}")
    assert "Safety check recorded. The alert is cleared." in text_of(page, "main")
    assert page.locator("[data-testid=safety-banner]").count() == 0
    assert page.locator("[data-testid=safety-alert]").count() == 0
    assert "Safety check recorded by Test Intake" in text_of(page, ".app-timeline")
    check_accessible(page, "case page after the safety check")
    page.goto(f"{live_server.url}/cases/{case_id}/safety-alerts/1")
    assert page.locator("h1").inner_text() == "Safety check recorded"
    check_accessible(page, "a recorded safety check")
    page.context.close()

    with app.app_context():
        (alert,) = db.session.scalars(select(SafetyAlert))
        assert alert.source == "parent_link" and alert.acknowledged_by_id == worker_id
        assert not db.session.get(Case, case_id).critical_alert
