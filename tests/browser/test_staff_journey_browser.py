"""The walking skeleton in real Chromium: an intake worker opens a referral, screens the parent
in interview mode, agrees a communication plan; a clinician reviews the likely flag. axe-core
checks every page, including error states."""

from __future__ import annotations

import pyotp
import pytest
from sqlalchemy import select

from questionnaires import builtin_library
from tests.browser.harness import (
    LiveServer,
    check_accessible,
)
from tests.factories import PASSWORD, TOTP_SECRET, create_team, create_user
from webapp.extensions import db
from webapp.records import Review

pytestmark = pytest.mark.browser
READING = builtin_library().get("reading-writing")


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/sign-in")
    check_accessible(page, "sign in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    check_accessible(page, "code")
    page.get_by_label("Code").fill(pyotp.TOTP(TOTP_SECRET).now())
    page.get_by_role("button", name="Continue").click()


def test_referral_to_plan_to_clinician_decision(app, chromium):
    with app.app_context():
        team = create_team(name="North")
        worker = create_user(role="intake", team=team).email
        clinician = create_user(role="clinician", team=team).email
    context = chromium.new_context(bypass_csp=True)
    page = context.new_page()
    checked = []

    def check(where: str) -> None:
        check_accessible(page, where)
        checked.append(where)

    with LiveServer(app) as live:
        sign_in(page, live.url, worker)
        page.wait_for_url("**/cases")
        check("referrals")
        page.get_by_role("button", name="Open a new referral").click()
        page.get_by_role("button", name="Open referral").click()  # empty: errors first
        assert page.title().startswith("Error:")
        check("new referral with errors")
        page.get_by_label("Parent's full name").fill("Jo Example")
        page.get_by_label("Phone call").check()
        page.get_by_label("Phone number").fill("07700 900123")
        page.get_by_label("Parent's first language").fill("Polish")
        page.get_by_role("button", name="Open referral").click()
        check("case page")

        page.get_by_role("button", name="Start a screening with the parent").click()
        check("choose questionnaire")
        page.get_by_label("Reading and writing").check()
        page.get_by_role("button", name="Start").click()
        for number, item in enumerate(READING.items, start=1):
            heading = page.locator("h1").inner_text()
            assert f"question {number} of {len(READING.items)}" in heading
            assert item.prompt in heading
            assert page.locator(".govuk-back-link").is_visible()
            check(f"question {number}")
            last = page.locator("input[name=answer]:not([value=skip])").last
            page.locator(f"label[for='{last.get_attribute('id')}']").click()
            page.get_by_role("button", name="Continue").click()
        page.wait_for_url("**/check")
        check("check answers")
        page.get_by_role("button", name="Send answers").click()
        check("result")
        assert "May need an assessment for reading difficulties" in page.content()
        assert "6 points from finding letters hard to read" in page.content()

        page.get_by_role("button", name="Check the communication plan").click()
        check("draft plan")
        page.locator("[data-adjustment=offer-advocate] a").click()
        page.get_by_role("button", name="Remove adjustment").click()  # no reason: an error
        check("remove with an error")
        page.get_by_label("Why are you removing this adjustment?").fill("Has an advocate")
        page.get_by_role("button", name="Remove adjustment").click()
        page.get_by_role("link", name="Add an adjustment").click()
        check("add adjustment")
        page.get_by_label("Large print documents").check()
        page.get_by_label("Why are you adding it?").fill("Asked for bigger text")
        page.get_by_role("button", name="Add adjustment").click()
        page.get_by_role("button", name="Agree this plan").click()
        check("agreed plan")
        page.get_by_role("link", name="Back to the referral").click()
        banner = page.locator("[data-testid=plan-banner]")
        assert "Large print documents" in banner.inner_text()
        check("case page with the plan banner")
        page.get_by_role("button", name="Sign out").click()

        sign_in(page, live.url, clinician)
        page.wait_for_url("**/review")
        check("review queue")
        assert "1 referral waiting" in page.content()
        page.get_by_role("link", name="Jo Example").click()
        check("review page")
        assert "Most of the time" in page.content()
        page.get_by_label("Refer for a formal assessment").check()
        page.get_by_label("Dyslexia assessment").check()
        page.get_by_label("Note").fill("Clear signs: refer.")
        page.get_by_role("button", name="Record decision").click()
        check("queue after the decision")
        assert "0 referrals waiting" in page.content()
    context.close()
    with app.app_context():
        review = db.session.scalars(select(Review)).one()
        assert (review.decision, review.pathway) == ("refer", "dyslexia-assessment")
    assert len(checked) == 14 + len(READING.items)  # every page above was checked


def test_admin_pages_in_the_browser(app, chromium):
    with app.app_context():
        admin = create_user(role="admin", team=None).email
        team = create_team(name="South")
        create_user(role="intake", team=team)
    context = chromium.new_context(bypass_csp=True)
    page = context.new_page()
    with LiveServer(app) as live:
        sign_in(page, live.url, admin)
        page.wait_for_url("**/admin/users")
        check_accessible(page, "users")
        assert page.locator("tbody tr").count() == 2
        page.get_by_role("link", name="Audit trail").click()
        check_accessible(page, "audit trail")
        page.get_by_label("Case reference").fill("banana")
        page.get_by_role("button", name="Search").click()
        assert "Enter a case reference like C000123" in page.content()
        check_accessible(page, "audit trail with an error")
        page.get_by_role("link", name="Subject access").click()
        page.get_by_role("button", name="Continue").click()
        check_accessible(page, "subject access with errors")
        page.get_by_role("link", name="Dashboard").click()
        check_accessible(page, "dashboard")
    context.close()
