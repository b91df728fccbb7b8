"""A date's error in the error summary links to the box with the problem, as the GOV.UK
Design System asks: the first box left empty (or not a number), the year when it lacks 4
numbers, else the day. The link must land on an input that is on the page."""

from __future__ import annotations

import pytest

from tests.factories import create_case, create_team, create_user, sign_in_as
from tests.pages import check_page, csrf_token, get_page


@pytest.fixture
def worker(app, client):
    with app.app_context():
        sign_in_as(client, create_user(role="intake", team=create_team(name="North")).get_id())


@pytest.mark.parametrize(
    ("day", "month", "year", "box"),
    [
        ("1", "", "1990", "date_of_birth-month"),
        ("", "2", "1990", "date_of_birth-day"),
        ("1", "", "", "date_of_birth-month"),
        ("1", "x", "1990", "date_of_birth-month"),
        ("1", "2", "90", "date_of_birth-year"),
        ("31", "2", "1990", "date_of_birth-day"),
        ("1", "2", "2999", "date_of_birth-day"),
    ],
)
def test_a_date_of_birth_error_links_to_the_box_with_the_problem(
    client, worker, day, month, year, box
):
    page = get_page(client, "/cases/new")
    response = client.post(
        "/cases/new",
        data={
            "csrf_token": csrf_token(page),
            "parent_name": "Jo Example",
            "language": "English",
            "contact_method": "phone",
            "phone": "020 7946 0000",
            "date_of_birth": [day, month, year],
        },
    )
    page = check_page(response.get_data(as_text=True))
    links = [a["href"] for a in page.select(".govuk-error-summary a")]
    assert links == [f"#{box}"]
    assert page.select_one(f"#{box}").name == "input"


def test_any_date_field_links_to_its_box_with_the_problem(app, client):
    """The meeting's date is another kind of date field: the same rule reaches it."""
    with app.app_context():
        team = create_team(name="North Family Team")
        sign_in_as(client, create_user(role="intake", team=team))
        case_id = create_case(team=team).id
    page = get_page(client, f"/cases/{case_id}/meetings/new")
    response = client.post(
        f"/cases/{case_id}/meetings/new",
        data={
            "csrf_token": csrf_token(page),
            "day": ["3", "", "2027"],
            "start": "2pm",
            "way": "phone",
            "attendees": "The parent and the worker",
            "purpose": "Agree the plan",
        },
    )
    page = check_page(response.get_data(as_text=True))
    assert [a["href"] for a in page.select(".govuk-error-summary a")] == ["#day-month"]
    assert page.select_one("#day-month").name == "input"
