"""Printable documents: tagged PDFs with the plan for staff, for the parent, and a summary."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from questionnaires import builtin_library
from tests.factories import consent_to_refer, create_case, create_team, create_user, sign_in_as
from webapp.extensions import db
from webapp.services.plans import agree_plan
from webapp.services.questions import save_answer, start_response
from webapp.services.review import record_review
from webapp.services.scoring import submit_response
from webapp.storage.records import Case, User


@pytest.fixture
def screened(app):
    with app.app_context():
        team = create_team()
        intake = create_user(role="intake", team=team)
        clinician = create_user(role="clinician", team=team)
        case = create_case(team=team, parent_name="Robin Printed", language="Polish")
        questionnaire = builtin_library().get("reading-writing")
        response = start_response(case, questionnaire, "with-worker", intake)
        for item in questionnaire.items:
            save_answer(response, item.id, item.option_values[-1])
        submit_response(response, intake)
        agree_plan(case.draft_plan, intake)
        consent_to_refer(case=case, worker=intake)
        record_review(
            db.session.get(Case, case.id),
            db.session.get(User, clinician.id),
            "refer",
            {"literacy": "dyslexia-assessment"},
            "Clear signs; refer.",
        )
        return {"case": case.id, "intake": intake.get_id(), "clinician": clinician.get_id()}


def pdf_text(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(data))
    return reader, " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def assert_tagged(reader: PdfReader) -> None:
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root, "the PDF is not tagged"
    assert bool(root["/MarkInfo"]["/Marked"]) is True
    assert root["/Lang"] == "en"


def test_staff_plan_says_what_to_do_and_why(client, screened):
    sign_in_as(client, screened["intake"])
    response = client.get(f"/cases/{screened['case']}/plan/staff.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader, text = pdf_text(response.data)
    assert_tagged(reader)
    assert "Communication plan for Robin Printed" in text
    assert "Phone the parent before sending any letter" in text
    assert "SNOMED CT 795661000000104" in text
    assert "Book a professional interpreter" in text


def test_parent_copy_is_easy_read_in_large_text(client, screened):
    sign_in_as(client, screened["intake"])
    response = client.get(f"/cases/{screened['case']}/plan/easy-read.pdf")
    reader, text = pdf_text(response.data)
    assert_tagged(reader)
    assert "How we will work with you" in text
    assert "We can change this plan at any time." in text
    assert "SNOMED" not in text  # codes are for staff
    assert "We will phone you before we send you a letter." in text
    words = re.sub(r"•|Page \d+ of \d+", " ", text)
    for sentence in re.split(r"[.?:]", words):
        assert len(sentence.split()) <= 15, sentence


def test_clinician_prints_a_referral_summary(client, screened):
    sign_in_as(client, screened["clinician"])
    response = client.get(f"/review/cases/{screened['case']}/summary.pdf")
    reader, text = pdf_text(response.data)
    assert_tagged(reader)
    assert "Referral summary for Robin Printed" in text
    assert "Dyslexia assessment" in text
    assert "May need an assessment for reading difficulties" in text
    assert "not a diagnosis" in text


def test_documents_cannot_fetch_local_files_or_the_network(tmp_path):
    from webapp.services.pdf import document_fetcher

    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }")
    for url in (f"file://{secret}", "http://127.0.0.1:9/x.css"):
        with pytest.raises(ValueError, match="disallowed protocol"):
            document_fetcher().fetch(url)
    assert document_fetcher().fetch("data:text/css,p{}")


def test_an_unknown_plan_version_is_not_found(client, screened):
    sign_in_as(client, screened["intake"])
    assert client.get(f"/cases/{screened['case']}/plan/secret.pdf").status_code == 404
