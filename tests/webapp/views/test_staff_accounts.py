"""Staff accounts in the admin pages: invite with a one-time set-up link, change a role or
team, disable and enable, reset the second factor; each audited, each field checked."""

from __future__ import annotations

import pyotp
import pytest
from sqlalchemy import select

from tests.factories import create_team, create_user, sign_in_as
from tests.pages import csrf_token, get_page, post_page
from webapp.extensions import db
from webapp.storage.records import AuditEvent, Team, User

GOOD_PASSWORD = "a long enough password"


@pytest.fixture
def admin(app, client):
    """A signed-in admin; returns the teams' ids by name."""
    with app.app_context():
        teams = {name: create_team(name=name).id for name in ("North", "South")}
        sign_in_as(client, create_user(role="admin", team=None).get_id())
    return teams


def actions(app) -> list[tuple[str, str | None]]:
    with app.app_context():
        return [(e.action, e.detail) for e in db.session.scalars(select(AuditEvent))]


def invite(client, **fields):
    page = get_page(client, "/admin/users/invite")
    data = {"name": "Nia New", "email": "Nia.New@example.test", "role": "intake", "team": ""}
    return client.post(
        "/admin/users/invite", data={"csrf_token": csrf_token(page), **data, **fields}
    )


def errors_of(response) -> list[str]:
    from tests.pages import check_page

    page = check_page(response.get_data(as_text=True))
    return [li.get_text(strip=True) for li in page.select(".govuk-error-summary li")]


def set_up_link(response) -> str:
    from tests.pages import check_page

    page = check_page(response.get_data(as_text=True))
    link = page.select_one("[data-testid=set-up-link]").get_text(strip=True)
    return link.removeprefix("http://127.0.0.1:5000")


def test_an_invitee_sets_a_password_and_second_factor_from_the_link(app, client, admin):
    response = invite(client, team=str(admin["North"]))
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    path = set_up_link(response)
    assert path.startswith("/account/set-up/")
    with app.app_context():
        user = db.session.scalars(select(User).where(User.email == "nia.new@example.test")).one()
        assert (user.role, user.team_id, user.totp_secret) == ("intake", admin["North"], None)
        assert path.rsplit("/", 1)[1] not in str(user.set_up_token_hash)  # only its hash kept
    assert ("user.invited", f"user {user.id}: intake, North") in actions(app)

    invitee = app.test_client()
    # Before set-up nobody can sign in to the account, whatever they type.
    page = get_page(invitee, "/sign-in")
    invitee.post(
        "/sign-in",
        data={
            "csrf_token": csrf_token(page),
            "email": "nia.new@example.test",
            "password": "!invited",
        },
    )
    assert get_page(invitee, "/sign-in/set-up", follow=True).h1.get_text() == "Sign in"

    page = get_page(invitee, path)
    assert "nia.new@example.test" in page.get_text()
    page = post_page(
        invitee,
        path,
        {"csrf_token": csrf_token(page), "password": GOOD_PASSWORD, "confirm": GOOD_PASSWORD},
    )
    assert page.h1.get_text() == "Set up your authenticator app"
    secret = page.select_one("[data-testid=totp-secret]").get_text()
    page = post_page(
        invitee,
        "/sign-in/set-up",
        {"csrf_token": csrf_token(page), "code": pyotp.TOTP(secret).now()},
    )
    assert "recovery" in page.get_text().lower()
    assert ("user.set_up", f"user {user.id}") in actions(app)
    # The link worked once.
    assert get_page(app.test_client(), path, status=404).h1.get_text() == (
        "This set-up link does not work"
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "Enter their full name"),
        ({"name": "x" * 121}, "Full name must be 120 characters or fewer"),
        ({"email": ""}, "Enter their work email address"),
        ({"email": "not an email"}, "Enter an email address in the correct format"),
        ({"email": "a@" + "b" * 250 + ".org"}, "Email address must be 254 characters or fewer"),
        ({"role": ""}, "Select a role"),
        ({"role": "superuser"}, "Not a valid choice"),
        ({"team": ""}, "Select a team for an intake worker or a clinician"),
        ({"team": "999999"}, "Not a valid choice"),
        ({"team": "banana"}, "Not a valid choice"),
    ],
)
def test_an_invite_with_bad_input_is_refused_with_a_clear_message(
    app, client, admin, fields, message
):
    response = invite(client, **fields)
    assert response.status_code == 200
    assert any(error.startswith(message) for error in errors_of(response)), errors_of(response)
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "nia.new@example.test")) is None


def test_an_email_already_in_use_is_refused(app, client, admin):
    with app.app_context():
        create_user(role="intake", team=None, email="nia.new@example.test")
    response = invite(client, team=str(admin["North"]))
    assert errors_of(response) == ["There is already an account with that email address"]


def test_an_admin_needs_no_team(app, client, admin):
    response = invite(client, role="admin", team=str(admin["South"]))
    assert response.status_code == 200 and set_up_link(response)
    with app.app_context():
        user = db.session.scalars(select(User).where(User.role == "admin", User.name == "Nia New"))
        assert user.one().team_id is None


@pytest.mark.parametrize(
    "fields",
    [
        {"password": "short"},
        {"confirm": "something else entirely"},
        {"password": "", "confirm": ""},
    ],
)
def test_a_bad_password_keeps_the_link_working(app, client, admin, fields):
    path = set_up_link(invite(client, team=str(admin["North"])))
    invitee = app.test_client()
    page = get_page(invitee, path)
    data = {"csrf_token": csrf_token(page), "password": GOOD_PASSWORD, "confirm": GOOD_PASSWORD}
    response = invitee.post(path, data={**data, **fields})
    assert response.status_code == 200 and errors_of(response)
    assert get_page(invitee, path).h1.get_text() == "Set up your account"


@pytest.mark.parametrize("token", ["wrong", "x" * 300, "%00", "²"])
def test_a_wrong_set_up_link_is_a_plain_404(client, token):
    page = get_page(client, f"/account/set-up/{token}", status=404)
    assert page.h1.get_text() == "This set-up link does not work"


def test_an_expired_set_up_link_does_not_work(app, client, admin):
    path = set_up_link(invite(client, team=str(admin["North"])))
    with app.app_context():
        from datetime import timedelta

        user = db.session.scalars(select(User).where(User.email == "nia.new@example.test")).one()
        user.set_up_expires_at -= timedelta(days=8)
        db.session.commit()
    get_page(app.test_client(), path, status=404)


def test_change_a_role_and_team(app, client, admin):
    with app.app_context():
        worker = create_user(role="intake", team=db.session.get(Team, admin["North"]))
        worker_id = worker.id
    url = f"/admin/users/{worker_id}"
    page = get_page(client, url)
    page = post_page(
        client,
        url,
        {"csrf_token": csrf_token(page), "role": "clinician", "team": str(admin["South"])},
    )
    assert "role and team are saved" in page.get_text()
    with app.app_context():
        worker = db.session.get(User, worker_id)
        assert (worker.role, worker.team_id) == ("clinician", admin["South"])
    assert ("user.changed", f"user {worker_id}: intake -> clinician, North -> South") in actions(
        app
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"role": ""}, "Select a role"),
        ({"role": "owner"}, "Not a valid choice"),
        ({"team": ""}, "Select a team for an intake worker or a clinician"),
        ({"team": "123456789"}, "Not a valid choice"),
    ],
)
def test_a_change_with_bad_input_is_refused(app, client, admin, fields, message):
    with app.app_context():
        worker_id = create_user(role="intake", team=None).id
    url = f"/admin/users/{worker_id}"
    page = get_page(client, url)
    data = {"csrf_token": csrf_token(page), "role": "intake", "team": str(admin["North"])}
    response = client.post(url, data={**data, **fields})
    assert response.status_code == 200
    assert any(error.startswith(message) for error in errors_of(response)), errors_of(response)
    with app.app_context():
        assert db.session.get(User, worker_id).team_id is None
    assert "user.changed" not in [action for action, _ in actions(app)]


def test_an_admin_cannot_change_their_own_role(app, client, admin):
    with app.app_context():
        me = db.session.scalars(select(User).where(User.role == "admin")).one().id
    page = get_page(client, f"/admin/users/{me}")
    response = client.post(
        f"/admin/users/{me}", data={"csrf_token": csrf_token(page), "role": "intake", "team": ""}
    )
    assert errors_of(response) == ["You cannot change your own role or team: ask another admin"]


def test_disable_enable_and_reset_the_second_factor(app, client, admin):
    with app.app_context():
        worker = create_user(role="intake", team=None)
        worker_id, old_session = worker.id, worker.get_id()
    url = f"/admin/users/{worker_id}"
    page = get_page(client, url)
    page = post_page(client, f"{url}/second-factor", {"csrf_token": csrf_token(page)})
    assert "set up a new authenticator app" in page.get_text()
    with app.app_context():
        worker = db.session.get(User, worker_id)
        assert worker.totp_secret is None and worker.recovery_codes == []
        assert worker.get_id() != old_session  # their sessions ended
    page = post_page(client, f"/admin/users/{worker_id}/access", {"csrf_token": csrf_token(page)})
    page = post_page(client, f"/admin/users/{worker_id}/access", {"csrf_token": csrf_token(page)})
    done = [action for action, _ in actions(app)]
    assert {"user.second_factor_reset", "user.disabled", "user.enabled"} <= set(done)


def test_unknown_accounts_are_404(client, admin):
    get_page(client, "/admin/users/999999", status=404)
    assert client.post("/admin/users/999999/second-factor").status_code in (400, 404)


def test_the_users_page_links_each_account_and_the_invite(app, client, admin):
    with app.app_context():
        worker = create_user(role="intake", team=None)
        worker.name = "<b>Odd</b> Name"
        db.session.commit()
        worker_id = worker.id
    page = get_page(client, "/admin/users")
    link = page.find("a", href=f"/admin/users/{worker_id}")
    assert link is not None and link.get_text() == "<b>Odd</b> Name"  # escaped, as text
    assert page.find("a", href="/admin/users/invite") is not None
