"""The details a receiving service asks for: date of birth, GP practice and NHS number, on
opening a referral and on changing its details, each optional and each checked when given;
and the referral summary PDF that carries them."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from questionnaires import builtin_library
from tests.factories import consent_to_refer, create_case, create_team, create_user, sign_in_as
from tests.pages import check_page, csrf_token, get_page, post_page
from tests.pdfs import structure_tags
from webapp.extensions import db
from webapp.forms.personal_details import nhs_number_digits
from webapp.services.plans import agree_plan
from webapp.services.questions import save_answer, start_response
from webapp.services.review import record_review
from webapp.services.scoring import submit_response
from webapp.storage.clock import utcnow
from webapp.storage.records import AuditEvent, Case, User

GOOD_NHS = "943 476 5919"  # NHS England's example number: its check digit is right


@pytest.fixture
def people(app):
    with app.app_context():
        team = create_team(name="North")
        intake = create_user(role="intake", team=team)
        clinician = create_user(role="clinician", team=team)
        case = create_case(team=team)
        return {
            "intake": intake.get_id(),
            "clinician": clinician.get_id(),
            "case": case.id,
            "ids": (intake.id, clinician.id),
        }


def open_referral(client, **fields):
    page = get_page(client, "/cases/new")
    data = {
        "csrf_token": csrf_token(page),
        "parent_name": "Jo Example",
        "language": "English",
        "contact_method": "phone",
        "phone": "020 7946 0000",
        **fields,
    }
    return client.post("/cases/new", data=data)


def born(day: str, month: str, year: str) -> dict:
    return {"date_of_birth": [day, month, year]}


def test_the_nhs_number_check_digit():
    assert nhs_number_digits(GOOD_NHS) == "9434765919"
    assert nhs_number_digits("943-476-5919") == "9434765919"
    assert nhs_number_digits("943 476 5918") is None  # one digit off
    assert nhs_number_digits("123 456 7890") is None  # its check digit would be 10: never valid
    assert nhs_number_digits("401 023 2137") == "4010232137"
    assert nhs_number_digits("94347659") is None and nhs_number_digits("") is None


def test_the_details_are_stored_when_given(app, client, people):
    sign_in_as(client, people["intake"])
    response = open_referral(
        client, gp_practice=" Park Surgery, Leeds ", nhs_number=GOOD_NHS, **born("7", "3", "1990")
    )
    assert response.status_code == 302
    with app.app_context():
        case = db.session.scalars(select(Case).where(Case.parent_name == "Jo Example")).one()
        assert case.date_of_birth == date(1990, 3, 7)
        assert (case.gp_practice, case.nhs_number) == ("Park Surgery, Leeds", "9434765919")
    text = " ".join(get_page(client, response.headers["Location"]).get_text(" ").split())
    assert "Date of birth 7 March 1990" in text
    assert "GP practice Park Surgery, Leeds" in text and "NHS number 943 476 5919" in text


def test_the_details_are_optional(app, client, people):
    sign_in_as(client, people["intake"])
    response = open_referral(client, **born("", "", ""))
    assert response.status_code == 302
    with app.app_context():
        case = db.session.scalars(select(Case).where(Case.parent_name == "Jo Example")).one()
        assert (case.date_of_birth, case.gp_practice, case.nhs_number) == (None, None, None)
    text = " ".join(get_page(client, response.headers["Location"]).get_text(" ").split())
    assert "NHS number Not known" in text


BAD_DETAILS = [
    (born("31", "2", "1990"), "Date of birth must be a real date"),
    (born("x", "2", "1990"), "Date of birth must be a real date"),
    (born("", "2", "1990"), "Date of birth must include a day"),
    (born("1", "", ""), "Date of birth must include a month and a year"),
    (born("1", "2", "90"), "Year must include 4 numbers"),
    (born("1", "2", "2999"), "Date of birth must be in the past"),
    (born("1", "2", "1850"), "Date of birth must be after 1900"),
    ({"gp_practice": "x" * 201}, "GP practice must be 200 characters or fewer"),
    ({"nhs_number": "943 476 5918"}, "Enter a valid NHS number"),
    ({"nhs_number": "123 456 7890"}, "Enter a valid NHS number"),
    ({"nhs_number": "94347659"}, "NHS number must be 10 numbers"),
    ({"nhs_number": "nine four three"}, "NHS number must be 10 numbers"),
    ({"nhs_number": "９４３４７６５９１９"}, "NHS number must be 10 numbers"),  # full-width digits
]


@pytest.mark.parametrize(("fields", "message"), BAD_DETAILS)
def test_bad_details_are_refused_on_opening_and_keep_what_was_typed(
    app, client, people, fields, message
):
    sign_in_as(client, people["intake"])
    response = open_referral(client, **fields)
    assert response.status_code == 200
    page = check_page(response.get_data(as_text=True))
    assert page.title.get_text().startswith("Error: ")
    assert message in page.select_one(".govuk-error-summary").get_text()
    assert page.select_one("input[name=parent_name]")["value"] == "Jo Example"
    if "date_of_birth" in fields:
        typed = [i.get("value", "") for i in page.select("input[name=date_of_birth]")]
        assert typed == fields["date_of_birth"]
    else:
        (name,) = fields
        assert page.select_one(f"input[name={name}]")["value"] == fields[name]
    with app.app_context():
        assert not db.session.scalars(select(Case).where(Case.parent_name == "Jo Example")).all()


@pytest.mark.parametrize(("fields", "message"), BAD_DETAILS)
def test_bad_details_are_refused_on_change_and_nothing_is_saved(
    app, client, people, fields, message
):
    sign_in_as(client, people["intake"])
    url = f"/cases/{people['case']}/contact"
    page = get_page(client, url)
    base = {"contact_method": "phone", "phone": "07400 123456", "language": "English"}
    response = client.post(url, data={"csrf_token": csrf_token(page), **base, **fields})
    assert response.status_code == 200
    page = check_page(response.get_data(as_text=True))
    assert message in page.select_one(".govuk-error-summary").get_text()
    with app.app_context():
        case = db.session.get(Case, people["case"])
        assert (case.date_of_birth, case.gp_practice, case.nhs_number) == (None, None, None)


def test_the_team_changes_the_details_audited_by_name_only(app, client, people):
    sign_in_as(client, people["intake"])
    url = f"/cases/{people['case']}/contact"
    page = get_page(client, url)
    data = {
        "csrf_token": csrf_token(page),
        "contact_method": "phone",
        "phone": "07400 123456",
        "language": "English",
        "gp_practice": "Park Surgery",
        "nhs_number": "9434765919",
        **born("07", "03", "1990"),
    }
    post_page(client, url, data)
    page = get_page(client, url)  # the form shows what is stored
    assert [i["value"] for i in page.select("input[name=date_of_birth]")] == ["07", "03", "1990"]
    assert page.select_one("input[name=nhs_number]")["value"] == "9434765919"
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "case.contact_changed")
        ).one()
        assert event.detail == "date of birth, GP practice, NHS number"
        assert "9434765919" not in event.detail


def summary_pdf(app, client, people) -> tuple[PdfReader, str]:
    sign_in_as(client, people["clinician"])
    response = client.get(f"/review/cases/{people['case']}/summary.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    return reader, text


def test_the_referral_summary_has_what_a_receiving_service_asks_for(app, client, people):
    with app.app_context():
        case = db.session.get(Case, people["case"])
        case.date_of_birth = date(1990, 3, 7)
        case.address = "1 High Street, Leeds LS1 1AA"
        case.gp_practice = "Park Surgery, Leeds"
        case.nhs_number = "9434765919"
        case.language = "Polish"
        worker, clinician = (db.session.get(User, i) for i in people["ids"])
        for questionnaire_id in ("reading-writing", "attention-organisation"):
            questionnaire = builtin_library().get(questionnaire_id)
            response = start_response(case, questionnaire, "with-worker", worker)
            for item in questionnaire.items:
                save_answer(response, item.id, item.option_values[-1])
            submit_response(response, worker)
        agree_plan(case.draft_plan, worker)
        pathways = {"literacy": "dyslexia-assessment", "attention": "adult-adhd"}
        for pathway in pathways.values():
            consent_to_refer(case=case, worker=worker, pathway=pathway)
        record_review(case, clinician, "refer", pathways, "Refer both.")
        today = f"{utcnow():%-d %B %Y}"
    reader, text = summary_pdf(app, client, people)
    for field in (
        "Date of birth 7 March 1990",
        "Address 1 High Street, Leeds LS1 1AA",
        "GP practice Park Surgery, Leeds",
        "NHS number 943 476 5919",
        f"Consent to refer Dyslexia assessment: given in person on {today}, recorded by",
        f"Adult ADHD service: given in person on {today}",
        "First language Polish",
        "Prefers contact by Phone call",
    ):
        assert field in text, field
    assert "Reading and writing: Dyslexia assessment" in text
    assert "Attention and organisation: Adult ADHD service" in text
    assert "Communication needs" in text and "Book a professional interpreter" in text
    assert "Communication plan Plan version 1, agreed" in text
    assert "What to do:" in text
    tags = structure_tags(reader)
    assert tags.count("H1") == 1 and tags.count("H2") >= 5
    assert "Table" in tags and tags.count("TH") == 10 and tags.count("TD") == 10
    assert "L" in tags and "LI" in tags
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) and root["/Lang"] == "en"


def test_a_summary_without_the_details_says_so(app, client, people):
    reader, text = summary_pdf(app, client, people)
    assert "Date of birth Not given" in text and "NHS number Not known" in text
    assert "GP practice Not given" in text and "Consent to refer Not recorded" in text
    assert "No plan yet." in text and "No screening results." in text


def test_the_details_are_in_the_subject_access_record(app, people):
    from webapp.services.data_protection import subject_record

    with app.app_context():
        case = db.session.get(Case, people["case"])
        case.date_of_birth, case.gp_practice = date(1990, 3, 7), "Park Surgery"
        case.nhs_number = "9434765919"
        record = subject_record(case)["case"]
        assert (record["date_of_birth"], record["gp_practice"], record["nhs_number"]) == (
            "1990-03-07",
            "Park Surgery",
            "9434765919",
        )
