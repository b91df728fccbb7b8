"""The checks that check the browser tests: axe-core really fails an inaccessible page, and a
missing Chromium fails the run instead of skipping it."""

from __future__ import annotations

import pytest

from tests.browser.harness import (
    AXE,
    AccessibilityProblem,
    axe_violations,
    check_accessible,
    require_chromium,
)

pytestmark = pytest.mark.browser

BROKEN = """<!DOCTYPE html>
<html><head><title>Broken</title></head><body><main>
  <h1>A deliberately inaccessible page</h1>
  <img src="photo.png">
  <input type="text" name="unlabelled">
  <p style="color: #c8c8c8; background: #ffffff">Faint grey text on white</p>
</main></body></html>"""

ACCESSIBLE = """<!DOCTYPE html>
<html lang="en"><head><title>Fine</title></head><body><main>
  <h1>An accessible page</h1>
  <img src="photo.png" alt="A parent reading a letter">
  <label for="name">Name</label> <input type="text" id="name" name="name">
  <p style="color: #0b0c0c; background: #ffffff">Dark text on white</p>
</main></body></html>"""


def test_the_axe_check_fails_an_inaccessible_page(page):
    page.set_content(BROKEN)
    rules = {violation["id"] for violation in axe_violations(page)}
    assert {"image-alt", "label", "color-contrast", "html-has-lang"} <= rules, rules

    with pytest.raises(AccessibilityProblem) as raised:
        check_accessible(page, "the broken page")
    report = str(raised.value)
    assert "on the broken page" in report
    for rule in ("image-alt", "label", "color-contrast", "html-has-lang"):
        assert f"- {rule} (" in report  # one readable line per rule...
    assert "img" in report and "input" in report  # ...naming the elements at fault


def test_the_axe_check_passes_an_accessible_page(page):
    page.set_content(ACCESSIBLE)
    check_accessible(page, "the accessible page")


def test_a_missing_browser_fails_the_run_and_says_how_to_install_it(tmp_path):
    with pytest.raises(pytest.fail.Exception, match="install Debian's chromium: make test does"):
        require_chromium(tmp_path / "no-chromium", AXE)
