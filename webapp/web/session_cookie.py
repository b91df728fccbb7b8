"""Flask's signed session cookie, with its signer built once per key rather than on every
request (building it was about 2% of a parent's question page, bench/RESULTS.md). The cookie,
its signing and its checks are Flask's own."""

from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


class SessionCookie(SecureCookieSessionInterface):
    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        # Keyed by the keys themselves: a changed SECRET_KEY (or its fallbacks) gets a new signer.
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        built = app.extensions.get("session_signer")
        if built is None or built[0] != keys:
            built = (keys, super().get_signing_serializer(app))
            app.extensions["session_signer"] = built
        return built[1]
