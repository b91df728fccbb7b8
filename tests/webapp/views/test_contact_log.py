"""Every contact checked against the plan, through the real views: a standard letter to a
parent whose plan says easy read and phone first is caught before it is recorded; the worker
fixes it or goes ahead with a reason (audited); the log shows each contact and the verdict."""

from __future__ import annotations

from sqlalchemy import select

from tests.factories import create_case, create_team, create_user, sign_in_as
from tests.pages import csrf_token, get_page, post_page
from webapp.extensions import db
from webapp.services.plans import add_adjustment, propose_new_plan
from webapp.storage.records import AuditEvent, ContactLog


def easy_read_phone_first_case(app, client) -> int:
    with app.app_context():
        team = create_team()
        sign_in_as(client, create_user(role="intake", team=team))
        case = create_case(team=team, contact_method="letter", phone=None)
        case.address = "1 High Street\nLeeds LS1 1AA"
        plan = propose_new_plan(case)
        db.session.commit()
        for adjustment_id in ("easy-read-information", "phone-before-letters"):
            add_adjustment(plan, adjustment_id, "The parent asked for it")
        db.session.commit()
        return case.id


def record(client, case_id, **data):
    url = f"/cases/{case_id}/contacts"
    form = get_page(client, url)
    return post_page(client, url, {"csrf_token": csrf_token(form), "note": "", **data})


def logged(app) -> list[tuple]:
    with app.app_context():
        return [
            (c.kind, c.format, c.followed_plan, c.reason)
            for c in db.session.scalars(select(ContactLog).order_by(ContactLog.id))
        ]


def test_a_standard_letter_before_a_call_is_caught_and_nothing_is_recorded(app, client):
    case_id = easy_read_phone_first_case(app, client)
    page = record(client, case_id, kind="letter", format="standard")
    problems = " ".join(page.select_one("[data-testid=plan-problems]").get_text(" ").split())
    assert "The plan says easy read; this is standard." in problems
    assert "The plan says phone the parent before any letter; no call is recorded." in problems
    assert "Enter why you go ahead" in page.select_one(".govuk-error-summary").text
    assert logged(app) == []


def test_the_worker_fixes_it_a_call_then_an_easy_read_letter_follow_the_plan(app, client):
    case_id = easy_read_phone_first_case(app, client)
    record(client, case_id, kind="call", format="standard")
    page = record(client, case_id, kind="letter", format="easy_read")
    assert logged(app) == [("call", "standard", True, None), ("letter", "easy_read", True, None)]
    rows = page.select("[data-testid=contact-log] tr[data-contact]")
    assert [row["data-followed"] for row in rows] == ["yes", "yes"]
    # A second letter needs a second call.
    page = record(client, case_id, kind="letter", format="easy_read")
    assert "no call is recorded" in page.select_one("[data-testid=plan-problems]").text


def test_going_ahead_needs_a_reason_which_is_logged_and_audited(app, client):
    case_id = easy_read_phone_first_case(app, client)
    reason = "The parent's phone is cut off; the letter asks them to call."
    page = record(client, case_id, kind="letter", format="standard", reason=reason)
    assert logged(app) == [("letter", "standard", False, reason)]
    row = page.select_one("[data-testid=contact-log] tr[data-contact]")
    assert row["data-followed"] == "no" and reason in row.get_text()
    with app.app_context():
        detail = db.session.scalar(
            select(AuditEvent.detail).where(AuditEvent.action == "contact.plan_not_followed")
        )
    assert "The plan says easy read; this is standard." in detail and reason in detail


def test_bad_input_is_named_and_records_nothing(app, client):
    case_id = easy_read_phone_first_case(app, client)
    for data, message in (
        ({"kind": "", "format": "standard"}, "Select what the contact was"),
        ({"kind": "pigeon", "format": "standard"}, "Not a valid choice"),
        ({"kind": "call", "format": ""}, "Select the format"),
        ({"kind": "call", "format": "standard", "note": "x" * 1001}, "1000 characters or fewer"),
        ({"kind": "letter", "format": "standard", "reason": "x" * 1001}, "1000 characters"),
    ):
        page = record(client, case_id, **data)
        assert message in page.select_one(".govuk-error-summary").text, data
    assert logged(app) == []
