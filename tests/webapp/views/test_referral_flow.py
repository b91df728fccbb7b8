"""One referral from case to agreed plan and clinician decision, through the real views."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from questionnaires import builtin_library
from tests.factories import create_team, create_user, sign_in_as
from tests.pages import csrf_token, get_page, post_page
from webapp.extensions import db
from webapp.storage.records import Case, Plan, Result, Review


@pytest.fixture
def people(app):
    with app.app_context():
        team = create_team(name="North")
        intake = create_user(role="intake", team=team)
        clinician = create_user(role="clinician", team=team)
        return {"team": team.id, "intake": intake.get_id(), "clinician": clinician.get_id()}


def open_case(client, **overrides) -> str:
    page = get_page(client, "/cases/new")
    data = {
        "csrf_token": csrf_token(page),
        "parent_name": "Jo Example",
        "phone": "07400 123456",
        "contact_method": "phone",
        "language": "Polish",
        **overrides,
    }
    response = client.post("/cases/new", data=data)
    assert response.status_code == 302
    return response.headers["Location"]


def answer_all(client, case_url: str, answer_for) -> str:
    """Start the reading-and-writing screening and answer every question page by page."""
    page = get_page(client, f"{case_url}/screenings/new")
    response = client.post(
        f"{case_url}/screenings/new",
        data={
            "csrf_token": csrf_token(page),
            "questionnaire": "reading-writing",
            "mode": "with-worker",
            "consent": "in_person",
        },
    )
    url = response.headers["Location"]
    questionnaire = builtin_library().get("reading-writing")
    for number, item in enumerate(questionnaire.items, start=1):
        page = get_page(client, url)
        assert f"question {number} of {len(questionnaire.items)}" in page.get_text()
        assert item.prompt in page.h1.get_text()
        assert page.find("input", {"value": "skip"}) is not None, "every item can be skipped"
        response = client.post(
            url, data={"csrf_token": csrf_token(page), "answer": answer_for(item)}
        )
        assert response.status_code == 302
        url = response.headers["Location"]
    assert url.endswith("/check")
    return url


def test_intake_worker_screens_a_parent_and_agrees_a_plan(app, client, people):
    sign_in_as(client, people["intake"])
    case_url = open_case(client)
    check_url = answer_all(client, case_url, lambda item: item.option_values[-1])

    page = get_page(client, check_url)
    assert "Check the answers" in page.h1.get_text()
    assert len(page.select(".govuk-summary-list__row")) == 10
    # The worker records the answers: the button says it scores them, not "Send answers".
    buttons = [b.get_text(strip=True) for b in page.select("main button")]
    assert buttons == ["Score these answers"]
    response = client.post(check_url, data={"csrf_token": csrf_token(page)})
    result_url = response.headers["Location"]
    timeline = get_page(client, case_url).select_one(".app-timeline").get_text(" ")
    assert "Reading and writing answers recorded and scored" in " ".join(timeline.split())
    page = get_page(client, result_url)
    text = page.get_text(" ")
    assert "May need an assessment for reading difficulties" in text
    assert "6 points from finding forms hard" in text
    assert "not diagnosis" in text
    # The models library's explanation: a points sentence and what would change the band.
    sentence = page.select_one("[data-testid=points-sentence]").get_text()
    assert sentence.startswith("40 points: 6 from finding letters hard to read")
    changes = page.select_one("[data-testid=band-changes]").get_text(" ")
    assert "fewer points would drop to" in changes

    with app.app_context():
        result = db.session.scalars(select(Result)).one()
        assert (result.questionnaire_id, result.questionnaire_version) == ("reading-writing", "1.1")
        assert (result.scorecard_id, result.scorecard_version) == ("literacy-expert", "2")
        assert result.points == 40 and result.flag_level == "likely"
        case = db.session.scalars(select(Case)).one()
        assert case.review_state == "awaiting"

    # The draft plan: reading adjustments, the phone preference and an interpreter for Polish.
    page = get_page(client, f"{case_url}/plan")
    proposed = {card["data-adjustment"] for card in page.select("[data-adjustment]")}
    assert {
        "phone-before-letters",
        "read-documents-aloud",
        "contact-by-phone",
        "language-interpreter",
        "explain-next-steps",
    } <= proposed
    assert "SNOMED CT 795661000000104" in page.get_text()

    # Remove one adjustment (a reason is required) and add another.
    remove_link = page.select_one("[data-adjustment=offer-advocate] a")["href"]
    page = get_page(client, remove_link)
    page = post_page(client, remove_link, {"csrf_token": csrf_token(page), "reason": ""})
    assert "Enter why you are removing this adjustment" in page.get_text()
    page = post_page(
        client, remove_link, {"csrf_token": csrf_token(page), "reason": "Already has an advocate"}
    )
    assert "offer-advocate" not in {c["data-adjustment"] for c in page.select("[data-adjustment]")}
    assert "Already has an advocate" in page.get_text()

    page = get_page(client, f"{case_url}/plan/add")
    page = post_page(
        client,
        f"{case_url}/plan/add",
        {
            "csrf_token": csrf_token(page),
            "adjustment": "large-print",
            "reason": "Asked for bigger text",
        },
    )
    assert "large-print" in {c["data-adjustment"] for c in page.select("[data-adjustment]")}

    # Agree: the plan shows as a banner on every page of the case.
    page = post_page(
        client,
        f"{case_url}/agree".replace("/agree", "/plan/agree"),
        {"csrf_token": csrf_token(page)},
    )
    assert "Plan version 1 agreed" in page.get_text()
    for url in (case_url, f"{case_url}/plan", result_url):
        banner = get_page(client, url).select_one("[data-testid=plan-banner]")
        assert banner is not None, url
        assert "Large print documents" in banner.get_text()
        assert "Offer an independent advocate" not in banner.get_text()
    with app.app_context():
        plan = db.session.scalars(select(Plan)).one()
        assert plan.status == "agreed" and plan.review_date is not None


def consent_to_dyslexia_referral(client, case_url: str) -> None:
    """The worker records the parent's consent to a referral to the dyslexia service."""
    page = get_page(client, f"{case_url}/consent")
    client.post(
        f"{case_url}/consent",
        data={
            "csrf_token": csrf_token(page),
            "what": "referral-dyslexia-assessment",
            "method": "in_person",
        },
    )


def test_clinician_reviews_a_likely_flag(app, client, people):
    sign_in_as(client, people["intake"])
    case_url = open_case(client)
    check_url = answer_all(client, case_url, lambda item: item.option_values[-1])
    page = get_page(client, check_url)
    client.post(check_url, data={"csrf_token": csrf_token(page)})
    consent_to_dyslexia_referral(client, case_url)

    sign_in_as(client, people["clinician"])
    page = get_page(client, "/review")
    assert "1 referral waiting" in page.get_text()
    review_url = page.select_one("table a")["href"]
    page = get_page(client, review_url)
    text = page.get_text(" ")
    assert "Very often" in text  # the parent's answers
    assert "May need an assessment for reading difficulties" in text

    # Refer without a pathway: a clear error, nothing recorded.
    review_url += "/decision"
    page = get_page(client, review_url)
    page = post_page(
        client,
        review_url,
        {"csrf_token": csrf_token(page), "decision": "refer", "note": "Strong signs."},
    )
    assert page.title.get_text().startswith("Error: ")
    assert "Select an assessment pathway for at least one area" in page.get_text()
    page = post_page(
        client,
        review_url,
        {
            "csrf_token": csrf_token(page),
            "decision": "refer",
            "pathway_literacy": "dyslexia-assessment",
            "note": "Strong signs.",
        },
    )
    assert "Decision recorded" in page.get_text()
    assert "0 referrals waiting" in page.get_text()
    with app.app_context():
        review = db.session.scalars(select(Review)).one()
        assert review.decision == "refer"
        assert [(p.domain, p.pathway) for p in review.pathways] == [
            ("literacy", "dyslexia-assessment")
        ]
        assert db.session.scalars(select(Case)).one().review_state == "reviewed"


def test_a_low_score_does_not_join_the_queue(app, client, people):
    sign_in_as(client, people["intake"])
    case_url = open_case(client)
    check_url = answer_all(client, case_url, lambda item: item.option_values[0])
    page = get_page(client, check_url)
    page = post_page(client, check_url, {"csrf_token": csrf_token(page)})
    assert "Few signs of reading difficulties" in page.get_text()
    assert page.select_one("[data-flag=none]").get_text(strip=True) == "Few signs"
    with app.app_context():
        assert db.session.scalars(select(Case)).one().review_state == "not_needed"


def test_new_case_form_errors_keep_what_was_typed(client, app, people):
    sign_in_as(client, people["intake"])
    page = get_page(client, "/cases/new")
    page = post_page(
        client,
        "/cases/new",
        {
            "csrf_token": csrf_token(page),
            "parent_name": "Jo Example",
            "contact_method": "email",
            "language": "English",
            "email": "not-an-email",
        },
    )
    assert page.title.get_text().startswith("Error: ")
    summary = page.select_one(".govuk-error-summary").get_text()
    assert "Enter an email address like name@example.com" in summary
    assert page.select_one("input[name=parent_name]")["value"] == "Jo Example"


def test_submitting_twice_makes_one_submission(app, client, people):
    sign_in_as(client, people["intake"])
    case_url = open_case(client)
    check_url = answer_all(client, case_url, lambda item: item.option_values[1])
    page = get_page(client, check_url)
    token = csrf_token(page)
    first = client.post(check_url, data={"csrf_token": token})
    second = client.post(check_url, data={"csrf_token": token})
    assert first.status_code == second.status_code == 302
    with app.app_context():
        assert len(db.session.scalars(select(Result)).all()) == 1


def test_clinician_records_outcomes_which_show_on_the_timeline(app, client, people):
    sign_in_as(client, people["intake"])
    case_url = open_case(client)
    check_url = answer_all(client, case_url, lambda item: item.option_values[-1])
    page = get_page(client, check_url)
    client.post(check_url, data={"csrf_token": csrf_token(page)})
    consent_to_dyslexia_referral(client, case_url)
    sign_in_as(client, people["clinician"])
    review_url = get_page(client, "/review").select_one("table a")["href"] + "/decision"
    page = get_page(client, review_url)
    post_page(
        client,
        review_url,
        {
            "csrf_token": csrf_token(page),
            "decision": "refer",
            "pathway_literacy": "dyslexia-assessment",
            "note": "Refer.",
        },
    )
    page = get_page(client, "/review")
    outcome_url = page.select_one("a[href$='/outcomes']")["href"]
    page = get_page(client, outcome_url)
    page = post_page(client, outcome_url, {"csrf_token": csrf_token(page), "domain": "literacy"})
    assert "Select what the assessment found" in page.get_text()
    page = post_page(
        client,
        outcome_url,
        {
            "csrf_token": csrf_token(page),
            "domain": "literacy",
            "finding": "confirmed",
            "note": "Dyslexia confirmed",
        },
    )
    assert "Reading and writing: Confirmed" in page.get_text()

    sign_in_as(client, people["intake"])
    timeline = [
        li.get_text(" ", strip=True) for li in get_page(client, case_url).select(".app-timeline li")
    ]
    assert "Assessment outcome, Reading and writing: confirmed" in timeline[0]
    assert "Referred for a formal assessment (Dyslexia assessment)" in timeline[1]
    assert timeline[-1].endswith("Referral opened")


def test_paper_copies_are_recorded_as_paper(app, client, people):
    sign_in_as(client, people["intake"])
    case_url = open_case(client)
    page = get_page(client, f"{case_url}/screenings/new")
    client.post(
        f"{case_url}/screenings/new",
        data={
            "csrf_token": csrf_token(page),
            "questionnaire": "reading-writing",
            "mode": "paper",
            "consent": "in_writing",
        },
    )
    with app.app_context():
        from webapp.storage.records import Response

        assert db.session.scalars(select(Response)).one().mode == "paper"
    assert "Reading and writing started from a paper copy" in get_page(client, case_url).get_text()


def test_case_list_filters_by_flag_and_searches_by_name_without_putting_it_in_the_url(
    app, client, people
):
    sign_in_as(client, people["intake"])
    first = open_case(client, parent_name="Alex Likely")
    check_url = answer_all(client, first, lambda item: item.option_values[-1])
    client.post(check_url, data={"csrf_token": csrf_token(get_page(client, check_url))})
    open_case(client, parent_name="Bo Unscreened")

    names = lambda page: [a.get_text() for a in page.select("tbody a")]  # noqa: E731
    assert names(get_page(client, "/cases")) == ["Alex Likely", "Bo Unscreened"]
    assert names(get_page(client, "/cases?flag=likely")) == ["Alex Likely"]
    assert names(get_page(client, "/cases?status=not-screened")) == ["Bo Unscreened"]

    page = get_page(client, "/cases")
    response = client.post("/cases", data={"csrf_token": csrf_token(page), "search": "bo un"})
    assert "bo" not in response.headers["Location"].lower()
    assert names(get_page(client, response.headers["Location"])) == ["Bo Unscreened"]


def test_changing_an_agreed_plan_makes_a_new_version(app, client, people):
    sign_in_as(client, people["intake"])
    case_url = open_case(client)
    check_url = answer_all(client, case_url, lambda item: item.option_values[-1])
    client.post(check_url, data={"csrf_token": csrf_token(get_page(client, check_url))})
    page = get_page(client, f"{case_url}/plan")
    post_page(client, f"{case_url}/plan/agree", {"csrf_token": csrf_token(page)})

    page = get_page(client, f"{case_url}/plan/add")
    page = post_page(
        client,
        f"{case_url}/plan/add",
        {"csrf_token": csrf_token(page), "adjustment": "large-print", "reason": "Asked for it"},
    )
    assert "Version 2: a draft" in " ".join(page.get_text(" ").split())
    banner = page.select_one("[data-testid=plan-banner]").get_text()
    assert "version 1" in banner and "Large print" not in banner  # v1 stays in force
    page = post_page(client, f"{case_url}/plan/agree", {"csrf_token": csrf_token(page)})
    assert "Plan version 2 agreed" in page.get_text()
    assert "Large print documents" in page.select_one("[data-testid=plan-banner]").get_text()
