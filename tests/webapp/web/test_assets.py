"""Assets: fingerprinted names cached for a year, and compressed responses."""

from __future__ import annotations

import json
from pathlib import Path

from tests.factories import create_team, create_user, sign_in_as
from tests.pages import get_page

STATIC = Path(__file__).resolve().parents[3] / "webapp" / "static"


def test_pages_link_fingerprinted_assets_cached_for_a_year(app, client):
    manifest = json.loads((STATIC / "asset-manifest.json").read_text())
    page = get_page(client, "/sign-in")
    css = page.select_one("link[rel=stylesheet]")["href"]
    script = page.select_one("script[type=module]")["src"]
    assert css == "/assets/" + manifest["app.css"]
    assert script == "/assets/" + manifest["app.js"]
    response = client.get(css)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    # The module script imports GOV.UK Frontend by its fingerprinted name too.
    assert manifest["govuk/govuk-frontend.min.js"].split("/")[1] in client.get(script).get_data(
        as_text=True
    )


def test_unfingerprinted_files_are_not_cached_for_a_year(client):
    response = client.get("/assets/app.css")
    assert response.status_code == 200
    assert "immutable" not in response.headers.get("Cache-Control", "")


def test_responses_are_compressed_when_the_browser_accepts_it(app, client):
    with app.app_context():
        user = create_user(role="intake", team=create_team()).get_id()
    sign_in_as(client, user)
    plain = client.get("/cases")
    squeezed = client.get("/cases", headers={"Accept-Encoding": "gzip"})
    assert squeezed.headers["Content-Encoding"] == "gzip"
    assert len(squeezed.data) < len(plain.data) / 2
