"""The clinician's review: what it shows first, and a decision that refers several areas,
each to its own pathway, with its own status and outcome."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from questionnaires import builtin_library
from tests.factories import consent_to_refer, create_case, create_team, create_user, sign_in_as
from tests.pages import csrf_token, get_page, post_page
from webapp.extensions import db
from webapp.services.learning import training_data
from webapp.services.plans import agree_plan
from webapp.services.questions import save_answer, start_response
from webapp.services.scoring import submit_response
from webapp.storage.records import Case, Review, ReviewPathway


def screen(case, worker, questionnaire_id: str) -> None:
    """A worker's screening with the highest answer to every question: a likely flag."""
    questionnaire = builtin_library().get(questionnaire_id)
    response = start_response(case, questionnaire, "with-worker", worker)
    for item in questionnaire.items:
        save_answer(response, item.id, item.option_values[-1])
    submit_response(response, worker)


@pytest.fixture
def flagged(app):
    """A case flagged in reading and writing and in attention, with an agreed plan."""
    app.config["WTF_CSRF_ENABLED"] = True
    with app.app_context():
        team = create_team(name="North")
        worker = create_user(role="intake", team=team)
        clinician = create_user(role="clinician", team=team)
        case = create_case(team=team, language="Polish")
        case.previously_diagnosed = "yes"
        screen(case, worker, "reading-writing")
        screen(case, worker, "attention-organisation")
        agree_plan(case.draft_plan, worker)
        for pathway in ("dyslexia-assessment", "adult-adhd"):
            consent_to_refer(case=case, worker=worker, pathway=pathway)
        db.session.commit()
        return {"case": case.id, "clinician": clinician.get_id()}


def review_url(flagged) -> str:
    return f"/review/cases/{flagged['case']}"


def test_the_review_page_shows_alerts_diagnosis_language_and_plan_first(client, flagged):
    sign_in_as(client, flagged["clinician"])
    page = get_page(client, review_url(flagged))
    glance = page.select_one("[data-testid=at-a-glance]").get_text(" ", strip=True)
    assert "Safety alerts None open" in glance
    assert "Diagnosed with an additional need before Yes" in glance
    assert "Language Polish" in glance
    assert "Communication plan" in glance and "Version 1, agreed." in glance
    # It comes before the results, and the decision is one step away, not at the bottom.
    html = str(page)
    assert html.index("at-a-glance") < html.index("govuk-summary-card")
    assert page.find("form", action=review_url(flagged)) is None
    link = page.find("a", string=lambda s: s and "Record a decision" in s)
    assert link["href"] == review_url(flagged) + "/decision"


def test_one_decision_refers_each_flagged_area_to_its_own_pathway(app, client, flagged):
    sign_in_as(client, flagged["clinician"])
    url = review_url(flagged) + "/decision"
    page = get_page(client, url)
    offered = [s["name"] for s in page.select("select")]
    assert offered == ["pathway_literacy", "pathway_attention"]  # the flagged areas only
    assert "Suggested: Dyslexia assessment" in page.get_text()
    page = post_page(
        client,
        url,
        {
            "csrf_token": csrf_token(page),
            "decision": "refer",
            "pathway_literacy": "dyslexia-assessment",
            "pathway_attention": "adult-adhd",
            "note": "Both areas need assessing.",
        },
    )
    assert "Decision recorded" in page.get_text()
    with app.app_context():
        review = db.session.scalars(select(Review)).one()
        assert [(p.domain, p.pathway, p.status) for p in review.pathways] == [
            ("literacy", "dyslexia-assessment", "referred"),
            ("attention", "adult-adhd", "referred"),
        ]
    page = get_page(client, review_url(flagged))
    listed = [li.get_text(" ", strip=True) for li in page.select("[data-testid=pathways] li")]
    assert listed == [
        "Reading and writing: Dyslexia assessment. Waiting for the assessment.",
        "Attention and organisation: Adult ADHD service. Waiting for the assessment.",
    ]


def test_each_pathway_gets_its_own_outcome_and_learning_reads_it_per_area(app, client, flagged):
    sign_in_as(client, flagged["clinician"])
    url = review_url(flagged) + "/decision"
    page = get_page(client, url)
    post_page(
        client,
        url,
        {
            "csrf_token": csrf_token(page),
            "decision": "refer",
            "pathway_literacy": "dyslexia-assessment",
            "pathway_attention": "adult-adhd",
            "note": "Refer both.",
        },
    )
    outcome_url = review_url(flagged) + "/outcomes"
    page = get_page(client, outcome_url)
    post_page(
        client,
        outcome_url,
        {"csrf_token": csrf_token(page), "domain": "literacy", "finding": "confirmed"},
    )
    with app.app_context():
        pathways = {p.domain: p for p in db.session.scalars(select(ReviewPathway))}
        assert pathways["literacy"].status == "outcome_recorded"
        assert pathways["literacy"].outcome.finding == "confirmed"
        assert (pathways["attention"].status, pathways["attention"].outcome) == ("referred", None)
        assert training_data("literacy").labels == [1]
        assert training_data("attention").labels == []
    page = get_page(client, review_url(flagged))
    listed = [li.get_text(" ", strip=True) for li in page.select("[data-testid=pathways] li")]
    assert listed[0] == "Reading and writing: Dyslexia assessment. Outcome recorded (Confirmed)."
    assert listed[1].endswith("Waiting for the assessment.")


def test_still_waiting_links_the_outcome_but_keeps_the_pathway_open(app, client, flagged):
    sign_in_as(client, flagged["clinician"])
    url = review_url(flagged) + "/decision"
    page = get_page(client, url)
    data = {"decision": "refer", "pathway_literacy": "dyslexia-assessment", "note": "Refer."}
    post_page(client, url, {"csrf_token": csrf_token(page), **data})
    page = get_page(client, review_url(flagged) + "/outcomes")
    post_page(
        client,
        review_url(flagged) + "/outcomes",
        {"csrf_token": csrf_token(page), "domain": "literacy", "finding": "awaiting"},
    )
    with app.app_context():
        (pathway,) = db.session.scalars(select(ReviewPathway))
        assert (pathway.status, pathway.outcome.finding) == ("referred", "awaiting")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"note": "Refer."}, "Select a decision"),
        ({"decision": "refer", "note": "Refer."}, "Select an assessment pathway for at least"),
        (
            {"decision": "refer", "pathway_literacy": "made-up-service", "note": "Refer."},
            "Select an assessment pathway from the list",
        ),
        ({"decision": "refer", "pathway_literacy": "dyslexia-assessment"}, "Enter a note"),
        (
            {"decision": "refer", "pathway_literacy": "gp", "note": "x" * 4001},
            "Note must be 4000 characters or fewer",
        ),
        ({"decision": "maybe", "note": "Refer."}, "Not a valid choice"),
    ],
)
def test_a_wrong_decision_is_explained_and_records_nothing(app, client, flagged, data, message):
    sign_in_as(client, flagged["clinician"])
    url = review_url(flagged) + "/decision"
    page = get_page(client, url)
    page = post_page(client, url, {"csrf_token": csrf_token(page), **data})
    assert page.title.get_text().startswith("Error: ")
    assert message in page.select_one(".govuk-error-summary").get_text()
    if data.get("pathway_literacy") in ("dyslexia-assessment", "gp"):  # a real choice is kept
        kept = page.select_one("select[name=pathway_literacy] option[selected]")
        assert kept is not None and kept["value"] == data["pathway_literacy"]
    with app.app_context():
        assert db.session.scalars(select(Review)).all() == []
        assert db.session.get(Case, flagged["case"]).review_state == "awaiting"


def test_no_further_action_refers_nothing_and_an_unoffered_area_is_ignored(app, client, flagged):
    sign_in_as(client, flagged["clinician"])
    url = review_url(flagged) + "/decision"
    page = get_page(client, url)
    post_page(
        client,
        url,
        {
            "csrf_token": csrf_token(page),
            "decision": "no_further_action",
            "pathway_literacy": "dyslexia-assessment",
            "pathway_mood": "talking-therapies",
            "note": "Support in place.",
        },
    )
    with app.app_context():
        review = db.session.scalars(select(Review)).one()
        assert (review.decision, review.pathways) == ("no_further_action", [])
        assert db.session.get(Case, flagged["case"]).referred_at is None
