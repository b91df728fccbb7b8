"""Security headers on every response: a Content-Security-Policy with a fresh nonce per
request (the GOV.UK template's one inline script carries it), HSTS, and no caching of pages
that may show personal data. Static assets keep their own caching."""

from __future__ import annotations

import secrets

from flask import Flask, g, request

PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


# Worked out once: only the nonce changes from one response to the next.
_POLICY_BEFORE_NONCE, _POLICY_AFTER_NONCE = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'nonce-{nonce}'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
).split("{nonce}")

SAME_ON_EVERY_RESPONSE = (
    ("Strict-Transport-Security", "max-age=31536000; includeSubDomains"),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    # same-origin: our own pages send a Referer back to us (Flask-WTF's CSRF check needs one
    # over HTTPS), and no other site ever sees our addresses, parents' links among them.
    ("Referrer-Policy", "same-origin"),
    ("Permissions-Policy", PERMISSIONS_POLICY),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)


def content_security_policy(nonce: str) -> str:
    return _POLICY_BEFORE_NONCE + nonce + _POLICY_AFTER_NONCE


def register(app: Flask) -> None:
    @app.context_processor
    def nonce_for_templates():
        return {"cspNonce": csp_nonce()}

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers["Content-Security-Policy"] = content_security_policy(csp_nonce())
        for name, value in SAME_ON_EVERY_RESPONSE:
            headers[name] = value
        if request.endpoint != "static":
            headers["Cache-Control"] = "no-store"
            headers.pop("Expires", None)
        return response
