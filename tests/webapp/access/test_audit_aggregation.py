"""Anonymous denials are counted, not listed: one audit row per kind, client and minute, so a
flood of bad links or forged posts cannot grow the audit without limit."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from tests.factories import create_case, create_team, create_user, sign_in_as
from tests.pages import get_page
from webapp.extensions import db
from webapp.storage.clock import utcnow
from webapp.storage.records import AuditEvent


def rows(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        found = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))
        db.session.expunge_all()
        return found


def minutes_between(start, end) -> int:
    """How many clock minutes a stretch of time touches (each may start its own row)."""
    floor = start.replace(second=0, microsecond=0)
    return int((end - floor).total_seconds() // 60) + 1


def test_500_bad_links_write_a_bounded_number_of_rows_with_the_right_count(app, client):
    app.config["PARENT_LINK_RATE_LIMIT"] = "10000 per minute"
    start = utcnow()
    for n in range(500):
        assert client.get(f"/p/start/not-a-real-link-{n}").status_code == 404
    minutes = minutes_between(start, utcnow())
    found = rows(app, "parent.bad_link")
    assert 1 <= len(found) <= minutes <= 2, [(r.at, r.times) for r in found]
    assert sum(row.times for row in found) == 500
    assert {(r.outcome, r.client_address, r.user_id) for r in found} == {
        ("denied", "127.0.0.1", None)
    }


def test_the_rate_limit_after_bad_links_is_counted_too(app, client):
    app.config["PARENT_LINK_RATE_LIMIT"] = "5 per minute"
    for n in range(40):
        client.get(f"/p/start/not-a-real-link-{n}")
    assert sum(r.times for r in rows(app, "parent.bad_link")) == 5
    limited = rows(app, "rate_limit.hit")
    assert len(limited) <= 2 and sum(r.times for r in limited) == 35


def test_each_client_and_each_kind_has_its_own_row(app):
    app.config["PARENT_LINK_RATE_LIMIT"] = "10000 per minute"
    app.config["WTF_CSRF_ENABLED"] = True
    for address, count in (("192.0.2.1", 3), ("192.0.2.2", 2)):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        for n in range(count):
            client.get(f"/p/start/wrong-{n}")
            client.post("/sign-in", data={"email": "x@example.test", "password": "no"})
    for action in ("parent.bad_link", "csrf.failed"):
        counts = {}
        for row in rows(app, action):
            counts[row.client_address] = counts.get(row.client_address, 0) + row.times
        assert counts == {"192.0.2.1": 3, "192.0.2.2": 2}, action


def test_a_signed_in_denial_keeps_a_row_each(app, client):
    with app.app_context():
        team = create_team()
        case_id = create_case(team=team).id
        clinician = create_user(role="clinician", team=create_team(name="Elsewhere")).get_id()
    sign_in_as(client, clinician)
    for _ in range(3):
        client.get(f"/cases/{case_id}")
    denied = [r for r in rows(app, "access.denied") if r.user_id is not None]
    assert len(denied) == 3 and {r.times for r in denied} == {1}


def test_the_audit_trail_shows_and_exports_the_count(app, client):
    app.config["PARENT_LINK_RATE_LIMIT"] = "10000 per minute"
    for n in range(7):
        client.get(f"/p/start/wrong-{n}")
    with app.app_context():
        admin = create_user(role="admin", team=None).get_id()
    admin_client = app.test_client()
    sign_in_as(admin_client, admin)
    assert "denied, 7 times in that minute" in get_page(admin_client, "/admin/audit").get_text()
    exported = csv.DictReader(io.StringIO(admin_client.get("/admin/audit.csv").text))
    assert [r["times"] for r in exported if r["action"] == "parent.bad_link"] == ["7"]
