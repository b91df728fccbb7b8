"""Council sign-in: the OpenID Connect conversation with the council's provider (Microsoft Entra
ID, or any other), through Authlib's Flask client.

We send people to the provider with a fresh state and nonce (kept in their session), and on
their way back take the ID token from the provider's token endpoint. Authlib checks the state,
the token's signature against the provider's published keys (JWKS), and its nonce; we also make
it check the issuer, the audience (our client id) and the expiry. What the claims then mean for
an account is council_accounts.py's job."""

from __future__ import annotations

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app
from joserfc.errors import JoseError

from webapp.config import council_sign_in_on

EXTENSION = "council_sign_in"
# Seconds of clock difference allowed between us and the provider on exp, iat and nbf.
LEEWAY = 60


class CouncilSignInFailed(Exception):
    """The provider's answer was refused; the message says why, for the audit (not the page)."""


def init_app(app: Flask) -> None:
    """Register the council's provider, when council sign-in is configured. Each app has its own
    client (Authlib's registry is per OAuth object), so tests can run apps side by side."""
    if not council_sign_in_on(app.config):
        return
    oauth = OAuth(app)
    app.extensions[EXTENSION] = oauth.register(
        "council",
        client_id=app.config["OIDC_CLIENT_ID"],
        client_secret=app.config["OIDC_CLIENT_SECRET"],
        server_metadata_url=f"{app.config['OIDC_ISSUER']}/.well-known/openid-configuration",
        client_kwargs={"scope": app.config["OIDC_SCOPES"], "default_timeout": 10},
    )


def enabled() -> bool:
    return EXTENSION in current_app.extensions


def password_sign_in_allowed() -> bool:
    return bool(current_app.config["LOCAL_SIGN_IN"])


def redirect_uri() -> str:
    """The address registered with the provider: OIDC_REDIRECT_URI, or our callback under
    PUBLIC_BASE_URL (never the request's Host header, which a client writes)."""
    configured = current_app.config["OIDC_REDIRECT_URI"]
    if configured:
        return configured
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + "/sign-in/council/callback"


def _client():
    return current_app.extensions[EXTENSION]


def _checked_metadata() -> dict:
    """The provider's discovery document, which must name the issuer we were configured with
    (OpenID Connect Discovery 4.3): otherwise anyone serving that address could sign people in."""
    metadata = _client().load_server_metadata()
    if metadata.get("issuer", "").rstrip("/") != current_app.config["OIDC_ISSUER"]:
        raise CouncilSignInFailed(f"discovery names issuer {metadata.get('issuer')!r}")
    return metadata


def start():
    """A redirect to the provider's sign-in page (state and nonce saved in the session)."""
    try:
        _checked_metadata()
        return _client().authorize_redirect(redirect_uri())
    except (AuthlibBaseError, JoseError, requests.RequestException, ValueError) as error:
        raise CouncilSignInFailed(
            f"could not reach the provider: {type(error).__name__}"
        ) from error


def finish() -> dict:
    """The ID token's claims, once every check has passed; CouncilSignInFailed otherwise."""
    try:
        metadata = _checked_metadata()
        token = _client().authorize_access_token(
            claims_options={
                "iss": {"essential": True, "value": metadata["issuer"]},
                "aud": {"essential": True, "value": current_app.config["OIDC_CLIENT_ID"]},
                "exp": {"essential": True},
                "sub": {"essential": True},
            },
            leeway=LEEWAY,
        )
    except (AuthlibBaseError, JoseError, requests.RequestException, ValueError) as error:
        raise CouncilSignInFailed(_reason(error)) from error
    claims = token.get("userinfo")
    if not claims:
        # Authlib parses the ID token only when one came back and a nonce was sent.
        raise CouncilSignInFailed("no ID token")
    return dict(claims)


def _reason(error: Exception) -> str:
    """What went wrong, in a few words for the audit (never the token itself)."""
    return f"{type(error).__name__}: {error}"[:200]
