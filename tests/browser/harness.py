"""Real-browser test harness: the app served by a real WSGI server on 127.0.0.1 in a thread,
Debian's Chromium driven by Playwright, and axe-core for accessibility.

The fixtures that use these live in conftest.py; the helpers here are imported by the tests."""

from __future__ import annotations

import threading
from pathlib import Path

import pyotp
import pytest
from werkzeug.serving import make_server

from tests.factories import PASSWORD, TOTP_SECRET

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
# Screenshots for people to look at, outside the repository; the path is fixed so the lead
# knows where to look (nothing secret is written there: test data only).
SHOTS = Path("/tmp/browser-shots")  # noqa: S108


def require_chromium(chromium: Path = CHROMIUM, axe: Path = AXE) -> None:
    """Fail (never skip) when the browser or axe-core is missing: a skipped browser test is a
    test nobody ran."""
    if not chromium.is_file():
        pytest.fail(f"{chromium} is missing: install Debian's chromium: make test does this")
    if not axe.is_file():
        pytest.fail(f"{axe} is missing: run npm ci (make test does this)")


class LiveServer:
    """The app on a real threaded WSGI server on a free port of 127.0.0.1."""

    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        # A short poll interval: shutdown() waits up to one interval, once per test.
        self.thread = threading.Thread(
            target=self.server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="live-server",
            daemon=True,
        )

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()  # stops serve_forever and waits for it
        self.server.server_close()  # closes the listening socket
        self.thread.join(timeout=5)
        assert not self.thread.is_alive(), "the live server did not stop"


class AccessibilityProblem(AssertionError):
    pass


def axe_violations(page) -> list[dict]:
    """Run axe-core in the page for the WCAG 2.0, 2.1 and 2.2 A and AA rules."""
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE.read_text())
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_TAGS,
    )
    return result["violations"]


def describe(violations: list[dict], *, targets: int = 3) -> str:
    """One line per violation: rule id, impact, help and the first few target selectors."""
    lines = []
    for violation in violations:
        where = ", ".join(
            " ".join(map(str, node["target"])) for node in violation["nodes"][:targets]
        )
        more = len(violation["nodes"]) - targets
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}: {where}"
            + (f" and {more} more" if more > 0 else "")
        )
    return "\n".join(lines)


def check_accessible(page, where: str = "") -> None:
    """Fail with a readable list when axe finds any violation on the page."""
    violations = axe_violations(page)
    if violations:
        raise AccessibilityProblem(
            f"{len(violations)} accessibility violation(s) on {where or page.url} "
            f"({page.url}):\n{describe(violations)}"
        )


def go(page, target) -> None:
    """Click a link or button and wait for the page it leads to to load, so that nothing (axe
    least of all) runs on a page that is being replaced."""
    with page.expect_navigation():
        target.click()


def submit_with(page, key: str) -> None:
    """Press a key that submits the focused form (Enter), waiting for the next page."""
    with page.expect_navigation():
        page.keyboard.press(key)


def tab_to(page, selector: str, *, limit: int = 40) -> None:
    """Press Tab until the focused element matches the selector, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"could not reach {selector} with Tab in {limit} presses")


def sign_in(page, base: str, email: str, *, check=check_accessible) -> None:
    """Sign in through the real form, then the second-factor code page."""
    if not page.url.endswith("/sign-in"):
        page.goto(f"{base}/sign-in")
    check(page, "sign in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    go(page, page.get_by_role("button", name="Sign in"))
    assert page.url.endswith("/sign-in/code"), page.url
    check(page, "second-factor code")
    page.get_by_label("Code").fill(pyotp.TOTP(TOTP_SECRET).now())
    go(page, page.get_by_role("button", name="Continue"))
