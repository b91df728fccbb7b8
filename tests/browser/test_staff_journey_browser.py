"""Admin pages in real Chromium, with axe-core on every page and error state. (The intake and
clinician journey is in test_referral_flow_browser.py.)"""

from __future__ import annotations

import pytest

from tests.browser.harness import check_accessible, go, sign_in
from tests.factories import create_team, create_user

pytestmark = pytest.mark.browser


def test_admin_pages_in_the_browser(app, live_server, page):
    with app.app_context():
        admin = create_user(role="admin", team=None).email
        team = create_team(name="South")
        create_user(role="intake", team=team)
    sign_in(page, live_server.url, admin)
    assert page.url.endswith("/admin/users"), page.url
    check_accessible(page, "users")
    assert page.locator("tbody tr").count() == 2
    go(page, page.get_by_role("link", name="Audit trail"))
    check_accessible(page, "audit trail")
    page.get_by_label("Case reference").fill("banana")
    go(page, page.get_by_role("button", name="Search"))
    assert "Enter a case reference like C000123" in page.content()
    check_accessible(page, "audit trail with an error")
    go(page, page.get_by_role("link", name="Subject access"))
    check_accessible(page, "subject access")
    go(page, page.get_by_role("button", name="Continue"))
    check_accessible(page, "subject access with errors")
    go(page, page.get_by_role("link", name="Dashboard"))
    check_accessible(page, "dashboard")
