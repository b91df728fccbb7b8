"""Contact details checked against the contact method, on opening a referral and on changing
its details later; a changed contact method proposes a new draft plan."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from questionnaires import builtin_library
from tests.factories import create_case, create_team, create_user, sign_in_as
from tests.pages import check_page, csrf_token, get_page, post_page
from webapp.extensions import db
from webapp.forms.contact import has_postcode, is_uk_mobile, parsed_phone
from webapp.services.questions import save_answer, start_response
from webapp.services.scoring import submit_response
from webapp.storage.records import AuditEvent, Case, User

MOBILE = "07400 123456"
LANDLINE = "020 7946 0000"


@pytest.fixture
def people(app):
    with app.app_context():
        team = create_team(name="North")
        intake = create_user(role="intake", team=team)
        case = create_case(team=team, contact_method="phone", phone=LANDLINE)
        return {"intake": intake.get_id(), "case": case.id, "worker": intake.id}


def new_case(client, **fields):
    page = get_page(client, "/cases/new")
    data = {
        "csrf_token": csrf_token(page),
        "parent_name": "Jo Example",
        "language": "English",
        **fields,
    }
    return client.post("/cases/new", data=data)


def errors(response) -> str:
    page = check_page(response.get_data(as_text=True))
    assert page.title.get_text().startswith("Error: ")
    return page.select_one(".govuk-error-summary").get_text(" ")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        # The case: text messages with no number, behind Optional().
        ({"contact_method": "text"}, "Enter a UK mobile number for text messages"),
        ({"contact_method": "text", "phone": "call me maybe"}, "Enter a UK mobile number"),
        ({"contact_method": "text", "phone": LANDLINE}, "Enter a UK mobile number"),
        ({"contact_method": "text", "phone": "+33 6 12 34 56 78"}, "Enter a UK mobile number"),
        ({"contact_method": "phone"}, "Enter a phone number, or choose another way"),
        ({"contact_method": "phone", "phone": "call me maybe"}, "Enter a phone number, like"),
        ({"contact_method": "phone", "phone": "12345"}, "Enter a phone number, like"),
        ({"contact_method": "phone", "phone": "0" * 41}, "40 characters or fewer"),
        ({"contact_method": "email"}, "Enter an email address, or choose another way"),
        ({"contact_method": "email", "email": "not-an-email"}, "like name@example.com"),
        ({"contact_method": "letter"}, "Enter an address, or choose another way"),
        ({"contact_method": "letter", "address": "1 High Street"}, "with its postcode"),
        ({"contact_method": "letter", "address": "x" * 501}, "500 characters or fewer"),
        # Optional details are checked too when they are given.
        ({"contact_method": "email", "email": "jo@example.com", "phone": "call me"}, "like 020"),
        ({"contact_method": "phone", "phone": LANDLINE, "email": "jo@"}, "name@example.com"),
        ({"contact_method": "phone", "phone": LANDLINE, "address": "Flat 2"}, "postcode"),
        ({"contact_method": "pigeon", "phone": LANDLINE}, "Not a valid choice"),
        ({"phone": LANDLINE}, "Select how the parent prefers to be contacted"),
        ({"contact_method": "phone", "phone": LANDLINE, "language": ""}, "first language"),
    ],
)
def test_bad_contact_details_are_refused_and_keep_what_was_typed(client, people, fields, message):
    sign_in_as(client, people["intake"])
    response = new_case(client, **fields)
    assert response.status_code == 200
    summary = errors(response)
    assert message in summary
    page = get_page(client, "/cases")  # nothing was opened
    assert "Jo Example" not in page.get_text()
    typed = check_page_value(response, "parent_name")
    assert typed == "Jo Example"


def check_page_value(response, name):
    page = check_page(response.get_data(as_text=True))
    return page.select_one(f"input[name={name}]")["value"]


@pytest.mark.parametrize(
    "fields",
    [
        {"contact_method": "text", "phone": MOBILE},
        {"contact_method": "text", "phone": "+44 7400 123456"},
        {"contact_method": "phone", "phone": LANDLINE},
        {"contact_method": "phone", "phone": "+33 1 23 45 67 89"},  # calls may go abroad
        {"contact_method": "email", "email": " jo@example.com "},
        {"contact_method": "letter", "address": "1 High Street\nLeeds\nls1 1aa"},
        {"contact_method": "letter", "address": "10 Downing Street, London SW1A2AA"},
    ],
)
def test_good_contact_details_open_the_referral(app, client, people, fields):
    sign_in_as(client, people["intake"])
    response = new_case(client, **fields)
    assert response.status_code == 302, errors(response)
    with app.app_context():
        case = db.session.scalars(select(Case).where(Case.parent_name == "Jo Example")).one()
        assert case.contact_method == fields["contact_method"]
        assert case.email in (None, "jo@example.com")


def test_the_checks_themselves():
    assert parsed_phone("call me maybe") is None
    assert parsed_phone("07700 900123") is None  # Ofcom's drama range: not a real number
    assert is_uk_mobile(parsed_phone(MOBILE))
    assert not is_uk_mobile(parsed_phone(LANDLINE))
    assert has_postcode("Flat 1, 2 Road, M1 1AE") and has_postcode("EC1A 1BB")
    assert not has_postcode("1 High Street, Leeds") and not has_postcode("LS1")


def test_the_team_corrects_contact_details_audited_without_the_details(app, client, people):
    sign_in_as(client, people["intake"])
    url = f"/cases/{people['case']}/contact"
    page = get_page(client, url)
    assert page.select_one("input[name=phone]")["value"] == LANDLINE  # filled from the case
    page = post_page(
        client,
        url,
        {
            "csrf_token": csrf_token(page),
            "contact_method": "email",
            "phone": LANDLINE,
            "email": "sam@example.com",
            "address": "",
            "language": "English",
        },
    )
    assert "Contact details saved." in page.select_one("[data-banner=success]").get_text()
    text = " ".join(page.get_text(" ").split())
    assert "Prefers contact by Email" in text and "sam@example.com" in text
    with app.app_context():
        case = db.session.get(Case, people["case"])
        assert (case.contact_method, case.email) == ("email", "sam@example.com")
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "case.contact_changed")
        ).one()
        assert event.detail == "contact method, email"
        assert event.user_id == people["worker"]
        assert "sam@example.com" not in (event.detail or "")
    # The case timeline shows the change: what changed and by whom, not the new details.
    timeline = [
        " ".join(li.get_text(" ").split())
        for li in get_page(client, f"/cases/{people['case']}").select(".app-timeline li")
    ]
    (changed,) = [entry for entry in timeline if "Contact details changed" in entry]
    assert changed.endswith("Contact details changed (contact method, email) by Test Intake")


def test_bad_changes_are_refused_and_nothing_is_saved(app, client, people):
    sign_in_as(client, people["intake"])
    url = f"/cases/{people['case']}/contact"
    page = get_page(client, url)
    response = client.post(
        url,
        data={
            "csrf_token": csrf_token(page),
            "contact_method": "text",
            "phone": "call me maybe",
            "language": "English",
        },
    )
    assert response.status_code == 200
    assert "Enter a UK mobile number for text messages" in errors(response)
    assert check_page_value(response, "phone") == "call me maybe"
    with app.app_context():
        case = db.session.get(Case, people["case"])
        assert (case.contact_method, case.phone) == ("phone", LANDLINE)
        assert not db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "case.contact_changed")
        ).all()


def test_a_changed_contact_method_proposes_a_plan_change(app, client, people):
    with app.app_context():
        case = db.session.get(Case, people["case"])
        worker = db.session.get(User, people["worker"])
        questionnaire = builtin_library().get("reading-writing")
        response = start_response(case, questionnaire, "with-worker", worker)
        for item in questionnaire.items:
            save_answer(response, item.id, item.option_values[0])
        submit_response(response, worker)
        plan = case.draft_plan
        plan.status = "agreed"
        db.session.commit()
    sign_in_as(client, people["intake"])
    url = f"/cases/{people['case']}/contact"
    base = {"phone": MOBILE, "email": "", "address": "", "language": "English"}
    page = post_page(
        client,
        url,
        {"csrf_token": csrf_token(get_page(client, url)), "contact_method": "text", **base},
    )
    assert "Check and agree the new draft plan" in page.get_text()
    with app.app_context():
        case = db.session.get(Case, people["case"])
        assert [p.version for p in case.plans] == [1, 2]
        proposed = {i.adjustment_id for i in case.draft_plan.active_items}
        assert "contact-by-text" in proposed and "contact-by-phone" not in proposed
    # Changing only the number asks nothing new of the plan.
    base["phone"] = "07400 123457"
    page = post_page(
        client,
        url,
        {"csrf_token": csrf_token(get_page(client, url)), "contact_method": "text", **base},
    )
    assert "Check and agree" not in page.get_text()
    with app.app_context():
        assert len(db.session.get(Case, people["case"]).plans) == 2
