"""Real-browser test harness: the app served by a real WSGI server on 127.0.0.1 in a thread, on
its own migrated SQLite file, and Debian's Chromium driven by Playwright, with axe-core for
accessibility. Used by the parent-journey browser tests."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def require_chromium() -> None:
    if not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None:
        raise RuntimeError("Chromium is missing: install Debian's chromium (make test does this)")
    if not AXE.exists():
        raise RuntimeError("axe-core is missing: run npm ci (make test does this)")


class LiveServer:
    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)


class AccessibilityProblem(AssertionError):
    pass


def axe_violations(page) -> list[dict]:
    """Run axe-core in the page for the WCAG 2.0/2.1/2.2 A and AA rules."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE.read_text())
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return result["violations"]


def check_accessible(page, where: str = "") -> None:
    violations = axe_violations(page)
    if violations:
        lines = [
            f"{v['id']} ({v['impact']}): {v['help']} at "
            f"{json.dumps([n['target'] for n in v['nodes'][:3]])}"
            for v in violations
        ]
        raise AccessibilityProblem(f"{where or page.url}:\n" + "\n".join(lines))
