"""Subject access, erasure of a mistaken record, and retention with legal hold."""

from __future__ import annotations

import io
import json
from datetime import time, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from questionnaires import builtin_library
from tests.factories import create_case, create_team, create_user, sign_in_as
from tests.pages import csrf_token, get_page, post_page
from webapp.extensions import db
from webapp.services.contacts import record_outside_contact
from webapp.services.data_protection import erase_case, purge_expired, subject_record
from webapp.services.invitations import create_invitation
from webapp.services.meetings import MeetingDetails, book_meeting
from webapp.services.questions import save_answer, start_response
from webapp.services.scoring import submit_response
from webapp.storage.records import (
    Answer,
    AuditEvent,
    Case,
    ContactLog,
    Invitation,
    Meeting,
    Plan,
    Response,
    Result,
    utcnow,
)


def screened_case(app, name="Morgan Subject") -> dict:
    with app.app_context():
        team = create_team()
        intake = create_user(role="intake", team=team)
        case = create_case(team=team, parent_name=name)
        questionnaire = builtin_library().get("reading-writing")
        response = start_response(case, questionnaire, "with-worker", intake)
        for item in questionnaire.items:
            save_answer(response, item.id, item.option_values[-1])
        submit_response(response, intake)
        create_invitation(case, [questionnaire], intake)
        return {"case": case.id, "reference": case.reference}


@pytest.fixture
def admin_client(app, client):
    with app.app_context():
        sign_in_as(client, create_user(role="admin", team=None).get_id())
    return client


def submit(client, data):
    page = get_page(client, "/admin/subject-access")
    return client.post("/admin/subject-access", data={"csrf_token": csrf_token(page), **data})


def test_subject_access_exports_everything_as_json_and_pdf(app, admin_client):
    held = screened_case(app)
    response = submit(
        admin_client, {"case": held["reference"], "reason": "SAR-42", "action": "json"}
    )
    record = json.loads(response.data)
    assert record["case"]["parent_name"] == "Morgan Subject"
    (questionnaire,) = record["questionnaires"]
    assert len(questionnaire["answers"]) == 10
    assert questionnaire["answers"][0] == {
        "question": "Do you find letters hard to read?",
        "answer": "Very often",
    }
    assert questionnaire["results"][0]["band"] == "Many signs"
    assert record["communication_plans"] and record["private_links"]
    assert any(e["action"] == "screening.submitted" for e in record["access_log"])

    response = submit(
        admin_client, {"case": held["reference"], "reason": "SAR-42", "action": "pdf"}
    )
    reader = PdfReader(io.BytesIO(response.data))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Information we hold about Morgan Subject" in text
    assert "Do you find letters hard to read?" in text
    with app.app_context():
        exports = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "subject_access.exported")
        ).all()
        assert [e.detail for e in exports] == ["json: SAR-42", "pdf: SAR-42"]


def test_erasing_a_mistaken_record_removes_everything_under_it(app, admin_client):
    held = screened_case(app)
    keep = screened_case(app, name="Other Parent")
    page = post_page(
        admin_client,
        "/admin/subject-access",
        {
            "csrf_token": csrf_token(get_page(admin_client, "/admin/subject-access")),
            "case": held["reference"],
            "reason": "Wrong parent",
            "action": "erase",
        },
    )
    assert "has been erased" in page.get_text()
    with app.app_context():
        assert db.session.get(Case, held["case"]) is None
        counts = {
            model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Response, Answer, Result, Plan, Invitation)
        }
        assert counts == {"Response": 1, "Answer": 10, "Result": 1, "Plan": 1, "Invitation": 1}
        assert db.session.get(Case, keep["case"]) is not None
        erased = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "case.erased")
        ).one()
        assert (erased.case_id, erased.detail) == (held["case"], "Wrong parent")
    # After erasure, the export finds nothing.
    response = submit(
        admin_client, {"case": held["reference"], "reason": "check", "action": "json"}
    )
    assert "There is no case with that reference" in response.get_data(as_text=True)


def test_the_form_says_what_is_missing(admin_client):
    page = post_page(
        admin_client,
        "/admin/subject-access",
        {"csrf_token": csrf_token(get_page(admin_client, "/admin/subject-access"))},
    )
    text = page.select_one(".govuk-error-summary").get_text()
    for message in ("Enter a case reference", "Enter the reason", "Select what you want to do"):
        assert message in text


def test_retention_purge_respects_legal_hold_with_a_frozen_clock(app):
    old = screened_case(app, "Old Parent")
    held = screened_case(app, "Held Parent")
    recent = screened_case(app, "Recent Parent")
    with app.app_context():
        seven_years_ago = utcnow() - timedelta(days=7 * 365)
        for case_id in (old["case"], held["case"]):
            case = db.session.get(Case, case_id)
            case.created_at = seven_years_ago
            for invitation in case.invitations:
                invitation.created_at = invitation.expires_at = seven_years_ago
        db.session.get(Case, held["case"]).legal_hold = True
        db.session.add(AuditEvent(at=utcnow() - timedelta(days=8 * 365), action="case.viewed"))
        db.session.commit()

        frozen_now = utcnow()
        assert purge_expired(frozen_now, dry_run=True) == [
            f"case {old['reference']}",
            "1 audit events",
        ]
        assert db.session.get(Case, old["case"]) is not None  # a dry run deletes nothing
        purge_expired(frozen_now)
        db.session.expire_all()
        assert db.session.get(Case, old["case"]) is None
        assert db.session.get(Case, held["case"]) is not None  # on legal hold
        assert db.session.get(Case, recent["case"]) is not None
        actions = [e.action for e in db.session.scalars(select(AuditEvent))]
        assert actions.count("retention.case_deleted") == 1
        assert actions.count("retention.audit_deleted") == 1


def test_purge_and_legal_hold_commands(app):
    held = screened_case(app)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["legal-hold", str(held["case"])])
    assert result.exit_code == 0 and "legal hold set" in result.output
    result = runner.invoke(args=["purge", "--dry-run"])
    assert result.exit_code == 0 and "Would delete 0 record group(s)." in result.output


def test_subject_access_command_writes_json(app, tmp_path):
    held = screened_case(app)
    out = tmp_path / "export.json"
    result = app.test_cli_runner().invoke(
        args=["subject-access", str(held["case"]), "--out", str(out), "--reason", "SAR-7"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["case"]["reference"] == held["reference"]


def test_subject_access_has_the_meetings_and_contact_log_and_erasure_removes_them(app):
    held = screened_case(app)
    with app.test_request_context():
        case = db.session.get_one(Case, held["case"])
        worker = create_user(role="intake", team=case.team)
        record_outside_contact(case, worker, "call", "standard", "Talked about the plan", None)
        day = (utcnow() + timedelta(days=5)).date()
        details = MeetingDetails(day, time(10), "phone", "", "The parent", "Agree the plan")
        book_meeting(case, worker, details, reason="The parent asked for a text")
        record = subject_record(case)
        assert [m["purpose"] for m in record["meetings"]] == ["Agree the plan"]
        assert record["contact_log"][0]["note"] == "Talked about the plan"
        erase_case(case, "Wrong parent")
        assert db.session.scalar(select(func.count()).select_from(Meeting)) == 0
        assert db.session.scalar(select(func.count()).select_from(ContactLog)) == 0
