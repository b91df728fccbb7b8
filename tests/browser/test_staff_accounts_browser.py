"""Staff accounts in real Chromium: an admin invites, the invitee sets a password and an
authenticator app from the link, and the admin changes the account. axe-core checks every
page, error states included."""

from __future__ import annotations

import pyotp
import pytest

from tests.browser.harness import check_accessible, go, sign_in
from tests.factories import create_team, create_user

pytestmark = pytest.mark.browser


def text_of(page, selector: str = "main") -> str:
    return " ".join(page.locator(selector).inner_text().split())


def test_invite_set_up_and_change_an_account(app, live_server, browser, page):
    with app.app_context():
        create_team(name="North")
        create_team(name="South")
        admin = create_user(role="admin", team=None).email
    sign_in(page, live_server.url, admin)
    page.goto(f"{live_server.url}/admin/users")
    check_accessible(page, "staff accounts")
    go(page, page.get_by_role("link", name="Invite a member of staff"))
    check_accessible(page, "invite")
    go(page, page.get_by_role("button", name="Invite"))
    summary = text_of(page, ".govuk-error-summary")
    assert "Enter their full name" in summary and "Select a role" in summary
    check_accessible(page, "invite with errors")
    page.get_by_label("Full name").fill("Nia New")
    page.get_by_label("Work email address").fill("nia@example.test")
    page.get_by_label("Intake worker").check()
    go(page, page.get_by_role("button", name="Invite"))
    assert "Select a team for an intake worker" in text_of(page, ".govuk-error-summary")
    page.get_by_label("Team").select_option(label="North")
    go(page, page.get_by_role("button", name="Invite"))
    check_accessible(page, "the set-up link, shown once")
    link = page.get_by_test_id("set-up-link").inner_text().strip()
    path = link.removeprefix(app.config["PUBLIC_BASE_URL"].rstrip("/"))

    invitee = browser.new_context(bypass_csp=True).new_page()  # for axe, as the page fixture
    try:
        invitee.goto(f"{live_server.url}/account/set-up/not-the-link")
        assert invitee.title().startswith("This set-up link does not work")
        check_accessible(invitee, "a wrong set-up link")
        invitee.goto(f"{live_server.url}{path}")
        check_accessible(invitee, "set up your account")
        invitee.get_by_label("New password").fill("too short")
        invitee.get_by_label("Confirm the password").fill("too short")
        go(invitee, invitee.get_by_role("button", name="Continue"))
        assert "Enter a password of 12 to 200 characters" in text_of(
            invitee, ".govuk-error-summary"
        )
        check_accessible(invitee, "set up your account with errors")
        invitee.get_by_label("New password").fill("a long enough password")
        invitee.get_by_label("Confirm the password").fill("a long enough password")
        go(invitee, invitee.get_by_role("button", name="Continue"))
        secret = invitee.get_by_test_id("totp-secret").inner_text()
        invitee.get_by_label("Code", exact=True).fill(pyotp.TOTP(secret).now())
        go(invitee, invitee.get_by_role("button", name="Continue"))
        assert "recovery" in text_of(invitee).lower()
    finally:
        invitee.context.close()

    page.goto(f"{live_server.url}/admin/users")
    go(page, page.get_by_role("link", name="Nia New"))
    check_accessible(page, "one account")
    page.get_by_label("Team").select_option(label="No team (admins only)")
    go(page, page.get_by_role("button", name="Save role and team"))
    assert "Select a team for an intake worker" in text_of(page, ".govuk-error-summary")
    check_accessible(page, "one account with errors")
    page.get_by_label("Clinician").check()
    page.get_by_label("Team").select_option(label="South")
    go(page, page.get_by_role("button", name="Save role and team"))
    assert "role and team are saved" in text_of(page)
    go(page, page.get_by_role("button", name="Reset the authenticator app"))
    assert "set up a new authenticator app" in text_of(page)
    go(page, page.get_by_role("button", name="Disable this account"))
    check_accessible(page, "a disabled account")
