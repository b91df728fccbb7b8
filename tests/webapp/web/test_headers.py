"""Security headers, checked exactly, on a page with personal data and on a static asset."""

from __future__ import annotations

import re

from tests.factories import create_case, create_team, create_user, sign_in_as


def test_every_security_header_on_a_personal_data_page(app, client):
    with app.app_context():
        team = create_team()
        sign_in_as(client, create_user(role="intake", team=team).get_id())
        case_id = create_case(team=team).id
    response = client.get(f"/cases/{case_id}")
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    expected = {
        "Content-Security-Policy": (
            f"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; "
            "img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; "
            "frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
        ),
        "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "same-origin",
        "Permissions-Policy": (
            "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
            "microphone=(), payment=(), usb=(), interest-cohort=()"
        ),
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cache-Control": "no-store",
    }
    assert {name: response.headers.get(name) for name in expected} == expected
    # The GOV.UK template's one inline script carries this request's nonce.
    assert f'<script nonce="{nonce}">' in response.get_data(as_text=True)
    again = client.get(f"/cases/{case_id}").headers["Content-Security-Policy"]
    assert f"'nonce-{nonce}'" not in again  # a new nonce every time


def test_static_assets_keep_their_own_caching(client):
    css = client.get("/sign-in").get_data(as_text=True).split('rel="stylesheet" href="')[1]
    response = client.get(css.split('"')[0])
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_error_pages_have_the_headers_too(client):
    response = client.get("/nowhere")
    assert response.status_code == 404
    assert response.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
