"""The second factor: enrolment with a QR code, codes at sign-in, recovery codes, replay,
demo-only skipping, and account lockout."""

from __future__ import annotations

import pyotp
from sqlalchemy import select

from tests.factories import PASSWORD, TOTP_SECRET, create_team, create_user
from tests.pages import csrf_token, get_page, post_page
from webapp.extensions import db
from webapp.storage.records import AuditEvent, User


def password_step(client, email: str, password: str = PASSWORD):
    page = get_page(client, "/sign-in")
    return client.post(
        "/sign-in", data={"csrf_token": csrf_token(page), "email": email, "password": password}
    )


def make(app, **kwargs) -> str:
    with app.app_context():
        return create_user(role="intake", team=create_team(), **kwargs).email


def test_a_password_alone_opens_nothing(app, client):
    email = make(app)
    response = password_step(client, email)
    assert response.headers["Location"] == "/sign-in/code"
    for url in ("/cases", "/dashboard", "/"):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


def test_first_sign_in_sets_up_the_app_with_a_qr_code_and_recovery_codes(app, client):
    email = make(app, totp=False)
    assert password_step(client, email).headers["Location"] == "/sign-in/set-up"
    page = get_page(client, "/sign-in/set-up")
    assert page.select_one("svg[role=img]")["aria-label"].startswith("QR code")
    assert page.select_one("[name=skip]") is None  # not a demo user
    secret = page.select_one("[data-testid=totp-secret]").get_text(strip=True)
    page = post_page(client, "/sign-in/set-up", {"csrf_token": csrf_token(page), "code": "000000"})
    assert "The code is not right" in page.get_text()
    page = post_page(
        client,
        "/sign-in/set-up",
        {"csrf_token": csrf_token(page), "code": pyotp.TOTP(secret).now()},
    )
    codes = [li.get_text(strip=True) for li in page.select("[data-testid=recovery-codes] li")]
    assert len(codes) == 8 and len(set(codes)) == 8
    assert client.get("/cases").status_code == 200
    with app.app_context():
        user = db.session.scalars(select(User)).one()
        assert user.totp_secret == secret
        assert all(code not in user.recovery_codes for code in codes)  # hashes only


def test_a_recovery_code_works_once(app, client):
    email = make(app, totp=False)
    password_step(client, email)
    page = get_page(client, "/sign-in/set-up")
    secret = page.select_one("[data-testid=totp-secret]").get_text(strip=True)
    page = post_page(
        client,
        "/sign-in/set-up",
        {"csrf_token": csrf_token(page), "code": pyotp.TOTP(secret).now()},
    )
    recovery = page.select_one("[data-testid=recovery-codes] li").get_text(strip=True)

    for attempt in range(2):
        other = app.test_client()
        password_step(other, email)
        page = get_page(other, "/sign-in/code")
        response = other.post(
            "/sign-in/code", data={"csrf_token": csrf_token(page), "code": recovery.upper()}
        )
        if attempt == 0:
            assert response.headers["Location"] == "/"
        else:
            assert response.status_code == 200
            assert "The code is not right" in response.get_data(as_text=True)


def test_a_code_cannot_be_used_twice(app, client):
    email = make(app)
    code = pyotp.TOTP(TOTP_SECRET).now()
    for attempt in range(2):
        browser = app.test_client()
        password_step(browser, email)
        page = get_page(browser, "/sign-in/code")
        response = browser.post(
            "/sign-in/code", data={"csrf_token": csrf_token(page), "code": code}
        )
        assert response.status_code == (302 if attempt == 0 else 200)


def test_only_demo_users_in_demo_mode_may_skip(app, client):
    email = make(app, totp=False, email="intake@demo.test")
    password_step(client, email)
    page = get_page(client, "/sign-in/set-up")
    response = client.post("/sign-in/set-up", data={"csrf_token": csrf_token(page), "skip": "y"})
    assert response.headers["Location"] == "/"
    assert client.get("/cases").status_code == 200

    app.config["DEMO_MODE"] = False
    other = app.test_client()
    password_step(other, email)
    page = get_page(other, "/sign-in/set-up")
    assert page.select_one("[name=skip]") is None
    response = other.post("/sign-in/set-up", data={"csrf_token": csrf_token(page), "skip": "y"})
    assert response.status_code == 200
    assert other.get("/cases").status_code == 302


def test_the_eleventh_failure_in_15_minutes_is_refused_even_with_the_right_password(app, client):
    email = make(app)
    for _ in range(10):
        password_step(client, email, "a wrong password again")
    page = get_page(client, "/sign-in")
    page = post_page(
        client, "/sign-in", {"csrf_token": csrf_token(page), "email": email, "password": PASSWORD}
    )
    assert "Too many tries. Wait 15 minutes" in page.get_text()
    with app.app_context():
        actions = [e.action for e in db.session.scalars(select(AuditEvent))]
        assert actions.count("auth.sign_in_failed") == 10
        assert "auth.locked_out" in actions


def test_the_code_pages_need_a_password_first(client):
    for url in ("/sign-in/code", "/sign-in/set-up"):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"] == "/sign-in"
