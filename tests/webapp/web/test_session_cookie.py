"""The session cookie's signer is built once per key, and a new key still gets a new signer."""

from __future__ import annotations

from flask import session

from webapp.web.session_cookie import SessionCookie


def test_the_signer_is_built_once_and_rebuilt_for_a_new_key(app):
    interface = app.session_interface
    assert isinstance(interface, SessionCookie)
    first = interface.get_signing_serializer(app)
    assert interface.get_signing_serializer(app) is first
    old_key = app.secret_key
    try:
        app.secret_key = "another-key-" + "y" * 40
        assert interface.get_signing_serializer(app) is not first
    finally:
        app.secret_key = old_key


def test_a_cookie_signed_with_an_old_key_is_refused_unless_the_key_is_a_fallback(app):
    @app.get("/test-session/set")
    def set_value():
        session["note"] = "kept"
        return "set"

    @app.get("/test-session/get")
    def get_value():
        return session.get("note", "none")

    client = app.test_client()
    client.get("/test-session/set")
    assert client.get("/test-session/get").get_data(as_text=True) == "kept"
    old_key = app.secret_key
    try:
        app.secret_key = "another-key-" + "y" * 40
        assert client.get("/test-session/get").get_data(as_text=True) == "none"
        app.config["SECRET_KEY_FALLBACKS"] = [old_key]
        assert client.get("/test-session/get").get_data(as_text=True) == "kept"
    finally:
        app.secret_key = old_key
        app.config["SECRET_KEY_FALLBACKS"] = []
