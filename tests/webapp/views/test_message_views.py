"""The case page's message buttons through the real views: send, send again, and the phone
call that releases a held letter. A link message off the plan is stopped: the worker records
the contact the plan asks for first, or goes ahead with a reason kept on the contact log. Bad
input gets a clear message, never a 500."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.factories import create_case, create_team, create_user, sign_in_as
from tests.pages import csrf_token, get_page, post_page
from webapp.extensions import db
from webapp.services.invitations import send_link
from webapp.services.plans import propose_new_plan
from webapp.services.questions import screening_questionnaires
from webapp.storage.records import AuditEvent, Case, ContactLog, Invitation, Message, PlanItem


def signed_in_case(app, client, **contact) -> int:
    with app.app_context():
        team = create_team()
        sign_in_as(client, create_user(role="intake", team=team))
        case = create_case(team=team, contact_method=contact.pop("method", "text"))
        for name, value in contact.items():
            setattr(case, name, value)
        db.session.commit()
        return case.id


def send_from_the_invite_page(client, case_id: int):
    form = get_page(client, f"/cases/{case_id}/invitations/new")
    return post_page(
        client,
        f"/cases/{case_id}/invitations/new",
        {"csrf_token": csrf_token(form), "questionnaires": "reading-writing", "send": "y"},
    )


def statuses(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(Message.status).order_by(Message.id)))


def test_send_it_to_the_parent_then_again(app, client, notify):
    case_id = signed_in_case(app, client)
    page = send_from_the_invite_page(client, case_id)
    assert "The link is on its way to the parent." in page.get_text()
    resend = page.select_one("form[action$='/resend']")
    page = post_page(client, resend["action"], {"csrf_token": csrf_token(page)})
    assert "The link is on its way to the parent." in page.get_text()
    assert statuses(app) == ["queued", "queued"]


def test_no_way_to_reach_the_parent_is_shown_on_the_form(app, client, notify):
    case_id = signed_in_case(app, client, phone=None)
    page = send_from_the_invite_page(client, case_id)
    assert "no mobile number, email address or postal address" in page.get_text()
    assert statuses(app) == []


def test_the_phone_call_releases_a_held_letter(app, client, notify):
    case_id = signed_in_case(app, client, method="letter", phone=None, address="1 High St\nAB1")
    with app.app_context():
        plan = propose_new_plan(db.session.get(Case, case_id))
        plan.items.append(PlanItem(adjustment_id="phone-before-letters", source="worker"))
        db.session.commit()
    page = send_from_the_invite_page(client, case_id)
    assert "waits until you record your phone call" in page.get_text()
    assert statuses(app) == ["held"]
    phoned = page.select_one("form[action$='/messages/phoned']")
    page = post_page(client, phoned["action"], {"csrf_token": csrf_token(page)})
    assert "Call recorded. 1 letter(s) will now be sent." in page.get_text()
    assert statuses(app) == ["queued"]


def phone_first_case(app, client) -> int:
    """A parent whose plan says phone them first, with a mobile: the link would go by text."""
    case_id = signed_in_case(app, client, method="phone")
    with app.app_context():
        propose_new_plan(db.session.get(Case, case_id))
        db.session.commit()
    return case_id


def link_contacts(app) -> list[tuple]:
    with app.app_context():
        return [
            (c.kind, c.channel, c.followed_plan, c.reason)
            for c in db.session.scalars(select(ContactLog).order_by(ContactLog.id))
        ]


PHONE_FIRST = "The plan says contact the parent by a phone call first; this is a text message."


def plan_problems(page) -> str:
    return " ".join(page.select_one("[data-testid=plan-problems]").get_text(" ").split())


def test_a_text_link_to_a_phone_first_parent_is_stopped_and_nothing_is_made(app, client, notify):
    case_id = phone_first_case(app, client)
    page = send_from_the_invite_page(client, case_id)
    assert PHONE_FIRST in plan_problems(page)
    assert "Enter why you go ahead" in page.select_one(".govuk-error-summary").text
    assert page.select_one("input[value=reading-writing]").has_attr("checked")  # kept
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0
    assert statuses(app) == [] and link_contacts(app) == []


def test_going_ahead_needs_a_reason_then_it_is_sent_and_logged_off_plan(app, client, notify):
    case_id = phone_first_case(app, client)
    page = send_from_the_invite_page(client, case_id)
    reason = "The parent texted to ask for the link."
    page = post_page(
        client,
        f"/cases/{case_id}/invitations/new",
        {
            "csrf_token": csrf_token(page),
            "questionnaires": "reading-writing",
            "send": "y",
            "reason": reason,
        },
    )
    assert "The link is on its way to the parent." in page.get_text()
    assert statuses(app) == ["queued"]
    assert link_contacts(app) == [("link", "sms", False, reason)]
    with app.app_context():
        detail = db.session.scalar(
            select(AuditEvent.detail).where(AuditEvent.action == "contact.plan_not_followed")
        )
    assert PHONE_FIRST in detail and reason in detail
    page = get_page(client, f"/cases/{case_id}/contacts")
    row = page.select_one("[data-testid=contact-log] tr[data-contact]")
    assert row["data-followed"] == "no" and reason in row.get_text()


def test_sending_again_off_the_plan_asks_for_a_reason_too(app, client, notify):
    case_id = phone_first_case(app, client)
    with app.app_context():
        case = db.session.get(Case, case_id)
        send_link(case, [screening_questionnaires()[0]], None, "First time, by text")
    page = get_page(client, f"/cases/{case_id}")
    resend = page.select_one("form[action$='/resend']")
    page = post_page(client, resend["action"], {"csrf_token": csrf_token(page)})
    assert PHONE_FIRST in plan_problems(page)
    assert "Enter why you go ahead" in page.select_one(".govuk-error-summary").text
    assert statuses(app) == ["queued"]
    form = page.select_one("form[action$='/resend']")
    page = post_page(client, form["action"], {"csrf_token": csrf_token(page), "reason": "x" * 1001})
    assert "1000 characters or fewer" in page.select_one(".govuk-error-summary").text
    assert statuses(app) == ["queued"]
    page = post_page(client, form["action"], {"csrf_token": csrf_token(page), "reason": "Asked"})
    assert "The link is on its way to the parent." in page.get_text()
    assert [c[2:] for c in link_contacts(app)] == [
        (False, "First time, by text"),
        (False, "Asked"),
    ]


def test_the_worker_fixes_it_by_recording_the_call_then_the_link_follows_the_plan(
    app, client, notify
):
    case_id = phone_first_case(app, client)
    form = get_page(client, f"/cases/{case_id}/contacts")
    post_page(
        client,
        f"/cases/{case_id}/contacts",
        {"csrf_token": csrf_token(form), "kind": "call", "format": "standard", "note": ""},
    )
    page = send_from_the_invite_page(client, case_id)
    assert "The link is on its way to the parent." in page.get_text()
    assert page.select_one("[data-testid=plan-problems]") is None
    assert link_contacts(app) == [("call", "phone", True, None), ("link", "sms", True, None)]


def test_a_send_that_follows_the_plan_is_not_stopped(app, client, notify):
    case_id = signed_in_case(app, client)
    with app.app_context():
        propose_new_plan(db.session.get(Case, case_id))
        db.session.commit()
    page = send_from_the_invite_page(client, case_id)
    assert "The link is on its way to the parent." in page.get_text()
    assert link_contacts(app) == [("link", "sms", True, None)]
