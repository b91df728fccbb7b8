"""Real Chromium for the browser tests (Debian's package, driven by Playwright)."""

from __future__ import annotations

import pytest
from playwright.sync_api import sync_playwright

from tests.browser.harness import CHROMIUM, CHROMIUM_ARGS, require_chromium


@pytest.fixture(scope="module")
def chromium():
    require_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
