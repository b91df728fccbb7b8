"""A worker sends a parent their link from the case page, in real Chromium: the stand-in
Notify receives a signed, easy-read text, and its link opens the parent's start page."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.browser.harness import check_accessible, go, sign_in
from tests.factories import create_case
from tests.notify_stand_in import NotifyServer
from webapp.extensions import db
from webapp.services.outbox import send_due
from webapp.storage.records import Team

pytestmark = pytest.mark.browser


def test_a_worker_sends_a_link_and_the_parent_opens_it(app, live_server, staff, page, browser):
    with app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == "North"))
        team.phone = "020 7946 0000"
        case_id = create_case(team=team, contact_method="text", phone="07700 900123").id
    with NotifyServer() as notify:
        app.config.update(notify.config(), PUBLIC_BASE_URL=live_server.url)
        sign_in(page, live_server.url, staff.intake)
        page.goto(f"{live_server.url}/cases/{case_id}")
        go(page, page.get_by_role("button", name="Send the parent a private link"))
        check_accessible(page, "invite")
        go(page, page.get_by_role("button", name="Send it to the parent"))
        assert "The link is on its way to the parent." in page.locator("main").inner_text()
        check_accessible(page, "case page with a message")

        with app.app_context():
            assert send_due().sent == 1
        (text,) = notify.sent_to("07700900123")

    body = text.personalisation["body"]
    assert text.type == "sms"
    assert "This is Test Intake from North." in body and "It is not a test." in body
    assert body.endswith("From Test Intake, North.\nPhone 020 7946 0000.")
    (link,) = re.findall(r"http://\S+", body)
    parents_phone = browser.new_context()  # the parent's own browser, not the worker's
    parent = parents_phone.new_page()
    parent.goto(link)
    assert "/start/" not in parent.url  # the token leaves the address bar
    assert parent.get_by_label("I have read this and I want to start").is_visible()
    parents_phone.close()

    page.reload()
    card = page.locator("[data-status=sent]")
    assert "Text message" in card.inner_text() and "sent" in card.inner_text()


def test_a_link_off_the_plan_stops_the_worker_until_a_reason(app, live_server, staff, page):
    """A phone-first parent: the text link and its resend each ask for a reason (axe on both)."""
    from webapp.services.plans import propose_new_plan
    from webapp.storage.records import Case

    with app.app_context():
        team = db.session.scalar(select(Team).where(Team.name == "North"))
        case_id = create_case(team=team, contact_method="phone", phone="07700 900123").id
        propose_new_plan(db.session.get(Case, case_id))
        db.session.commit()
    with NotifyServer() as notify:
        app.config.update(notify.config(), PUBLIC_BASE_URL=live_server.url)
        sign_in(page, live_server.url, staff.intake)
        page.goto(f"{live_server.url}/cases/{case_id}/invitations/new")
        go(page, page.get_by_role("button", name="Send it to the parent"))
        assert "by a phone call first" in page.get_by_test_id("plan-problems").inner_text()
        check_accessible(page, "invite off the plan")
        page.get_by_label("Why go ahead without following the plan?").fill("Asked by text")
        go(page, page.get_by_role("button", name="Send it to the parent"))
        assert "The link is on its way to the parent." in page.locator("main").inner_text()
        go(page, page.get_by_role("button", name=re.compile("Send it to the parent again")))
        assert "by a phone call first" in page.get_by_test_id("plan-problems").inner_text()
        check_accessible(page, "resend off the plan")
        page.get_by_label("Why go ahead without following the plan?").fill("Asked again")
        go(page, page.get_by_role("button", name="Send the link again"))
        assert "The link is on its way to the parent." in page.locator("main").inner_text()
