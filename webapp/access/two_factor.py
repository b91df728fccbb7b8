"""The second factor for staff: TOTP codes from an authenticator app (RFC 6238, through pyotp),
with one-time recovery codes. A password alone never opens a staff session."""

from __future__ import annotations

import hashlib
import secrets
import time

import pyotp
import segno
from flask import current_app, session
from markupsafe import Markup

from webapp.access.security import load_user_for_second_factor
from webapp.extensions import db
from webapp.storage.records import User

PENDING = "_second_factor_user"
PENDING_AT = "_second_factor_at"
NEW_SECRET = "_second_factor_new_secret"  # noqa: S105 - a session key name, not a secret
PENDING_SECONDS = 600
RECOVERY_CODES = 8


def begin(user: User) -> None:
    """The password was right: remember who is half signed in, for ten minutes."""
    session.clear()
    session[PENDING] = user.get_id()
    session[PENDING_AT] = time.time()


def pending_user() -> User | None:
    started = session.get(PENDING_AT)
    if not isinstance(started, (int, float)) or time.time() - started > PENDING_SECONDS:
        return None
    return load_user_for_second_factor(session.get(PENDING, ""))


def demo_may_skip(user: User) -> bool:
    return bool(current_app.config["DEMO_MODE"]) and user.email.endswith("@demo.test")


def new_secret() -> str:
    secret = session.get(NEW_SECRET)
    if not secret:
        secret = session[NEW_SECRET] = pyotp.random_base32()
    return secret


def qr_svg(user: User, secret: str) -> Markup:
    uri = pyotp.TOTP(secret).provisioning_uri(
        name=user.email, issuer_name=current_app.config["SERVICE_NAME"]
    )
    svg = segno.make(uri, error="m").svg_inline(scale=5, title="QR code for your authenticator app")
    # segno draws the code as paths; the URI is not in the SVG as text, and the title is ours.
    return Markup(  # noqa: S704  # nosec B704 - SVG paths from segno, our own title
        svg.replace(
            "<svg ", '<svg role="img" aria-label="QR code to scan with your authenticator app" ', 1
        )
    )


def _hash(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").strip().lower().encode()).hexdigest()


def _totp_step(secret: str, code: str, last_step: int | None) -> int | None:
    """The time-step the code belongs to (now, or one step either side for clock drift), if it
    is right and newer than the last one used."""
    totp = pyotp.TOTP(secret)
    now = int(time.time())
    for drift in (0, -1, 1):
        step = now // totp.interval + drift
        if secrets.compare_digest(totp.at(step * totp.interval), code) and (
            last_step is None or step > last_step
        ):
            return step
    return None


def confirm_enrolment(user: User, code: str) -> list[str] | None:
    """Check the first code from the app; save the secret and return new recovery codes."""
    secret = session.get(NEW_SECRET)
    step = _totp_step(secret, code.strip(), None) if secret else None
    if step is None:
        return None
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    user.totp_secret, user.totp_last_step = secret, step
    user.recovery_codes = [_hash(c) for c in codes]
    session.pop(NEW_SECRET, None)
    db.session.commit()
    return codes


def verify(user: User, code: str) -> str | None:
    """ "totp" or "recovery code" when the code is right (a recovery code works once)."""
    code = "".join(code.split())
    if user.totp_secret and code.isdigit() and len(code) == 6:
        step = _totp_step(user.totp_secret, code, user.totp_last_step)
        if step is not None:
            user.totp_last_step = step
            db.session.commit()
            return "totp"
        return None
    hashed = _hash(code)
    if hashed in (user.recovery_codes or []):
        user.recovery_codes = [c for c in user.recovery_codes if c != hashed]
        db.session.commit()
        return "recovery code"
    return None
