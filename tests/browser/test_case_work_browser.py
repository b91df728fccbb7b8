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
