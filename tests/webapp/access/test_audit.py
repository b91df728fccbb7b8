"""The audit trail answers "who saw case X between t1 and t2", on screen and as CSV."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from sqlalchemy import select

from tests.factories import create_case, create_team, create_user, sign_in_as
from tests.pages import get_page
from webapp.extensions import db
from webapp.storage.records import AuditEvent


def test_who_saw_a_case_between_two_dates(app, client):
    with app.app_context():
        team = create_team()
        worker = create_user(role="intake", team=team, email="worker@example.test")
        admin = create_user(role="admin", team=None).get_id()
        case, other = create_case(team=team), create_case(team=team)
        worker_session, case_id, other_id = worker.get_id(), case.id, other.id

    sign_in_as(client, worker_session)
    client.get(f"/cases/{case_id}")
    client.get(f"/cases/{other_id}")
    with app.app_context():  # an old view, outside the dates searched
        db.session.add(
            AuditEvent(at=datetime(2020, 1, 1), action="case.viewed", case_id=case_id, user_id=None)
        )
        db.session.commit()

    admin_client = app.test_client()
    sign_in_as(admin_client, admin)
    today = datetime.now().date().isoformat()
    query = f"case=C{case_id:06d}&date_from=2026-01-01&date_to={today}"
    page = get_page(admin_client, f"/admin/audit?{query}")
    rows = [
        [cell.get_text(strip=True) for cell in row.select("td")] for row in page.select("tbody tr")
    ]
    assert [(r[1], r[3], r[4]) for r in rows] == [
        ("worker@example.test", "case.viewed", f"C{case_id:06d}")
    ]

    response = admin_client.get(f"/admin/audit.csv?{query}")
    assert response.mimetype == "text/csv"
    exported = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(r["user"], r["action"]) for r in exported] == [("worker@example.test", "case.viewed")]
    with app.app_context():
        actions = [e.action for e in db.session.scalars(select(AuditEvent))]
        assert "audit.viewed" in actions and "audit.exported" in actions


def test_a_bad_case_reference_gets_a_clear_error(app, client):
    with app.app_context():
        admin = create_user(role="admin", team=None).get_id()
    sign_in_as(client, admin)
    page = get_page(client, "/admin/audit?case=banana")
    assert "Enter a case reference like C000123" in page.get_text()
    assert client.get("/admin/audit.csv?case=banana").status_code == 400


def test_a_crafted_query_string_cannot_plant_a_formula_in_audit_csv(app, client):
    with app.app_context():
        admin = create_user(role="admin", team=None).get_id()
    sign_in_as(client, admin)
    client.get('/admin/audit.csv?=HYPERLINK("http://evil.test","open")&case=')
    rows = list(csv.reader(io.StringIO(client.get("/admin/audit.csv").get_data(as_text=True))))
    planted = [row[6] for row in rows[1:] if row[3] == "audit.exported" and "HYPERLINK" in row[6]]
    assert planted and all(cell.startswith("'=") for cell in planted), planted
