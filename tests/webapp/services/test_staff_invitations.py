"""Staff invitations by email, against the stand-in Notify: with Notify set up, the set-up link
goes to the invitee through the outbox in the invite's own transaction, with who invited them
and nothing else, and the admin's page says it was sent without showing it. Without Notify the
link is shown once. A new set-up link for an account not yet set up makes the old one stop
working. A set-up email is about no case: no task, no timeline, its own retention."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from tests.factories import create_case, create_team, create_user, sign_in_as
from tests.pages import check_page, csrf_token, get_page
from webapp.extensions import db
from webapp.services.data_protection import purge_expired
from webapp.services.outbox import send_due
from webapp.services.staff_invitations import LINK_REMOVED, invite_staff
from webapp.storage.clock import utcnow
from webapp.storage.records import AuditEvent, Message, User, WorkerTask
from webapp.storage.states import Channel, MessageKind, MessageStatus

INVITEE = "nia.new@example.test"
ADMIN_NAME = "Ada Admin"


@pytest.fixture
def admin_id(app, client):
    """A signed-in admin with a name the email gives."""
    with app.app_context():
        admin = create_user(role="admin", team=None)
        admin.name = ADMIN_NAME
        db.session.commit()
        sign_in_as(client, admin.get_id())
        return admin.id


def invite(client, email: str = INVITEE):
    page = get_page(client, "/admin/users/invite")
    data = {"name": "Nia New", "email": email, "role": "admin", "team": ""}
    return client.post("/admin/users/invite", data={"csrf_token": csrf_token(page), **data})


def invitee_id(app, email: str = INVITEE) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


def new_link(client, user_id: int):
    page = get_page(client, f"/admin/users/{user_id}")
    return client.post(f"/admin/users/{user_id}/set-up-link", data={"csrf_token": csrf_token(page)})


def invites(app) -> list[Message]:
    with app.app_context():
        found = list(
            db.session.scalars(
                select(Message).where(Message.kind == MessageKind.STAFF_INVITE).order_by(Message.id)
            )
        )
        db.session.expunge_all()
        return found


def send_all(app):
    with app.app_context():
        return send_due(utcnow() + timedelta(minutes=1))


def emailed_link(notify, address: str = INVITEE) -> str:
    (email,) = notify.sent_to(address)
    (link,) = [line for line in email.personalisation["body"].splitlines() if "://" in line]
    return urlsplit(link).path


def test_an_invite_emails_the_link_and_the_page_says_so_without_it(app, notify, client, admin_id):
    response = invite(client)
    assert response.status_code == 302  # to the account's page: nothing to show once
    page = get_page(client, response.headers["Location"])
    assert page.select_one("[data-testid=set-up-link]") is None
    assert "/account/set-up/" not in str(page)
    banner = page.select_one("[data-banner=success]").get_text(" ", strip=True)
    assert f"We have emailed a set-up link to {INVITEE}" in banner
    assert "Waiting to be sent" in page.get_text(" ", strip=True)

    (queued,) = invites(app)
    assert (queued.case_id, queued.channel, queued.recipient) == (None, Channel.EMAIL, INVITEE)
    assert send_all(app).sent == 1
    (email,) = notify.sent_to(INVITEE)
    body = email.personalisation["body"]
    assert email.personalisation["subject"] == f"Set up your {app.config['SERVICE_NAME']} account"
    assert f"{ADMIN_NAME} has made you a staff account." in body and "not a test" in body
    # A link and who invited them, nothing else: not their role or the admin's email.
    assert "admin" not in body.lower().replace(ADMIN_NAME.lower(), "") and "@" not in body
    # The link works: it opens the set-up page for the invitee.
    path = emailed_link(notify)
    assert path.startswith("/account/set-up/")
    assert get_page(app.test_client(), path).h1 is not None
    # Once sent, the outbox keeps no working link.
    (sent,) = invites(app)
    assert (sent.status, sent.body) == (MessageStatus.SENT, LINK_REMOVED)
    assert "Sent" in get_page(client, f"/admin/users/{invitee_id(app)}").get_text(" ", strip=True)


def test_the_email_is_in_the_invites_own_transaction(app, notify, admin_id, monkeypatch):
    """Planted: the email's words fail after the account is made. Nothing of the invite stays,
    so no account ever exists whose link was neither emailed nor shown."""

    def no_words(*_args):
        raise LookupError("planted: no words for this message")

    monkeypatch.setattr("webapp.services.staff_invitations.compose", no_words)
    with app.app_context(), app.test_request_context():
        with pytest.raises(LookupError):
            invite_staff("Nia New", INVITEE, "intake", None, db.session.get(User, admin_id))
        db.session.rollback()
        assert db.session.scalar(select(func.count(User.id)).where(User.email == INVITEE)) == 0
        assert db.session.scalar(select(func.count(Message.id))) == 0


def test_with_notify_off_the_link_is_shown_once_and_nothing_is_queued(app, client, admin_id):
    response = invite(client)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    page = check_page(response.get_data(as_text=True))
    assert "/account/set-up/" in page.select_one("[data-testid=set-up-link]").get_text()
    assert invites(app) == []


def test_a_new_set_up_link_replaces_the_old_one(app, notify, client, admin_id):
    invite(client)
    send_all(app)
    old = emailed_link(notify)
    user_id = invitee_id(app)
    response = new_link(client, user_id)
    assert response.status_code == 302
    send_all(app)
    first, second = (m.personalisation["body"] for m in notify.sent_to(INVITEE))
    assert first != second
    new = [line for line in second.splitlines() if "://" in line][0]
    get_page(app.test_client(), old, status=404)  # the old link stops working
    assert get_page(app.test_client(), urlsplit(new).path).h1 is not None
    with app.app_context():
        renewed = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "user.set_up_link_renewed")
        ).all()
        assert [(e.detail, e.user_id) for e in renewed] == [(f"user {user_id}", admin_id)]


def test_a_new_link_withdraws_an_earlier_email_not_yet_sent(app, notify, client, admin_id):
    invite(client)
    new_link(client, invitee_id(app))
    first, second = invites(app)
    assert first.status == MessageStatus.WITHDRAWN and first.body == LINK_REMOVED
    assert second.status == MessageStatus.QUEUED
    assert send_all(app).sent == 1 and len(notify.sent_to(INVITEE)) == 1


def test_without_notify_a_new_link_is_shown_once_and_the_old_stops(app, client, admin_id):
    old = check_page(invite(client).get_data(as_text=True))
    old_path = urlsplit(old.select_one("[data-testid=set-up-link]").get_text(strip=True)).path
    response = new_link(client, invitee_id(app))
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    page = check_page(response.get_data(as_text=True))
    new_path = urlsplit(page.select_one("[data-testid=set-up-link]").get_text(strip=True)).path
    assert new_path != old_path
    get_page(app.test_client(), old_path, status=404)
    assert get_page(app.test_client(), new_path).h1 is not None


def test_an_account_already_set_up_gets_no_new_link(app, notify, client, admin_id):
    with app.app_context():
        user_id = create_user(role="intake", team=None).id
    page = get_page(client, f"/admin/users/{user_id}")
    assert "Send a new set-up link" not in page.get_text()
    response = new_link(client, user_id)
    assert response.status_code == 302
    banner = get_page(client, response.headers["Location"]).select_one("[data-banner=info]")
    assert "needs no set-up link" in banner.get_text()
    assert invites(app) == []
    with app.app_context():
        assert db.session.get(User, user_id).set_up_token_hash is None


def test_a_set_up_email_notify_refuses_shows_on_the_account_not_as_a_task(
    app, notify, client, admin_id
):
    with app.app_context(), app.test_request_context():
        # No dot: the stand-in refuses it (past the form's check, as a real bounce would be).
        admin = db.session.get(User, admin_id)
        invite_staff("Nia New", "perm-fail@simulator", "admin", None, admin)
    assert send_all(app).failed == 1
    (failed,) = invites(app)
    assert failed.status == MessageStatus.FAILED and failed.body == LINK_REMOVED
    with app.app_context():
        assert db.session.scalar(select(func.count(WorkerTask.id))) == 0
    page = get_page(client, f"/admin/users/{invitee_id(app, 'perm-fail@simulator')}")
    assert "Could not be sent" in page.get_text(" ", strip=True)
    assert "Send a new set-up link" in page.get_text()


def test_set_up_emails_keep_a_links_retention_and_case_messages_stay(app, notify, admin_id):
    with app.app_context(), app.test_request_context():
        invite_staff("Nia New", INVITEE, "intake", None, db.session.get(User, admin_id))
        case = create_case(team=create_team(name="North"))
        db.session.add(
            Message(
                case_id=case.id,
                kind=MessageKind.LINK,
                channel=Channel.EMAIL,
                recipient="parent@example.test",
                body="words",
                reference="case-message",
            )
        )
        db.session.commit()
        days = app.config["RETENTION_DAYS"]["invitation"]
        assert purge_expired(utcnow() + timedelta(days=days - 1), dry_run=True) == []
        later = utcnow() + timedelta(days=days + 1)
        assert purge_expired(later) == ["1 staff messages"]
        assert db.session.scalars(select(Message.reference)).all() == ["case-message"]
