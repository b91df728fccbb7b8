"""Signing in over real HTTPS: Chromium, nginx ending TLS (a self-signed certificate), and
gunicorn with gunicorn.conf.py trusting that one proxy. Flask-WTF's CSRF check wants a Referer
over HTTPS; with `Referrer-Policy: no-referrer` every form post there failed with 400."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.browser.harness import sign_in
from tests.factories import create_team, create_user
from tests.load.proxy import gunicorn_with_config, nginx_tls
from webapp.extensions import db
from webapp.storage.records import AuditEvent

pytestmark = [pytest.mark.browser, pytest.mark.load]


def test_a_worker_signs_in_over_https_behind_nginx(app, browser, tmp_path):
    with app.app_context():
        email = create_user(role="intake", team=create_team(name="North")).email
    env = {
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": "https-test-secret-" + "x" * 32,
        "DEMO_MODE": "0",
        "TRUSTED_PROXY_HOPS": "1",
    }
    with (
        gunicorn_with_config(tmp_path, env) as (app_port, _log),
        nginx_tls(tmp_path / "nginx", app_port) as (base, _nginx_log),
    ):
        context = browser.new_context(ignore_https_errors=True)
        page = context.new_page()
        try:
            sign_in(page, base, email, check=lambda *_: None)
            assert page.url.startswith(f"{base}/"), page.url
            assert "/sign-in" not in page.url, page.content()[:2000]
            assert page.get_by_role("button", name="Sign out").count() == 1
        finally:
            context.close()
    with app.app_context():
        events = db.session.scalars(select(AuditEvent)).all()
        assert "csrf.failed" not in [event.action for event in events]
        # The app saw the scheme and the client through the proxy's headers.
        assert {event.client_address for event in events} <= {"127.0.0.1"}
