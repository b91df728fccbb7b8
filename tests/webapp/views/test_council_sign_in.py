"""Council sign-in through the views, against a real OpenID provider on localhost (the browser
tests in tests/browser/test_council_sign_in_browser.py walk the same steps in Chromium).

Each sign-in goes: our /sign-in/council -> the provider's authorization form (posted as a
person would, with their sub) -> our callback with the provider's code."""

from __future__ import annotations

import os
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlalchemy import select

from tests.conftest import TEST_CONFIG
from tests.council_provider import council_provider, council_settings
from tests.factories import create_team, create_user
from webapp import create_app
from webapp.config import ConfigError, load_config
from webapp.extensions import db
from webapp.storage.records import AuditEvent, User

NORTH_INTAKE = {
    "email": "asha.khan@council.example",
    "name": "Asha Khan",
    "roles": ["Screening.Intake"],
    "team": "North",
    "amr": ["pwd", "mfa"],
}


@pytest.fixture(scope="module")
def provider():
    with council_provider() as provider:
        yield provider


@pytest.fixture
def make_app(database_uri, tmp_path, provider):
    made = []

    def make(**overrides):
        app = create_app(
            {
                **TEST_CONFIG,
                "SQLALCHEMY_DATABASE_URI": database_uri,
                "IMPORTED_CONTENT_DIR": str(tmp_path / "imported"),
                "WTF_CSRF_ENABLED": False,
                **council_settings(provider),
                "OIDC_REDIRECT_URI": "http://localhost/sign-in/council/callback",
                **overrides,
            }
        )
        if os.environ.get("DATABASE_URL") and not made:
            from tests.factories import reset_external_database

            reset_external_database(app)
        made.append(app)
        with app.app_context():
            if db.session.scalar(select(db.func.count()).select_from(User)) == 0:
                create_team(name="North"), create_team(name="South")
        return app

    yield make
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def council_app(make_app):
    return make_app()


def council_sign_in(client, provider, sub: str, *, callback=None):
    """Our start page, the provider's form posted with this sub, and back to our callback."""
    start = client.get("/sign-in/council")
    assert start.status_code == 302, start.text
    assert start.location.startswith(f"{provider.url}/oauth2/authorize?"), start.location
    authorized = httpx.post(start.location, data={"sub": sub}, timeout=10)
    assert authorized.status_code == 302, authorized.text
    back = authorized.headers["location"]
    assert back.startswith("http://localhost/sign-in/council/callback?"), back
    return client.get(callback(back) if callback else back)


def events(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def account(app, email: str) -> User | None:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        if user is not None:
            db.session.expunge(user)
        return user


def test_the_first_sign_in_makes_the_account_with_the_claims_role_and_team(council_app, provider):
    provider.set_user("sub-asha", **NORTH_INTAKE)
    client = council_app.test_client()
    response = council_sign_in(client, provider, "sub-asha")
    assert response.status_code == 302 and response.location == "/", response.text
    assert client.get("/cases").status_code == 200
    user = account(council_app, "asha.khan@council.example")
    assert (user.role, user.name, user.council_subject) == ("intake", "Asha Khan", "sub-asha")
    with council_app.app_context():
        assert db.session.get(User, user.id).team.name == "North"
    [created] = events(council_app, "user.created")
    assert created.user_id == user.id and "council sign-in" in created.detail
    [signed_in] = events(council_app, "auth.signed_in")
    assert signed_in.user_id == user.id and "multi-factor" in signed_in.detail


def test_roles_and_team_are_refreshed_on_every_sign_in(council_app, provider):
    provider.set_user("sub-ben", **{**NORTH_INTAKE, "email": "ben@council.example"})
    earlier = council_app.test_client()
    council_sign_in(earlier, provider, "sub-ben")
    assert earlier.get("/cases").status_code == 200
    provider.set_user(
        "sub-ben",
        **{
            **NORTH_INTAKE,
            "email": "ben@council.example",
            "roles": ["Screening.Clinician"],
            "team": "South",
        },
    )
    client = council_app.test_client()
    assert council_sign_in(client, provider, "sub-ben").status_code == 302
    user = account(council_app, "ben@council.example")
    assert user.role == "clinician"
    assert client.get("/review").status_code == 200
    assert client.get("/cases").status_code == 403
    [changed] = events(council_app, "user.changed")
    assert "role clinician" in changed.detail
    # The session opened as an intake worker ended with the change.
    assert earlier.get("/cases").location.startswith("/sign-in")


def test_the_first_mapped_role_wins_when_the_person_holds_several(council_app, provider):
    roles = ["Screening.Intake", "Screening.Admin"]  # the map lists intake first
    provider.set_user("sub-cat", **{**NORTH_INTAKE, "email": "cat@council.example", "roles": roles})
    council_sign_in(council_app.test_client(), provider, "sub-cat")
    assert account(council_app, "cat@council.example").role == "intake"


def test_without_multi_factor_in_amr_our_own_code_is_asked_for(council_app, provider):
    with council_app.app_context():
        create_user(role="intake", team=None, email="dev@council.example")
    provider.set_user("sub-dev", **{**NORTH_INTAKE, "email": "dev@council.example", "amr": ["pwd"]})
    client = council_app.test_client()
    response = council_sign_in(client, provider, "sub-dev")
    assert response.location == "/sign-in/code"
    assert client.get("/cases").status_code == 302  # not signed in yet
    # A new account, with no authenticator app yet, is asked to set one up.
    provider.set_user("sub-eve", **{**NORTH_INTAKE, "email": "eve@council.example", "amr": []})
    assert council_sign_in(council_app.test_client(), provider, "sub-eve").location == (
        "/sign-in/set-up"
    )


def test_a_forged_state_is_refused_and_audited(council_app, provider):
    provider.set_user("sub-fay", **{**NORTH_INTAKE, "email": "fay@council.example"})

    def forge(url):
        parts = urlsplit(url)
        code = parse_qs(parts.query)["code"][0]
        return f"{parts.path}?code={code}&state=forged"

    client = council_app.test_client()
    response = council_sign_in(client, provider, "sub-fay", callback=forge)
    assert response.status_code == 400
    assert "did not work" in response.text
    assert account(council_app, "fay@council.example") is None
    [failed] = events(council_app, "auth.council_failed")
    assert "State" in failed.detail and failed.outcome == "denied"


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"iss": "https://login.example/another-tenant"}, "iss"),
        ({"aud": "another-app"}, "aud"),
        ({"exp": 1_000_000_000, "iat": 999_990_000}, "Expired"),
        ({"nonce": "replayed"}, "nonce"),
    ],
    ids=["wrong-issuer", "wrong-audience", "expired", "wrong-nonce"],
)
def test_a_token_our_checks_refuse_signs_nobody_in(council_app, provider, changes, reason):
    provider.set_user("sub-gus", **{**NORTH_INTAKE, "email": "gus@council.example"})
    provider.tamper(**changes)
    try:
        response = council_sign_in(council_app.test_client(), provider, "sub-gus")
    finally:
        provider.tamper()
    assert response.status_code == 400, response.text
    assert account(council_app, "gus@council.example") is None
    [failed] = events(council_app, "auth.council_failed")
    assert reason in failed.detail, failed.detail


def test_the_tampered_token_is_otherwise_good(council_app, provider):
    """The planted fault, shown once: a re-signed token with only a harmless change passes,
    so the refusals above come from the claims, not from the re-signing."""
    provider.set_user("sub-hal", **{**NORTH_INTAKE, "email": "hal@council.example"})
    provider.tamper(name="Hal Re-signed")
    try:
        response = council_sign_in(council_app.test_client(), provider, "sub-hal")
    finally:
        provider.tamper()
    assert response.location == "/", response.text
    assert account(council_app, "hal@council.example").name == "Hal Re-signed"


def test_a_person_with_no_mapped_role_is_refused_and_audited(council_app, provider):
    provider.set_user(
        "sub-ivy", **{**NORTH_INTAKE, "email": "ivy@council.example", "roles": ["Payroll"]}
    )
    response = council_sign_in(council_app.test_client(), provider, "sub-ivy")
    assert response.status_code == 403
    assert "cannot sign in to this service" in response.text
    assert account(council_app, "ivy@council.example") is None
    [refused] = events(council_app, "auth.council_refused")
    assert refused.detail == "no mapped role" and refused.outcome == "denied"


def test_an_account_disabled_here_stays_disabled(council_app, provider):
    provider.set_user("sub-jo", **{**NORTH_INTAKE, "email": "jo@council.example"})
    council_sign_in(council_app.test_client(), provider, "sub-jo")
    with council_app.app_context():
        db.session.scalar(select(User).where(User.email == "jo@council.example")).active = False
        db.session.commit()
    client = council_app.test_client()
    response = council_sign_in(client, provider, "sub-jo")
    assert response.status_code == 403
    assert client.get("/cases").status_code == 302
    user = account(council_app, "jo@council.example")
    assert user.active is False
    [refused] = events(council_app, "auth.council_refused")
    assert (refused.detail, refused.user_id) == ("account disabled here", user.id)


def test_a_team_we_do_not_know_is_refused(council_app, provider):
    provider.set_user("sub-kit", **{**NORTH_INTAKE, "email": "kit@council.example", "team": "X"})
    assert council_sign_in(council_app.test_client(), provider, "sub-kit").status_code == 403
    [refused] = events(council_app, "auth.council_refused")
    assert refused.detail == "team claim names no team here"


def test_an_email_taken_by_another_council_identity_is_refused(council_app, provider):
    provider.set_user("sub-lee", **{**NORTH_INTAKE, "email": "lee@council.example"})
    council_sign_in(council_app.test_client(), provider, "sub-lee")
    provider.set_user("sub-impostor", **{**NORTH_INTAKE, "email": "lee@council.example"})
    response = council_sign_in(council_app.test_client(), provider, "sub-impostor")
    assert response.status_code == 403
    assert account(council_app, "lee@council.example").council_subject == "sub-lee"


def test_with_local_sign_in_off_the_password_form_is_hidden_and_its_post_refused(make_app):
    app = make_app(LOCAL_SIGN_IN=False)
    with app.app_context():
        email = create_user(role="intake", team=None).email
    client = app.test_client()
    page = client.get("/sign-in")
    assert "Sign in with your council account" in page.text
    assert 'type="password"' not in page.text
    from tests.factories import PASSWORD

    response = client.post("/sign-in", data={"email": email, "password": PASSWORD})
    assert response.status_code == 403
    assert client.get("/sign-in/code").location == "/sign-in"  # not even half signed in
    [refused] = events(app, "auth.password_sign_in_refused")
    assert refused.outcome == "denied"


def test_with_local_sign_in_on_both_ways_are_offered(council_app):
    page = council_app.test_client().get("/sign-in").text
    assert "Sign in with your council account" in page and 'type="password"' in page


def test_without_the_settings_there_is_no_council_sign_in(app):
    client = app.test_client()
    assert "council account" not in client.get("/sign-in").text
    assert client.get("/sign-in/council").status_code == 404
    assert client.get("/sign-in/council/callback?code=x&state=y").status_code == 404


def test_a_provider_that_cannot_be_reached_gives_a_plain_page(make_app):
    app = make_app(OIDC_ISSUER="http://127.0.0.1:9")
    response = app.test_client().get("/sign-in/council")
    assert response.status_code == 503
    assert "did not work" in response.text
    [failed] = events(app, "auth.council_failed")
    assert "could not reach" in failed.detail


def test_discovery_must_name_the_configured_issuer(make_app, provider):
    app = make_app()
    provider.tamper_discovery(issuer="https://login.example/another-tenant")
    try:
        response = app.test_client().get("/sign-in/council")
    finally:
        provider.tamper_discovery()
    assert response.status_code == 503
    [failed] = events(app, "auth.council_failed")
    assert "discovery names issuer" in failed.detail


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"OIDC_ISSUER": "https://login.example/t/v2.0"}, "also set OIDC_CLIENT_ID"),
        ({"LOCAL_SIGN_IN": "false"}, "LOCAL_SIGN_IN=false needs council sign-in"),
        (
            {"OIDC_ISSUER": "https://x", "OIDC_CLIENT_ID": "a", "OIDC_CLIENT_SECRET": "b"},
            "Set OIDC_ROLE_MAP",
        ),
        (
            {
                "OIDC_ISSUER": "https://x",
                "OIDC_CLIENT_ID": "a",
                "OIDC_CLIENT_SECRET": "b",
                "OIDC_ROLE_MAP": "Staff=superuser",
            },
            "maps to superuser",
        ),
        ({"OIDC_ROLE_MAP": "no-equals-sign"}, "write each entry as value=role"),
        (
            {
                "OIDC_ISSUER": "http://login.example",
                "OIDC_CLIENT_ID": "a",
                "OIDC_CLIENT_SECRET": "b",
                "OIDC_ROLE_MAP": "Staff=intake",
            },
            "https://",
        ),
    ],
)
def test_settings_that_cannot_work_are_refused_at_start(monkeypatch, environment, message):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=message):
        load_config()


def test_the_role_map_is_read_in_order_from_the_environment(monkeypatch):
    monkeypatch.setenv("OIDC_ROLE_MAP", " Screening.Admin=admin , Screening.Intake = intake ")
    assert list(load_config()["OIDC_ROLE_MAP"].items()) == [
        ("Screening.Admin", "admin"),
        ("Screening.Intake", "intake"),
    ]
