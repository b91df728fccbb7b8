"""Bearer secrets (parents' links, API tokens): random, shown once, stored only as a hash."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import current_app
from sqlalchemy import select

from webapp.extensions import db
from webapp.storage.records import ApiToken, Team


def token_hash(token: str) -> str:
    # A token carries 256 bits of randomness, so a fast hash is enough: nothing to brute-force.
    return hashlib.sha256(token.encode()).hexdigest()


def create_api_token(name: str, team: Team) -> str:
    """A new API token, shown once; only its hash is kept."""
    token = "nst_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(name=name, token_hash=token_hash(token), team=team))
    db.session.commit()
    return token


def callback_token_valid(token: str) -> bool:
    """Whether a callback carries NOTIFY_CALLBACK_TOKEN (compared in constant time); with no
    token set, no callback is accepted."""
    expected = current_app.config.get("NOTIFY_CALLBACK_TOKEN") or ""
    return bool(expected) and hmac.compare_digest(token.encode(), expected.encode())


def find_api_token(token: str) -> ApiToken | None:
    """The API token with this secret, revoked or not (the caller checks)."""
    return db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(token)))
