"""The dashboard's "contacts that followed the plan" and "meetings with their adjustments in
place", on the demo data: each figure matches a count made by hand from the contact log."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from tests.factories import sign_in_as
from tests.pages import get_page
from webapp.cli.commands import load_demo_data
from webapp.extensions import db
from webapp.storage.clock import utcnow
from webapp.storage.records import ContactLog, User


@pytest.fixture
def demo(app, client):
    app.config["DEMO_MODE"] = True
    with app.app_context():
        load_demo_data("a-demo-password-1")
        sign_in_as(client, db.session.scalar(select(User).where(User.email == "intake@demo.test")))
        # The count by hand: every contact in the log up to now, and those that followed.
        rows = [c for c in db.session.scalars(select(ContactLog)) if c.at <= utcnow()]
        return {"contacts": len(rows), "followed": sum(1 for c in rows if c.followed_plan)}


def test_the_share_of_contacts_that_followed_the_plan_matches_a_hand_count(client, demo):
    # The demo's contacts (webapp/cli/demo_plan.py), judged by hand against each plan:
    # One (phone first): a text before any call (no), a call (yes), a text after it (yes).
    # Two (letter, phone first): a letter before a call (no), a call (yes), the meeting's
    # invitation letter, held for the call (yes).
    assert demo == {"contacts": 6, "followed": 4}
    page = get_page(client, "/dashboard")
    assert page.select_one("[data-figure=contacts-followed]").text == "67%"
    assert (
        "of 6 contacts followed the plan" in page.select_one("#plan-followed").find_next("div").text
    )
    (row,) = page.select("[data-testid=contacts-by-team-month] tbody tr")
    cells = [c.get_text(strip=True) for c in row.select("th, td")]
    assert cells == [f"Demo team, {utcnow():%Y-%m}", "6", "4"]
    # The chart carries the same share, with a text alternative.
    chart = page.select_one("#contacts-followed-caption").find_parent("figure")
    assert "67%" in chart.get_text()


def test_meetings_with_their_adjustments_in_place(client, demo):
    page = get_page(client, "/dashboard")
    assert page.select_one("[data-figure=meetings-in-place]").text == "1"
    assert "of 2 meetings held had their adjustments in place" in page.get_text(" ")


def test_the_plan_csv_has_the_same_figures(client, demo):
    response = client.get("/dashboard/plan.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == {
        "team": "Demo team",
        "month": f"{utcnow():%Y-%m}",
        "contacts": "6",
        "followed_plan": "4",
        "share": "67%",
    }
    assert rows[-1]["contacts"] == "2" and rows[-1]["followed_plan"] == "1"
