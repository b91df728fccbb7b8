"""Behind TRUSTED_PROXY_HOPS proxies the app sees the real client (rate limits, the audit);
with 0, the default, a client cannot claim another address with X-Forwarded-For."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.pages import csrf_token, get_page
from webapp import create_app
from webapp.config import ConfigError
from webapp.extensions import db
from webapp.storage.records import AuditEvent

PROXY = "10.0.0.5"  # the address the app's socket sees: the proxy's


def proxied_app(database_uri, hops: int, **settings):
    return create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_uri,
            "TRUSTED_PROXY_HOPS": hops,
            **settings,
        }
    )


def client_from(app, address: str):
    """A client whose requests come through the proxy, which names `address` as the client."""
    client = app.test_client()
    client.environ_base.update(
        {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": address, "HTTP_X_FORWARDED_PROTO": "http"}
    )
    return client


def failed_sign_in(client) -> int:
    page = get_page(client, "/sign-in")
    return client.post(
        "/sign-in",
        data={"csrf_token": csrf_token(page), "email": "x@example.test", "password": "wrong"},
    ).status_code


def test_one_noisy_client_does_not_block_the_others(database_uri):
    app = proxied_app(database_uri, 1, SIGN_IN_RATE_LIMIT="2 per minute")
    noisy, quiet = client_from(app, "203.0.113.7"), client_from(app, "203.0.113.8")
    assert [failed_sign_in(noisy) for _ in range(3)] == [200, 200, 429]
    assert failed_sign_in(quiet) == 200


def test_audit_rows_keep_the_real_client_address(database_uri):
    app = proxied_app(database_uri, 1)
    failed_sign_in(client_from(app, "203.0.113.7"))
    with app.app_context():
        # The newest row: on PostgreSQL the suite's database keeps earlier tests' audit rows.
        event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert (event.action, event.client_address) == ("auth.sign_in_failed", "203.0.113.7")


def test_with_no_trusted_proxy_a_claimed_address_is_ignored(database_uri):
    app = proxied_app(database_uri, 0)
    failed_sign_in(client_from(app, "203.0.113.7"))
    with app.app_context():
        newest = select(AuditEvent.client_address).order_by(AuditEvent.id.desc()).limit(1)
        assert db.session.scalar(newest) == PROXY


@pytest.mark.parametrize("hops", [-1, "1"])
def test_a_bad_number_of_hops_is_refused(database_uri, hops):
    with pytest.raises(ConfigError, match="TRUSTED_PROXY_HOPS"):
        proxied_app(database_uri, hops)


def test_a_bad_number_of_hops_in_the_environment_is_refused(monkeypatch):
    monkeypatch.setenv("TRUSTED_PROXY_HOPS", "one")
    with pytest.raises(ConfigError, match="TRUSTED_PROXY_HOPS"):
        create_app({"TESTING": True})
