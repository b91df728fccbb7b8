"""Fixtures for the browser tests: one Chromium for the session (Debian's package, driven by
Playwright), a fresh context per test, and the app on a real server on 127.0.0.1.

Every browser test's app runs on its own SQLite file: a copy of the session's migrated template
(tests/conftest.py) in the test's tmp dir, whatever DATABASE_URL says, because the server
serves it from other threads while the test reads it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from playwright.sync_api import sync_playwright

from tests.browser.harness import CHROMIUM, CHROMIUM_ARGS, SHOTS, LiveServer, require_chromium
from tests.conftest import app_on_own_sqlite
from tests.factories import create_team, create_user


@pytest.fixture(scope="session")
def browser():
    require_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser):
    # The app's CSP (nonces only) would block axe-core's injected script: bypass it here. One
    # test (the CSP test) opens its own context without the bypass.
    context = browser.new_context(bypass_csp=True)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def app(migrated_sqlite, tmp_path):
    with app_on_own_sqlite(migrated_sqlite, tmp_path, "live.sqlite") as app:
        yield app


@pytest.fixture
def live_server(app):
    with LiveServer(app) as server:
        yield server


@dataclass(frozen=True)
class Staff:
    intake: str  # email addresses: they sign in through the real form
    clinician: str


@pytest.fixture
def staff(app) -> Staff:
    """An intake worker and a clinician in one team."""
    with app.app_context():
        team = create_team(name="North")
        return Staff(
            intake=create_user(role="intake", team=team).email,
            clinician=create_user(role="clinician", team=team).email,
        )


@pytest.fixture(scope="session")
def shots():
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS
