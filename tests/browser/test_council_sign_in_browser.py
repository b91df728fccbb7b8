"""Council sign-in end to end in Chromium, against a real OpenID provider on localhost
(oidc-provider-mock: discovery, JWKS, its authorization form, RS256 ID tokens).

The person clicks "Sign in with your council account", types their subject into the
provider's form and presses Authorize, as in any council's sign-in page. Cases a browser cannot
make (a wrong issuer or audience, an expired token) come from the provider itself: its token
endpoint re-signs the ID token with other claims, with the key it publishes (tests/
council_provider.py), so only our checks stand between that token and a session."""

from __future__ import annotations

import pyotp
import pytest
from playwright.sync_api import Page
from sqlalchemy import select

from tests.browser.harness import LiveServer, check_accessible, go
from tests.conftest import app_on_own_sqlite
from tests.council_provider import council_provider, council_settings
from tests.factories import TOTP_SECRET, create_team, create_user
from webapp.extensions import db
from webapp.storage.records import AuditEvent, User

pytestmark = pytest.mark.browser

COUNCIL_BUTTON = "Sign in with your council account"


@pytest.fixture(scope="module")
def provider():
    with council_provider() as provider:
        yield provider


@pytest.fixture
def app(migrated_sqlite, tmp_path, provider):
    with app_on_own_sqlite(
        migrated_sqlite, tmp_path, "live.sqlite", council_settings(provider)
    ) as app:
        with app.app_context():
            create_team(name="North"), create_team(name="South")
        yield app


@pytest.fixture
def live_server(app):
    with LiveServer(app) as server:
        # The address registered with the provider: ours, on the live server's port.
        app.config["OIDC_REDIRECT_URI"] = f"{server.url}/sign-in/council/callback"
        yield server


def claims(email: str, **more) -> dict:
    return {
        "email": email,
        "name": email.split("@")[0].title(),
        "roles": ["Screening.Intake"],
        "team": "North",
        "amr": ["pwd", "mfa"],
        **more,
    }


def council_sign_in(page: Page, base: str, sub: str, *, check=None) -> None:
    """Our sign-in page, the council's button, the provider's form, and back."""
    page.goto(f"{base}/sign-in")
    if check:
        check(page, "sign in with the council button")
    go(page, page.get_by_role("button", name=COUNCIL_BUTTON))
    assert page.url.startswith("http://localhost:"), page.url  # the provider's page
    page.get_by_placeholder("sub").fill(sub)
    go(page, page.get_by_role("button", name="Authorize"))
    page.wait_for_load_state("load")


def account(app, email: str) -> User | None:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        if user is not None:
            db.session.expunge(user)
        return user


def audit(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        rows = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))
        db.session.expunge_all()
        return rows


def refused_on_page(page: Page, words: str) -> None:
    assert page.url.split("?")[0].endswith(("/sign-in/council/callback", "/sign-in")), page.url
    assert words in page.locator("[data-banner=error]").inner_text()
    check_accessible(page, "sign-in refused")
    assert page.get_by_role("button", name=COUNCIL_BUTTON).is_visible()


def test_the_first_sign_in_makes_the_account_and_the_providers_mfa_is_enough(
    app, live_server, page, provider
):
    provider.set_user("b-asha", **claims("asha@council.example"))
    council_sign_in(page, live_server.url, "b-asha", check=check_accessible)
    assert page.url == f"{live_server.url}/cases", page.url  # an intake worker's start page
    check_accessible(page, "cases after council sign-in")
    user = account(app, "asha@council.example")
    assert (user.role, user.council_subject, user.totp_secret) == ("intake", "b-asha", None)
    with app.app_context():
        assert db.session.get(User, user.id).team.name == "North"
    [signed_in] = audit(app, "auth.signed_in")
    assert signed_in.user_id == user.id and "multi-factor" in signed_in.detail


def test_roles_are_refreshed_on_the_next_sign_in(app, live_server, page, provider):
    provider.set_user("b-ben", **claims("ben@council.example"))
    council_sign_in(page, live_server.url, "b-ben")
    assert page.url.endswith("/cases")
    go(page, page.get_by_role("button", name="Sign out"))
    provider.set_user(
        "b-ben", **claims("ben@council.example", roles=["Screening.Clinician"], team="South")
    )
    council_sign_in(page, live_server.url, "b-ben")
    assert page.url.endswith("/review"), page.url  # a clinician's start page now
    user = account(app, "ben@council.example")
    with app.app_context():
        assert (user.role, db.session.get(User, user.id).team.name) == ("clinician", "South")
    page.goto(f"{live_server.url}/cases")
    assert page.locator("h1").inner_text() != "Cases"  # no longer an intake worker's page


def test_without_mfa_in_amr_our_own_code_is_asked_for(app, live_server, page, provider):
    with app.app_context():
        create_user(role="intake", team=None, email="cy@council.example")  # has an app
    provider.set_user("b-cy", **claims("cy@council.example", amr=["pwd"]))
    council_sign_in(page, live_server.url, "b-cy")
    assert page.url.endswith("/sign-in/code"), page.url
    check_accessible(page, "our code after council sign-in")
    page.get_by_label("Code").fill(pyotp.TOTP(TOTP_SECRET).now())
    go(page, page.get_by_role("button", name="Continue"))
    assert page.url.endswith("/cases"), page.url
    assert account(app, "cy@council.example").council_subject == "b-cy"  # linked by email
    [signed_in] = audit(app, "auth.signed_in")
    assert signed_in.detail == "totp"


def test_a_forged_state_is_refused(app, live_server, page, provider):
    provider.set_user("b-dee", **claims("dee@council.example"))

    page.goto(f"{live_server.url}/sign-in")
    go(page, page.get_by_role("button", name=COUNCIL_BUTTON))
    # The provider's form posts to its own address, which carries our state: change it there,
    # and the provider sends the person back with a state we never gave.
    page.evaluate(
        """() => {
            const url = new URL(location.href);
            url.searchParams.set("state", "forged");
            document.querySelector("form").action = url.toString();
        }"""
    )
    page.get_by_placeholder("sub").fill("b-dee")
    go(page, page.get_by_role("button", name="Authorize"))
    refused_on_page(page, "did not work")
    assert account(app, "dee@council.example") is None
    [failed] = audit(app, "auth.council_failed")
    assert "MismatchingStateError" in failed.detail


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"iss": "https://login.example/another-tenant"}, "'iss'"),
        ({"aud": "another-app"}, "'aud'"),
        ({"exp": 1_000_000_000, "iat": 999_990_000}, "ExpiredTokenError"),
    ],
    ids=["wrong-issuer", "wrong-audience", "expired"],
)
def test_a_token_that_fails_our_checks_signs_nobody_in(
    app, live_server, page, provider, changes, reason
):
    provider.set_user("b-eli", **claims("eli@council.example"))
    provider.tamper(**changes)
    try:
        council_sign_in(page, live_server.url, "b-eli")
    finally:
        provider.tamper()
    refused_on_page(page, "did not work")
    assert account(app, "eli@council.example") is None
    [failed] = audit(app, "auth.council_failed")
    assert reason in failed.detail, failed.detail


def test_a_person_with_no_mapped_role_is_refused_and_audited(app, live_server, page, provider):
    provider.set_user("b-flo", **claims("flo@council.example", roles=["Payroll.Reader"]))
    council_sign_in(page, live_server.url, "b-flo")
    refused_on_page(page, "cannot sign in to this service")
    assert account(app, "flo@council.example") is None
    [refused] = audit(app, "auth.council_refused")
    assert (refused.detail, refused.outcome) == ("no mapped role", "denied")


def test_an_account_disabled_here_stays_disabled(app, live_server, page, provider):
    with app.app_context():
        create_user(role="intake", team=None, email="gil@council.example", active=False)
    provider.set_user("b-gil", **claims("gil@council.example"))
    council_sign_in(page, live_server.url, "b-gil")
    refused_on_page(page, "cannot sign in to this service")
    user = account(app, "gil@council.example")
    assert user.active is False and user.council_subject is None
    [refused] = audit(app, "auth.council_refused")
    assert (refused.detail, refused.user_id) == ("account disabled here", user.id)


def test_with_local_sign_in_off_only_the_council_button_is_offered(
    app, live_server, page, provider
):
    with app.app_context():
        email = create_user(role="intake", team=None).email
    # A page opened while passwords were still allowed, posted after they were switched off.
    page.goto(f"{live_server.url}/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill("correct horse battery")
    app.config["LOCAL_SIGN_IN"] = False
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in", exact=True).click()
    assert page.url.endswith("/sign-in")
    assert page.title().startswith("You do not have permission")
    [refused] = audit(app, "auth.password_sign_in_refused")
    assert refused.outcome == "denied"
    page.goto(f"{live_server.url}/sign-in")
    assert page.get_by_label("Password", exact=True).count() == 0
    check_accessible(page, "sign in, council only")
    provider.set_user("b-hal", **claims("hal@council.example"))
    council_sign_in(page, live_server.url, "b-hal")
    assert page.url.endswith("/cases"), page.url
