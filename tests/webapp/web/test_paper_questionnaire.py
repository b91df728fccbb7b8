"""A printable paper questionnaire for each built-in one: easy read, a large-print choice,
tagged PDF; its answers are then recorded with the paper mode."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from tests.factories import create_case, create_team, create_user, sign_in_as
from tests.pages import get_page
from tests.pdfs import structure_tags
from webapp.services.questions import screening_questionnaires


@pytest.fixture
def people(app):
    with app.app_context():
        team = create_team()
        intake = create_user(role="intake", team=team)
        case = create_case(team=team, parent_name="Robin Paper")
        keys = [q.id for q in screening_questionnaires()]
        return {"intake": intake.get_id(), "case": case.id, "questionnaires": keys}


def fetch(client, people, questionnaire_id: str, query: str = "") -> PdfReader:
    response = client.get(f"/cases/{people['case']}/screenings/paper/{questionnaire_id}.pdf{query}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return PdfReader(io.BytesIO(response.data))


def text_of(reader: PdfReader) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_every_built_in_questionnaire_prints_with_each_question_and_choice(app, client, people):
    sign_in_as(client, people["intake"])
    with app.app_context():
        questionnaires = screening_questionnaires()
    assert len(questionnaires) == 9
    for questionnaire in questionnaires:
        reader = fetch(client, people, questionnaire.id)
        text = text_of(reader)
        assert questionnaire.title in text and "Robin Paper" in text
        for number, item in enumerate(questionnaire.items, start=1):
            assert f"Question {number} {' '.join(item.prompt.split())}" in text, item.id
            for option in item.options or []:
                assert option.label in text, (item.id, option.value)
        root = reader.trailer["/Root"]
        assert bool(root["/MarkInfo"]["/Marked"]) and root["/Lang"] == "en"
        tags = structure_tags(reader)
        assert tags.count("H1") == 1
        assert tags.count("H3") == len(questionnaire.items), questionnaire.id
        assert "LI" in tags


def test_the_paper_copy_is_easy_read_and_says_when_a_question_applies(client, people):
    sign_in_as(client, people["intake"])
    text = text_of(fetch(client, people, "communication-preferences"))
    assert "Tick one box for each question." in text
    assert "Answer this only if you said “Yes, for a spoken language” to question 6." in text
    ours = text.split("Question 1")[0] + text.split("Thank you")[-1]
    for sentence in re.split(r"[.?:]", re.sub(r"Page \d+ of \d+", " ", ours)):
        assert len(sentence.split()) <= 15, sentence


def test_large_print_is_larger(client, people):
    sign_in_as(client, people["intake"])
    standard = fetch(client, people, "reading-writing")
    large = fetch(client, people, "reading-writing", "?print=large")
    assert len(large.pages) > len(standard.pages)
    assert text_of(large).count("Question") == text_of(standard).count("Question")


@pytest.mark.parametrize(
    "address",
    [
        "/screenings/paper/no-such-questionnaire.pdf",
        "/screenings/paper/reading-writing.pdf?print=huge",
        "/screenings/paper/reading-writing.pdf?print=",
    ],
)
def test_an_unknown_questionnaire_or_print_size_is_not_found(client, people, address):
    sign_in_as(client, people["intake"])
    assert client.get(f"/cases/{people['case']}{address}").status_code == 404


def test_the_start_page_offers_each_paper_copy_then_the_paper_mode(client, people):
    sign_in_as(client, people["intake"])
    page = get_page(client, f"/cases/{people['case']}/screenings/new")
    links = [a["href"] for a in page.select("[data-testid=paper-copies] a")]
    for key in people["questionnaires"]:
        assert f"/cases/{people['case']}/screenings/paper/{key}.pdf" in links
        assert f"/cases/{people['case']}/screenings/paper/{key}.pdf?print=large" in links
    assert page.find("input", {"name": "mode", "value": "paper"}) is not None
