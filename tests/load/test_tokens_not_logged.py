"""A link token never reaches an access log: parents open their links, and a new member of
staff their set-up link, through the documented nginx (TLS) and gunicorn (gunicorn.conf.py),
and both real logs are read."""

from __future__ import annotations

import http.client
import ssl

import pytest

from questionnaires import builtin_library
from tests.factories import create_case, create_team
from tests.load.proxy import gunicorn_with_config, nginx_tls
from webapp.access import accounts
from webapp.extensions import db
from webapp.services.invitations import create_invitation

pytestmark = pytest.mark.load
READING = builtin_library().get("reading-writing")


def get(base: str, path: str) -> int:
    """One request, the path sent exactly as written (no client tidies it first)."""
    host, port = base.removeprefix("https://").split(":")
    unverified = ssl.create_default_context()
    unverified.check_hostname = False
    unverified.verify_mode = ssl.CERT_NONE
    connection = http.client.HTTPSConnection(host, int(port), timeout=30, context=unverified)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def test_link_tokens_reach_neither_nginx_nor_gunicorn_logs(app, tmp_path):
    with app.app_context():
        team = create_team()
        tokens = [
            create_invitation(create_case(team=team, parent_name=f"Parent {n}"), [READING], None)[1]
            for n in range(3)
        ]
    with app.test_request_context():
        _user, set_up_token = accounts.invite("Nia New", "nia@example.test", "admin", None)
        db.session.remove()
        db.engine.dispose()
    env = {
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": "log-test-secret-" + "x" * 32,
        "DEMO_MODE": "0",
        "TRUSTED_PROXY_HOPS": "1",
    }
    wrong = "no-such-link-token-abcdefghijklmnop"
    with (
        gunicorn_with_config(tmp_path, env) as (app_port, gunicorn_log),
        nginx_tls(tmp_path / "nginx", app_port) as (base, nginx_log),
    ):
        # A parent opens their link; others reach theirs by a written-out or odd address.
        assert get(base, f"/p/start/{tokens[0]}") == 302
        assert get(base, f"/p/start/{tokens[0]}?from=email") == 302
        assert get(base, f"//p//start/{tokens[1]}") in {302, 308}
        assert get(base, f"/p/%73tart/{tokens[2]}") == 302
        assert get(base, f"/p/start/{wrong}") == 404
        # A staff set-up link carries a token too.
        assert get(base, f"/account/set-up/{set_up_token}") == 200
    logs = {"gunicorn": gunicorn_log.read_text(), "nginx": nginx_log.read_text()}
    for name, text in logs.items():
        for secret in [*tokens, wrong, "from=email", set_up_token]:
            assert secret not in text, f"{name}'s access log holds a token:\n{text}"
        assert text.count("/p/start/[token]") >= 4, f"{name} logged too few links:\n{text}"
        assert "/account/set-up/[token]" in text, text
