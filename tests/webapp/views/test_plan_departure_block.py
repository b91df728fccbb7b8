"""The "would not follow the plan" block that the contact log and the meeting booking pages
share (meetings/_plan_departure.html): hidden while the plan is followed, else the warning,
how the plan is not followed, and the box for the worker's reason."""

from __future__ import annotations

from bs4 import BeautifulSoup
from werkzeug.datastructures import MultiDict

from webapp.forms.meetings import OutsideContactForm

WARNING = "This contact would not follow the plan."


def rendered(app, plan_problems, reason=""):
    with app.test_request_context():
        form = OutsideContactForm(MultiDict({"reason": reason}), meta={"csrf": False})
        macro = app.jinja_env.get_template("meetings/_plan_departure.html").module
        return BeautifulSoup(
            macro.plan_departure(WARNING, plan_problems, form.reason), "html.parser"
        )


def test_nothing_shows_while_the_plan_is_followed(app):
    page = rendered(app, [])
    assert page.select_one("[data-testid=plan-problems]") is None
    assert page.select_one("textarea[name=reason]") is None


def test_a_departure_shows_the_warning_the_problems_and_the_reason_box(app):
    page = rendered(app, ["The plan says easy read; this is standard."])
    block = page.select_one("[data-testid=plan-problems]")
    assert WARNING in block.get_text()
    assert [li.get_text() for li in block.select("li")] == [
        "The plan says easy read; this is standard."
    ]
    assert page.select_one("textarea[name=reason]")["rows"] == "3"


def test_a_typed_reason_is_shown_back_even_when_the_problems_are_gone(app):
    page = rendered(app, [], reason="The parent asked for this.")
    assert page.select_one("textarea[name=reason]").get_text().strip() == (
        "The parent asked for this."
    )
