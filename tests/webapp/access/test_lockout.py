"""The lockout does not help attackers: it answers the same for emails with and without an
account, it locks one client out of one account (not everyone), and an admin can unlock."""

from __future__ import annotations

from sqlalchemy import select

from tests.factories import PASSWORD, create_team, create_user, sign_in_as
from tests.pages import csrf_token, get_page
from webapp.extensions import db
from webapp.storage.records import AuditEvent

LOCKED = "Too many tries. Wait 15 minutes"


def client_at(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def try_password(client, email: str, password: str):
    page = get_page(client, "/sign-in")
    return client.post(
        "/sign-in", data={"csrf_token": csrf_token(page), "email": email, "password": password}
    )


def fail_ten_times(client, email: str) -> None:
    for _ in range(10):
        assert try_password(client, email, "a wrong password").status_code == 200


def make_worker(app) -> str:
    with app.app_context():
        return create_user(role="intake", team=create_team()).email


def test_known_and_unknown_emails_get_the_same_answers(app):
    known = make_worker(app)
    answers = []
    for email, address in ((known, "203.0.113.7"), ("nobody@example.test", "203.0.113.8")):
        client = client_at(app, address)
        first = try_password(client, email, "a wrong password").get_data(as_text=True)
        fail_ten_times(client, email)
        eleventh = try_password(client, email, "a wrong password").get_data(as_text=True)
        answers.append(("correct email address and password" in first, LOCKED in eleventh))
    assert answers == [(True, True), (True, True)]


def test_someone_elsewhere_cannot_lock_a_named_person_out(app):
    email = make_worker(app)
    fail_ten_times(client_at(app, "198.51.100.9"), email)
    assert LOCKED in try_password(client_at(app, "198.51.100.9"), email, PASSWORD).text
    response = try_password(client_at(app, "203.0.113.7"), email, PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in/code"


def test_an_admin_unlocks_an_account_and_it_is_audited(app):
    email = make_worker(app)
    attacker_or_owner = client_at(app, "203.0.113.7")
    fail_ten_times(attacker_or_owner, email)
    assert LOCKED in try_password(attacker_or_owner, email, PASSWORD).text

    with app.app_context():
        admin = create_user(role="admin", team=None).get_id()
        worker_id = db.session.scalar(
            select(AuditEvent.user_id).where(AuditEvent.action == "auth.sign_in_failed")
        )
    staff = app.test_client()
    sign_in_as(staff, admin)
    page = get_page(staff, "/admin/users")
    assert "locked out" in page.get_text()
    button = page.select_one(f"form[action='/admin/users/{worker_id}/unlock'] button")
    assert button is not None and "Unlock" in button.get_text()
    unlocked = staff.post(f"/admin/users/{worker_id}/unlock", data={"csrf_token": csrf_token(page)})
    assert unlocked.status_code == 302
    assert "locked out" not in get_page(staff, "/admin/users").get_text()

    response = try_password(attacker_or_owner, email, PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in/code"
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "user.unlocked")
        ).one()
        assert event.user_id is not None and event.detail.startswith("attempt ")
