"""Booking a meeting through the real views: the plan's actions appear on the meeting page,
every field's bad input gets the Design System's words and saves nothing, other teams get 404."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.factories import create_case, create_team, create_user, sign_in_as
from tests.pages import csrf_token, get_page, post_page
from webapp.extensions import db
from webapp.services.plans import add_adjustment, propose_new_plan
from webapp.storage.clock import utcnow
from webapp.storage.records import Case, Meeting

AHEAD = (utcnow() + timedelta(days=10)).date()


def signed_in_case(app, client, *adjustments: str, contact_method="text") -> int:
    with app.app_context():
        team = create_team(name="North Family Team")
        sign_in_as(client, create_user(role="intake", team=team))
        case = create_case(team=team, language="Polish", contact_method=contact_method)
        plan = propose_new_plan(case)
        db.session.commit()
        for adjustment_id in adjustments:
            add_adjustment(plan, adjustment_id, "Asked for at the first visit")
        db.session.commit()
        return case.id


def good(page, **changes) -> dict:
    data = {
        "csrf_token": csrf_token(page),
        "day": [str(AHEAD.day), str(AHEAD.month), str(AHEAD.year)],
        "start": "2pm",
        "way": "in_person",
        "place": "The family centre, 1 High Street",
        "attendees": "The parent and the worker",
        "purpose": "Agree the plan",
    }
    return data | changes


def meetings(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Meeting))


def test_a_booked_meeting_shows_what_the_plan_asks_for(app, client):
    case_id = signed_in_case(app, client, "low-noise-room")
    form = get_page(client, f"/cases/{case_id}/meetings/new")
    assert "A quiet room with low light" in form.select_one("[data-testid=plan-for-meeting]").text
    page = post_page(client, f"/cases/{case_id}/meetings/new", good(form))
    needs = [li.get_text(strip=True) for li in page.select("[data-testid=meeting-needs] li")]
    assert "A quiet room with no background noise and soft lighting" in needs
    tasks = page.select_one("[data-testid=task-table]").get_text(" ")
    assert "Book a professional interpreter in Polish" in tasks
    assert "Send the parent a short summary" in tasks
    assert "14:00" in page.h1.get_text()
    # The case page lists it, and its tasks.
    case_page = get_page(client, f"/cases/{case_id}")
    assert "Agree the plan" in case_page.select_one("[data-testid=case-meetings]").text
    assert "interpreter in Polish" in case_page.select_one("[data-testid=tasks]").text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"day": ["", "", ""]}, "Enter the date of the meeting"),
        ({"day": []}, "Enter the date of the meeting"),
        ({"day": ["1", "2", "2027", "4"]}, "Date of the meeting must be a real date"),
        ({"day": ["31", "2", "2027"]}, "Date of the meeting must be a real date"),
        ({"day": ["1", "1", "2020"]}, "Date of the meeting must be today or in the future"),
        ({"day": ["1", "1", "2999"]}, "Date of the meeting must be within a year from today"),
        ({"start": ""}, "Enter the start time of the meeting"),
        ({"start": "25:00"}, "Enter the start time like 14:00 or 2pm"),
        ({"start": "teatime"}, "Enter the start time like 14:00 or 2pm"),
        ({"way": ""}, "Select how you will meet"),
        ({"way": "carrier-pigeon"}, "Not a valid choice"),
        ({"place": ""}, "Enter where the meeting is"),
        ({"place": "x" * 501}, "Where must be 500 characters or fewer"),
        ({"attendees": " "}, "Enter who will attend"),
        ({"attendees": "x" * 1001}, "Who will attend must be 1000 characters or fewer"),
        ({"purpose": ""}, "Enter the purpose of the meeting"),
        ({"purpose": "x" * 1001}, "Purpose must be 1000 characters or fewer"),
    ],
)
def test_bad_input_for_each_field_is_named_and_saves_nothing(app, client, changes, message):
    case_id = signed_in_case(app, client)
    form = get_page(client, f"/cases/{case_id}/meetings/new")
    page = post_page(client, f"/cases/{case_id}/meetings/new", good(form, **changes))
    summary = page.select_one(".govuk-error-summary")
    assert summary is not None and message in summary.get_text()
    assert meetings(app) == 0
    # What was typed stays in the form.
    assert page.select_one("textarea[name=purpose]").get_text().strip() in (
        changes.get("purpose", "Agree the plan").strip(),
        "",
    )


def test_a_phone_meeting_needs_no_place(app, client):
    case_id = signed_in_case(app, client)
    form = get_page(client, f"/cases/{case_id}/meetings/new")
    page = post_page(client, f"/cases/{case_id}/meetings/new", good(form, way="phone", place=""))
    assert "Phone call" in page.select_one("[data-testid=meeting-details]").get_text()
    assert meetings(app) == 1


def test_a_meeting_earlier_today_is_refused_with_a_message(app, client):
    case_id = signed_in_case(app, client)
    form = get_page(client, f"/cases/{case_id}/meetings/new")
    with app.app_context():
        from webapp.services.meetings import to_local

        now = to_local(utcnow())
    # Midnight today has always passed (the form allows today; the service refuses the past).
    today = [str(now.day), str(now.month), str(now.year)]
    page = post_page(client, f"/cases/{case_id}/meetings/new", good(form, day=today, start="00:00"))
    assert "The meeting must be in the future" in page.select_one(".govuk-error-summary").text
    assert meetings(app) == 0


def test_another_cases_meeting_is_not_found(app, client):
    case_id = signed_in_case(app, client)
    form = get_page(client, f"/cases/{case_id}/meetings/new")
    post_page(client, f"/cases/{case_id}/meetings/new", good(form))
    with app.app_context():
        meeting = db.session.scalar(select(Meeting))
        other = create_case(team=db.session.get(Case, case_id).team, parent_name="Other")
        meeting_id, other_id = meeting.id, other.id
    assert client.get(f"/cases/{other_id}/meetings/{meeting_id}").status_code == 404
    assert client.get(f"/cases/{case_id}/meetings/{meeting_id}").status_code == 200


def test_an_invitation_off_the_plan_needs_a_reason_which_is_logged(app, client):
    """A parent whose plan says phone first gets a text invitation: caught before it goes."""
    case_id = signed_in_case(app, client, contact_method="phone")
    form = get_page(client, f"/cases/{case_id}/meetings/new")
    page = post_page(client, f"/cases/{case_id}/meetings/new", good(form))
    problems = page.select_one("[data-testid=plan-problems]").get_text(" ")
    assert "The plan says contact the parent by a phone call first; this is a text message." in (
        " ".join(problems.split())
    )
    assert "Enter why you go ahead" in page.select_one(".govuk-error-summary").text
    assert meetings(app) == 0
    reason = "The parent asked for a text this time."
    post_page(client, f"/cases/{case_id}/meetings/new", good(page, reason=reason))
    assert meetings(app) == 1
    with app.app_context():
        from webapp.storage.records import AuditEvent, ContactLog

        (entry,) = db.session.scalars(
            select(ContactLog).where(ContactLog.kind == "meeting_invitation")
        )
        assert (entry.followed_plan, entry.reason) == (False, reason)
        audit = db.session.scalar(
            select(AuditEvent.detail).where(AuditEvent.action == "contact.plan_not_followed")
        )
        assert reason in audit
