"""Case work in real Chromium: contact details checked against the contact method, on opening
a referral and when the team corrects them later. axe-core checks every page and error state."""

from __future__ import annotations

import pytest

from tests.browser.harness import check_accessible, go, sign_in

pytestmark = pytest.mark.browser


def text_of(page, selector: str = "main") -> str:
    return " ".join(page.locator(selector).inner_text().split())


def test_contact_details_in_the_browser(app, live_server, staff, page):
    sign_in(page, live_server.url, staff.intake)
    go(page, page.get_by_role("button", name="Open a new referral"))
    page.get_by_label("Parent's full name").fill("Robin Text")
    page.get_by_label("Text message").check()
    go(page, page.get_by_role("button", name="Open referral"))
    assert page.title().startswith("Error: ")
    assert "Enter a UK mobile number for text messages" in text_of(page, ".govuk-error-summary")
    check_accessible(page, "new referral: text messages with no number")
    page.get_by_label("Phone number").fill("07400 123456")
    go(page, page.get_by_role("button", name="Open referral"))
    assert "Text message" in text_of(page, ".govuk-summary-list")

    go(page, page.get_by_role("link", name="Change contact details"))
    check_accessible(page, "change contact details")
    page.get_by_label("Letter").check()
    page.get_by_label("Postal address").fill("1 High Street, Leeds")
    page.get_by_label("Phone number").fill("call me maybe")
    go(page, page.get_by_role("button", name="Save contact details"))
    summary = text_of(page, ".govuk-error-summary")
    assert "Enter the address with its postcode" in summary
    assert "Enter a phone number, like" in summary
    check_accessible(page, "change contact details with errors")
    page.get_by_label("Postal address").fill("1 High Street, Leeds LS1 1AA")
    page.get_by_label("Phone number").fill("07400 123456")
    go(page, page.get_by_role("button", name="Save contact details"))
    assert "Contact details saved." in text_of(page)
    assert "LS1 1AA" in text_of(page, ".govuk-summary-list")
    check_accessible(page, "case page after a change")


def test_case_lifecycle_in_the_browser(app, live_server, staff, page):
    """Transfer, close and reopen, with each form's error state, checked by axe."""
    from tests.factories import create_team, create_user
    from webapp.extensions import db
    from webapp.storage.records import Team

    with app.app_context():
        north = db.session.scalar(db.select(Team).where(Team.name == "North"))
        colleague = create_user(role="intake", team=north)
        colleague.name = "Bo Colleague"
        create_team(name="South")
        db.session.commit()
    sign_in(page, live_server.url, staff.intake)
    go(page, page.get_by_role("button", name="Open a new referral"))
    page.get_by_label("Parent's full name").fill("Robin Moves")
    page.get_by_label("Phone call").check()
    page.get_by_label("Phone number").fill("020 7946 0000")
    go(page, page.get_by_role("button", name="Open referral"))
    assert "Test Intake" in text_of(page, ".govuk-summary-list")

    go(page, page.get_by_role("link", name="Transfer to another worker or team"))
    check_accessible(page, "transfer a referral")
    go(page, page.get_by_role("button", name="Transfer referral"))
    summary = text_of(page, ".govuk-error-summary")
    assert "Select a worker or a team" in summary
    assert "Enter why you are transferring this referral" in summary
    check_accessible(page, "transfer a referral with errors")
    page.get_by_label("Bo Colleague").check()
    page.get_by_label("Why are you transferring it?").fill("I am on leave")
    go(page, page.get_by_role("button", name="Transfer referral"))
    assert "Referral transferred to Bo Colleague." in text_of(page)
    assert "Bo Colleague" in text_of(page, ".govuk-summary-list")

    go(page, page.get_by_role("link", name="Close this referral"))
    check_accessible(page, "close a referral")
    page.get_by_label("Another reason").check()
    go(page, page.get_by_role("button", name="Close referral"))
    assert "Enter why you are closing this referral" in text_of(page, ".govuk-error-summary")
    check_accessible(page, "close a referral with errors")
    page.get_by_label("More detail").fill("The parent asked us to stop")
    go(page, page.get_by_role("button", name="Close referral"))
    assert "The parent asked us to stop" in text_of(page, "[data-testid=closed]")
    check_accessible(page, "a closed referral")

    page.goto(f"{live_server.url}/cases?status=closed")
    assert "Robin Moves" in text_of(page, "table")
    check_accessible(page, "closed referrals")
    go(page, page.get_by_role("link", name="Robin Moves"))
    go(page, page.get_by_role("button", name="Reopen referral"))
    assert "reopened." in text_of(page)
    page.goto(f"{live_server.url}/cases?scope=mine")
    assert "No referrals match." in text_of(page)  # it is Bo's now
    check_accessible(page, "my cases")


def test_screening_history_in_the_browser(app, live_server, staff, page):
    """Two answer sets to one questionnaire: the case page and the clinician's page say which
    counts, and the link form leaves out what was just answered; axe checks each page."""
    from questionnaires import builtin_library
    from tests.factories import create_case
    from webapp.extensions import db
    from webapp.services.questions import save_answer, start_response
    from webapp.services.scoring import submit_response
    from webapp.storage.records import Team, User

    with app.app_context():
        north = db.session.scalar(db.select(Team).where(Team.name == "North"))
        worker = db.session.scalar(db.select(User).where(User.email == staff.intake))
        case = create_case(team=north, parent_name="Robin History")
        reading = builtin_library().get("reading-writing")
        for choice in (0, -1):
            response = start_response(case, reading, "with-worker", worker)
            for item in reading.items:
                save_answer(response, item.id, item.option_values[choice])
            submit_response(response, worker)
        case_id = case.id
        db.session.remove()
    sign_in(page, live_server.url, staff.intake)
    page.goto(f"{live_server.url}/cases/{case_id}")
    sets = text_of(page, "[data-testid=answer-sets]")
    assert "Counts Reading and writing" in sets and "Earlier Reading and writing" in sets
    check_accessible(page, "case page with two answer sets")
    go(page, page.get_by_role("button", name="Send the parent a private link"))
    assert "Reading and writing" in text_of(page, "[data-testid=recently-answered]")
    assert not page.get_by_label("Reading and writing").is_checked()
    check_accessible(page, "link form leaving out a recent questionnaire")
    page.get_by_label("How we keep in touch with you").uncheck()
    go(page, page.get_by_role("button", name="Make the private link"))
    assert "Select at least one questionnaire" in text_of(page, ".govuk-error-summary")
    check_accessible(page, "link form with nothing ticked")

    page.context.clear_cookies()  # sign in afresh, as the clinician
    sign_in(page, live_server.url, staff.clinician)
    page.goto(f"{live_server.url}/review/cases/{case_id}")
    assert "Earlier answers" in text_of(page)
    assert "Reading and writing (earlier)" in text_of(page)
    check_accessible(page, "clinician's review with earlier answers")


def test_consent_in_the_browser(app, live_server, staff, page):
    """Consent to a screening (it does not start without it), to sharing, and its withdrawal,
    with each form's error state, checked by axe."""
    sign_in(page, live_server.url, staff.intake)
    go(page, page.get_by_role("button", name="Open a new referral"))
    page.get_by_label("Parent's full name").fill("Robin Agrees")
    page.get_by_label("Phone call").check()
    page.get_by_label("Phone number").fill("020 7946 0000")
    go(page, page.get_by_role("button", name="Open referral"))
    case_url = page.url
    summary = text_of(page, "[data-testid=consent-summary]")
    assert "Consent to share with the clinicians' team is not recorded" in summary

    go(page, page.get_by_role("button", name="Start a screening with the parent"))
    page.get_by_label("Reading and writing").check()
    go(page, page.get_by_role("button", name="Start"))
    assert page.title().startswith("Error: ")
    assert "Select how the parent agreed to this screening" in text_of(page, ".govuk-error-summary")
    check_accessible(page, "start a screening without consent")
    page.get_by_label("In person", exact=True).check()
    go(page, page.get_by_role("button", name="Start"))
    assert "question 1 of" in text_of(page)

    page.goto(case_url)
    go(page, page.get_by_role("link", name="Record or withdraw consent"))
    assert "A screening with a worker: in person" in text_of(page, "[data-testid=consents]")
    check_accessible(page, "consent")
    go(page, page.get_by_role("button", name="Record consent"))
    errors = text_of(page, ".govuk-error-summary")
    assert "Select what the parent agreed to" in errors
    assert "Select how the parent gave consent" in errors
    check_accessible(page, "consent with errors")
    page.get_by_label("Sharing their answers with the clinicians' team").check()
    page.get_by_label("By phone").check()
    go(page, page.get_by_role("button", name="Record consent"))
    assert "Consent recorded." in text_of(page)
    consents = text_of(page, "[data-testid=consents]")
    assert "Sharing their answers with the clinicians' team: by phone" in consents

    go(
        page,
        page.locator("[data-testid=consents] li", has_text="Sharing")
        .get_by_role("link", name="Record that the parent withdrew this")
        .first,
    )
    check_accessible(page, "withdraw consent")
    go(page, page.get_by_role("button", name="Record withdrawal"))
    assert "Select how the parent withdrew consent" in text_of(page, ".govuk-error-summary")
    check_accessible(page, "withdraw consent with an error")
    page.get_by_label("In person", exact=True).check()
    go(page, page.get_by_role("button", name="Record withdrawal"))
    assert "Withdrawal of consent recorded." in text_of(page)
    assert "Withdrawn in person" in text_of(page, "[data-testid=consents]")
    check_accessible(page, "consent after a withdrawal")
