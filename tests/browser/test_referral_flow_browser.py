"""One referral, start to finish, in real Chromium (the browser twin of
tests/webapp/views/test_referral_flow.py): an intake worker opens a referral, screens the parent
with them present (some answers by keyboard), sends, agrees a communication plan; a clinician
reviews the flag and refers for a formal assessment. axe-core checks every page the browser lands
on, error states included."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from questionnaires import builtin_library
from tests.browser.harness import check_accessible, go, sign_in, submit_with, tab_to
from webapp.extensions import db
from webapp.storage.records import Case, Plan, Review

pytestmark = pytest.mark.browser
READING = builtin_library().get("reading-writing")


def text_of(page, selector: str = "main") -> str:
    return " ".join(page.locator(selector).inner_text().split())


def answer_with_the_keyboard(page, values: list[str]) -> None:
    """Tab into the radios, Space to choose the first, arrow down to the strongest answer, then
    Enter to submit the form."""
    tab_to(page, "input[name=answer]")
    page.keyboard.press("Space")
    for _ in values[1:]:
        page.keyboard.press("ArrowDown")
    assert page.locator(f"input[name=answer][value={values[-1]}]").is_checked()
    submit_with(page, "Enter")


def answer_with_the_mouse(page, values: list[str]) -> None:
    radio = page.locator(f"input[name=answer][value={values[-1]}]")
    page.locator(f"label[for='{radio.get_attribute('id')}']").click()
    assert radio.is_checked()
    go(page, page.get_by_role("button", name="Continue"))


def test_a_referral_from_intake_to_a_clinicians_decision(app, live_server, staff, page, shots):
    checked: list[str] = []

    def check(where: str) -> None:
        check_accessible(page, where)
        checked.append(where)

    # The intake worker signs in and opens a referral; the empty form shows its errors first.
    sign_in(page, live_server.url, staff.intake, check=lambda _page, where: check(where))
    assert page.url.endswith("/cases")
    check("referrals")
    go(page, page.get_by_role("button", name="Open a new referral"))
    check("new referral")
    go(page, page.get_by_role("button", name="Open referral"))
    assert page.title().startswith("Error: ")
    summary = text_of(page, ".govuk-error-summary")
    assert "Enter the parent's full name" in summary
    assert "Select how the parent prefers to be contacted" in summary
    check("new referral with errors")
    page.get_by_label("Parent's full name").fill("Jo Example")
    page.get_by_label("Phone call").check()
    page.get_by_label("Phone number").fill("07400 123456")
    page.get_by_label("Parent's first language").fill("Polish")
    go(page, page.get_by_role("button", name="Open referral"))
    assert page.locator("h1").inner_text() == "Jo Example"
    details = text_of(page, ".govuk-summary-list")
    assert "07400 123456" in details and "Polish" in details and "Phone" in details
    check("case page")

    # The screening, with the parent present: every question on its own page.
    go(page, page.get_by_role("button", name="Start a screening with the parent"))
    check("choose a questionnaire")
    page.get_by_label("Reading and writing").check()
    page.get_by_label("With the parent now", exact=False).check()  # the parent is present
    page.get_by_label("In person", exact=True).check()  # the parent agreed to it
    go(page, page.get_by_role("button", name="Start"))
    count = len(READING.items)
    for number, item in enumerate(READING.items, start=1):
        heading = " ".join(page.locator("h1").inner_text().split())
        assert f"question {number} of {count}" in heading, heading
        assert item.prompt in heading
        back = page.locator("a.govuk-back-link")
        assert back.is_visible() and back.get_attribute("href")
        assert page.get_by_label("I'd rather not say").count() == 1
        check(f"question {number} of {count}")
        values = [option.value for option in item.options]
        if number % 2:
            answer_with_the_keyboard(page, values)
        else:
            answer_with_the_mouse(page, values)

    assert page.url.endswith("/check"), page.url
    check("check the answers")
    assert page.locator(".govuk-summary-list__row").count() == count
    assert "Very often" in text_of(page, ".govuk-summary-list")
    go(page, page.get_by_role("button", name="Score these answers"))

    # The result: the band and the answers that contributed to it.
    assert page.url.endswith("/result"), page.url
    check("result")
    card = text_of(page, "[data-domain=literacy]")
    assert "May need an assessment for reading difficulties" in card
    assert "6 points from finding letters hard to read" in card
    assert "6 points from finding forms hard" in card
    assert "not diagnosis" in card
    assert "This referral is now in the clinician review queue" in text_of(page)
    page.screenshot(path=shots / "result.png", full_page=True)

    # The plan: remove an adjustment (a reason is required), add one, agree.
    go(page, page.get_by_role("button", name="Check the communication plan"))
    check("draft plan")
    proposed = set(
        page.locator("[data-adjustment]").evaluate_all("""cards =>
        cards.map(card => card.dataset.adjustment)""")
    )
    assert {"read-documents-aloud", "contact-by-phone", "language-interpreter"} <= proposed
    go(page, page.locator("[data-adjustment=offer-advocate]").get_by_role("link", name="Remove"))
    check("remove an adjustment")
    go(page, page.get_by_role("button", name="Remove adjustment"))
    assert page.title().startswith("Error: ")
    assert "Enter why you are removing this adjustment" in text_of(page, ".govuk-error-summary")
    check("remove an adjustment with no reason")
    page.get_by_label("Why are you removing this adjustment?").fill("Already has an advocate")
    go(page, page.get_by_role("button", name="Remove adjustment"))
    assert page.locator("[data-adjustment=offer-advocate]").count() == 0
    assert "Already has an advocate" in text_of(page)
    check("plan after removing")
    go(page, page.get_by_role("link", name="Add an adjustment"))
    check("add an adjustment")
    page.get_by_label("Large print documents").check()
    page.get_by_label("Why are you adding it?").fill("Asked for bigger text")
    go(page, page.get_by_role("button", name="Add adjustment"))
    assert "(added by a worker)" in text_of(page, "[data-adjustment=large-print]")
    check("plan after adding")
    go(page, page.get_by_role("button", name="Agree this plan"))
    assert "Plan version 1 agreed" in text_of(page)
    check("agreed plan")
    page.screenshot(path=shots / "plan.png", full_page=True)

    # The agreed plan shows as a banner on the case page.
    go(page, page.get_by_role("link", name="Back to the referral"))
    banner = text_of(page, "[data-testid=plan-banner]")
    assert "Large print documents" in banner
    assert "Offer an independent advocate" not in banner
    check("case page with the plan banner")

    # The parent agrees to a referral to the dyslexia service: the worker records it.
    go(page, page.get_by_role("link", name="Record or withdraw consent"))
    check("consent")
    page.get_by_label("A referral to Dyslexia assessment").check()
    page.get_by_label("In person", exact=True).check()
    go(page, page.get_by_role("button", name="Record consent"))
    assert "A referral to Dyslexia assessment: in person" in text_of(page, "[data-testid=consents]")
    check("consent recorded")
    go(page, page.get_by_role("link", name="Back to the referral"))
    go(page, page.get_by_role("button", name="Sign out"))
    assert page.url.endswith("/sign-in")

    # The clinician signs in, finds the referral in the queue and refers it.
    sign_in(page, live_server.url, staff.clinician, check=lambda _page, where: check(where))
    assert page.url.endswith("/review"), page.url
    assert "1 referral waiting" in text_of(page)
    check("review queue")
    go(page, page.locator("table").get_by_role("link", name="Jo Example"))
    check("review a referral")
    review = text_of(page)
    assert "May need an assessment for reading difficulties" in review  # the band
    assert "40 of 40 points" in review  # the score
    assert "6 points from finding letters hard to read" in review  # the reasons
    scores = page.locator("[data-domain=literacy] .govuk-list li").all_inner_texts()
    assert len(scores) == count and all(" points from " in s for s in scores), scores
    assert "Do you find letters hard to read? Very often" in review  # the answers
    assert "Was reading hard for you at school? Often" in review
    go(page, page.get_by_role("button", name="Record a decision"))
    check("decision")
    page.get_by_label("Refer for a formal assessment").check()
    page.get_by_label("Note").fill("Clear signs: refer.")
    go(page, page.get_by_role("button", name="Record decision"))  # no pathway: an error
    errors = text_of(page, ".govuk-error-summary")
    assert "Select an assessment pathway for at least one area" in errors
    check("decision with an error")
    page.get_by_label("Reading and writing: which assessment pathway?").select_option(
        "dyslexia-assessment"
    )
    go(page, page.get_by_role("button", name="Record decision"))
    assert page.url.endswith("/review"), page.url
    queue = text_of(page)
    assert "Decision recorded" in queue
    assert "0 referrals waiting" in queue
    assert page.locator("table").count() == 0
    check("empty review queue")

    with app.app_context():
        review = db.session.scalars(select(Review)).one()
        assert [(p.domain, p.pathway) for p in review.pathways] == [
            ("literacy", "dyslexia-assessment")
        ]
        assert review.note == "Clear signs: refer."
        assert db.session.scalars(select(Case)).one().review_state == "reviewed"
        plan = db.session.scalars(select(Plan)).one()
        assert plan.status == "agreed"
    # Every page the browser landed on was checked: the 2 sign-in pages twice, 7 intake pages
    # and each question, 8 plan and case pages, 2 consent pages, 5 clinician pages.
    assert len(checked) == 4 + 7 + count + 8 + 2 + 5, checked
