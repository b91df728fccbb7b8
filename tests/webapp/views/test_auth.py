"""Signing in and out: argon2id, clear errors, server-checked sessions, rate limits, CSRF."""

from __future__ import annotations

import pyotp
from sqlalchemy import select

from tests.factories import PASSWORD, TOTP_SECRET, create_team, create_user
from tests.pages import csrf_token, get_page, post_page
from webapp import create_app
from webapp.extensions import db
from webapp.storage.records import AuditEvent, User


def make_user(app, **kwargs) -> str:
    with app.app_context():
        user = create_user(role="intake", team=create_team(), **kwargs)
        return user.email


def sign_in(client, email: str, password: str = PASSWORD):
    """Password, then the code from the (test) authenticator app."""
    page = get_page(client, "/sign-in")
    response = client.post(
        "/sign-in", data={"csrf_token": csrf_token(page), "email": email, "password": password}
    )
    if response.status_code != 302 or response.headers["Location"] != "/sign-in/code":
        return response
    page = get_page(client, "/sign-in/code")
    code = pyotp.TOTP(TOTP_SECRET).now()
    return client.post("/sign-in/code", data={"csrf_token": csrf_token(page), "code": code})


def test_sign_in_with_the_right_password_and_argon2id_hash(app, client):
    email = make_user(app)
    response = sign_in(client, email.upper())
    assert response.status_code == 302
    assert get_page(client, "/cases").h1.get_text() == "Referrals"
    with app.app_context():
        user = db.session.scalars(select(User)).one()
        assert user.password_hash.startswith("$argon2id$")


def test_wrong_password_gives_a_design_system_error(app, client):
    email = make_user(app)
    page = get_page(client, "/sign-in")
    page = post_page(
        client,
        "/sign-in",
        {"csrf_token": csrf_token(page), "email": email, "password": "wrong password here"},
    )
    assert page.title.get_text().startswith("Error: Sign in")
    assert (
        "Enter a correct email address and password"
        in page.select_one(".govuk-error-summary").get_text()
    )
    with app.app_context():
        actions = [e.action for e in db.session.scalars(select(AuditEvent))]
        assert "auth.sign_in_failed" in actions


def test_empty_form_says_what_to_enter(client):
    page = get_page(client, "/sign-in")
    page = post_page(client, "/sign-in", {"csrf_token": csrf_token(page)})
    summary = page.select_one(".govuk-error-summary").get_text()
    assert "Enter your email address" in summary and "Enter your password" in summary


def test_disabled_user_cannot_sign_in(app, client):
    email = make_user(app, active=False)
    assert sign_in(client, email).status_code == 200


def test_a_session_cookie_replayed_after_sign_out_is_refused(app, client):
    email = make_user(app)
    sign_in(client, email)
    cookie = client.get_cookie("session").value
    page = get_page(client, "/cases")
    response = client.post("/sign-out", data={"csrf_token": csrf_token(page)})
    assert response.headers["Location"] == "/sign-in"

    replay = app.test_client()
    replay.set_cookie("session", cookie, domain="localhost")
    response = replay.get("/cases")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


def test_disabling_a_user_ends_their_session(app, client):
    email = make_user(app)
    sign_in(client, email)
    assert client.get("/cases").status_code == 200
    with app.app_context():
        db.session.scalars(select(User)).one().active = False
        db.session.commit()
    assert client.get("/cases").status_code == 302


def test_posting_without_a_csrf_token_is_refused(app, client):
    email = make_user(app)
    sign_in(client, email)
    response = client.post(
        "/cases/new",
        data={"parent_name": "X", "contact_method": "phone", "phone": "1", "language": "English"},
    )
    assert response.status_code == 400
    with app.app_context():
        assert "csrf.failed" in [e.action for e in db.session.scalars(select(AuditEvent))]


def test_heavy_sign_in_traffic_gets_429(database_uri):
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_uri,
            "SIGN_IN_RATE_LIMIT": "3 per minute",
        }
    )
    client = app.test_client()
    statuses = []
    for _ in range(4):
        page = get_page(client, "/sign-in")
        statuses.append(
            client.post(
                "/sign-in",
                data={
                    "csrf_token": csrf_token(page),
                    "email": "x@example.test",
                    "password": "whatever",
                },
            ).status_code
        )
    assert statuses == [200, 200, 200, 429]


class Clock:
    def __init__(self, start: float):
        self.value = start

    def __call__(self) -> float:
        return self.value


def test_sessions_end_after_30_idle_minutes(app, client, monkeypatch):
    clock = Clock(1_000_000.0)
    monkeypatch.setattr("webapp.access.security.now", clock)
    sign_in(client, make_user(app))
    clock.value += 29 * 60
    assert client.get("/cases").status_code == 200  # activity resets the idle timer
    clock.value += 29 * 60
    assert client.get("/cases").status_code == 200
    clock.value += 31 * 60
    response = client.get("/cases")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


def test_sessions_end_after_12_hours_however_active(app, client, monkeypatch):
    clock = Clock(1_000_000.0)
    monkeypatch.setattr("webapp.access.security.now", clock)
    sign_in(client, make_user(app))
    for _ in range(24):  # active every 29 minutes, for 11.6 hours
        clock.value += 29 * 60
        assert client.get("/cases").status_code == 200
    clock.value += 29 * 60
    assert client.get("/cases").status_code == 302


def test_an_admin_disables_a_user_whose_session_ends_at_once(app, client):
    email = make_user(app)
    sign_in(client, email)
    assert client.get("/cases").status_code == 200
    with app.app_context():
        admin = create_user(role="admin", team=None).get_id()
        target = db.session.scalars(select(User).where(User.email == email)).one().id
    admin_client = app.test_client()
    from tests.factories import sign_in_as

    sign_in_as(admin_client, admin)
    page = get_page(admin_client, "/admin/users")
    form = page.select_one(f"form[action='/admin/users/{target}/access']")
    page = post_page(admin_client, form["action"], {"csrf_token": csrf_token(page)})
    assert "is now unable to sign in" in page.get_text()
    assert client.get("/cases").status_code == 302  # the open session has ended
    assert sign_in(client, email).status_code == 200  # and signing in again is refused
    with app.app_context():
        assert "user.disabled" in [e.action for e in db.session.scalars(select(AuditEvent))]
