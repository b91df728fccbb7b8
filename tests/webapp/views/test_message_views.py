"""The case page's message buttons through the real views: send, send again, and the phone
call that releases a held letter. Bad input gets a clear message, never a 500."""

from __future__ import annotations

from sqlalchemy import select

from tests.factories import create_case, create_team, create_user, sign_in_as
from tests.pages import csrf_token, get_page, post_page
from webapp.extensions import db
from webapp.services.plans import propose_new_plan
from webapp.storage.records import Case, Message, PlanItem


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
