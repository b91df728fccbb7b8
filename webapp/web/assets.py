"""Fingerprinted asset names, so browsers can cache them for a year and a new build is
fetched at once. The Makefile runs ``python -m webapp.web.assets webapp/static`` after building."""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

from flask import Flask, request, url_for

MANIFEST = "asset-manifest.json"
# In dependency order: app.js imports GOV.UK Frontend's module by a relative path.
FINGERPRINTED = ("govuk/govuk-frontend.min.js", "app.css", "app.js")
ONE_YEAR = 31_536_000
_HASHED = re.compile(r"\.[0-9a-f]{12}\.(css|js)$")


def fingerprint(static_dir: Path) -> dict[str, str]:
    manifest: dict[str, str] = {}
    for name in FINGERPRINTED:
        path = static_dir / name
        content = path.read_bytes()
        if name == "app.js":
            govuk = manifest["govuk/govuk-frontend.min.js"].split("/", 1)[1]
            content = content.replace(b"./govuk/govuk-frontend.min.js", f"./govuk/{govuk}".encode())
        digest = hashlib.sha256(content).hexdigest()[:12]
        hashed = path.with_name(f"{path.stem}.{digest}{path.suffix}")
        hashed.write_bytes(content)
        manifest[name] = str(hashed.relative_to(static_dir))
    (static_dir / MANIFEST).write_text(json.dumps(manifest, indent=2))
    return manifest


def init_assets(app: Flask) -> None:
    manifest_path = Path(app.static_folder) / MANIFEST
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}

    def asset_url(name: str) -> str:
        return url_for("static", filename=manifest.get(name, name))

    app.add_template_global(asset_url)

    @app.after_request
    def cache_fingerprinted_assets(response):
        if request.endpoint == "static" and _HASHED.search(request.path):
            response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
        return response


if __name__ == "__main__":
    print(json.dumps(fingerprint(Path(sys.argv[1])), indent=2))
