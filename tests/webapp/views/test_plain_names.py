"""Staff pages name scorecards, questionnaires and answers in plain words, never by the ids
the content files use ("literacy-expert version 1", "very_often: 1.0")."""

from __future__ import annotations

import re

import pytest

from questionnaires import builtin_library
from tests.factories import create_case, create_team, create_user, sign_in_as
from tests.pages import csrf_token, get_page
from tests.webapp.views.test_referral_flow import answer_all, open_case
from webapp.services.questions import save_answer, start_response
from webapp.services.scoring import submit_response

# An id as the content files write it: a word-dash-word name, or a snake_case answer value.
INTERNAL_ID = re.compile(r"\b[a-z]+(?:-[a-z]+)*-expert\b|\b[a-z]+_[a-z_]+\b|\d\.0\b(?!\.)")


@pytest.fixture
def people(app):
    with app.app_context():
        team = create_team(name="North")
        return {
            "intake": create_user(role="intake", team=team).get_id(),
            "clinician": create_user(role="clinician", team=team).get_id(),
        }


def visible_text(page) -> str:
    main = page.select_one("main")
    return " ".join(main.get_text(" ").split())


def test_the_result_page_names_the_scorecard_and_questionnaire_plainly(client, people):
    sign_in_as(client, people["intake"])
    case_url = open_case(client)
    check_url = answer_all(client, case_url, lambda item: item.option_values[-1])
    page = get_page(client, check_url)
    response = client.post(check_url, data={"csrf_token": csrf_token(page)})
    text = visible_text(get_page(client, response.headers["Location"]))
    assert "Expert scorecard for reading and writing, version 2" in text
    assert "Reading and writing questionnaire, version 1.1" in text
    assert "literacy-expert" not in text and "reading-writing" not in text


def test_the_scorecard_page_shows_points_by_the_answers_words(client, people):
    sign_in_as(client, people["clinician"])
    text = visible_text(get_page(client, "/scorecards/literacy"))
    assert "In use: Expert scorecard for reading and writing, version 2" in text
    assert "Do you find letters hard to read?" in text
    assert re.search(r"Never: 0 points, Sometimes: \d points", text), text
    assert not INTERNAL_ID.findall(text), INTERNAL_ID.findall(text)


def test_the_internal_id_check_catches_ids():
    assert INTERNAL_ID.findall("literacy-expert version 1, very_often: 1.0") == [
        "literacy-expert",
        "very_often",
        "1.0",
    ]


def test_the_referral_summary_pdf_names_scorecards_and_questionnaires_plainly(app, client):
    """The PDF a receiving service reads: plain names, and no id in its text (pypdf)."""
    from tests.webapp.views.test_referral_details import summary_pdf

    with app.app_context():
        team = create_team(name="North")
        worker = create_user(role="intake", team=team)
        people = {"clinician": create_user(role="clinician", team=team).get_id()}
        case = create_case(team=team)
        people["case"] = case.id
        questionnaire = builtin_library().get("reading-writing")
        response = start_response(case, questionnaire, "with-worker", worker)
        for item in questionnaire.items:
            save_answer(response, item.id, item.option_values[-1])
        submit_response(response, worker)
    _reader, text = summary_pdf(app, client, people)
    assert "Expert scorecard for reading and writing, version 2" in text
    assert "Reading and writing questionnaire, version 1.1" in text
    assert "reading-writing" not in text
    assert not INTERNAL_ID.findall(text), INTERNAL_ID.findall(text)
