"""The learning loop end to end on demo data: outcomes -> fit a new version -> compare ->
approve -> new results carry the new version; old results keep theirs."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from questionnaires import builtin_library
from tests.factories import create_case, create_team, create_user, sign_in_as
from tests.pages import csrf_token, get_page, post_page
from webapp.cli.demo import bulk_cases
from webapp.extensions import db
from webapp.services.errors import WorkflowError
from webapp.services.learning import fit_candidate
from webapp.services.questions import save_answer, start_response
from webapp.services.scoring import submit_response
from webapp.storage.records import Case, Outcome, Result, ScorecardVersion, Team, User


@pytest.fixture
def people(app):
    with app.app_context():
        team = create_team(name="North")
        intake = create_user(role="intake", team=team)
        clinician = create_user(role="clinician", team=team)
        return {
            "team": team.id,
            "intake": intake.id,
            "clinician": clinician.id,
            "clinician_session": clinician.get_id(),
        }


def demo(app, people, cases: int) -> None:
    with app.app_context():
        bulk_cases(
            db.session.get(Team, people["team"]),
            db.session.get(User, people["intake"]),
            db.session.get(User, people["clinician"]),
            cases,
            outcomes=True,
        )


def test_too_few_outcomes_are_refused_with_how_many_are_needed(app, client, people):
    demo(app, people, 20)
    sign_in_as(client, people["clinician_session"])
    page = get_page(client, "/scorecards/literacy")
    page = post_page(client, "/scorecards/literacy/fit", {"csrf_token": csrf_token(page)})
    assert "Not enough outcomes to fit a new version" in page.get_text()
    assert "At least 40 are needed" in page.get_text()
    # A refusal is a problem, never a green "Done".
    assert "Not enough outcomes" in page.select_one("[data-banner=error]").get_text()
    assert page.select_one(".govuk-notification-banner--success") is None


def test_outcomes_fit_approve_and_new_results_carry_the_new_version(app, client, people):
    demo(app, people, 400)
    with app.app_context():
        old_result = db.session.scalars(select(Result)).first().id
    sign_in_as(client, people["clinician_session"])
    page = get_page(client, "/scorecards/literacy")
    assert "In use: Expert scorecard for reading and writing, version 2" in page.get_text()
    page = post_page(client, "/scorecards/literacy/fit", {"csrf_token": csrf_token(page)})
    assert "Fitted version 1. Compare it" in page.get_text()
    card = page.select_one("[data-version='1']")
    cells = [[c.get_text(strip=True) for c in r.select("td")] for r in card.select("tbody tr")]
    rows = {row[0]: row[1:] for row in cells}
    candidate_auc, active_auc = (float(v.split()[0]) for v in rows["AUC (95% interval)"])
    assert candidate_auc > 0.7 and active_auc > 0.5
    approve = card.select_one("form[action$='/approve']")["action"]
    page = post_page(client, approve, {"csrf_token": csrf_token(page)})
    assert "Version 1 is now active" in page.get_text()
    assert "In use: Locally fitted scorecard for reading and writing, version 1" in page.get_text()

    with app.app_context():
        version = db.session.scalars(select(ScorecardVersion)).one()
        assert version.status == "active" and version.decided_by_id == people["clinician"]
        case = create_case(team=db.session.get(Team, people["team"]))
        worker = db.session.get(User, people["intake"])
        reading = builtin_library().get("reading-writing")
        response = start_response(case, reading, "with-worker", worker)
        for item in reading.items:
            save_answer(response, item.id, item.option_values[-1])
        submit_response(response, worker)
        new = db.session.scalars(select(Result).where(Result.response_id == response.id)).one()
        assert (new.scorecard_id, new.scorecard_version) == ("literacy-fitted", "1")
        assert new.flag_level == "likely"
        old = db.session.get(Result, old_result)
        assert (old.scorecard_id, old.scorecard_version) == ("literacy-expert", "2")


def test_a_fitted_mood_scorecard_keeps_the_safety_alert(app, people):
    with app.app_context():
        mood = builtin_library().get("mood-worry")
        team = db.session.get(Team, people["team"])
        worker = db.session.get(User, people["intake"])
        clinician = db.session.get(User, people["clinician"])
        for n in range(44):
            case = create_case(team=team, parent_name=f"Mood {n}")
            response = start_response(case, mood, "with-worker", worker)
            level = n % 4
            for item in mood.items:
                values = item.option_values
                save_answer(response, item.id, values[min(level, len(values) - 1)])
            submit_response(response, worker)
            db.session.add(
                Outcome(
                    case_id=case.id,
                    domain="mood",
                    recorded_by_id=clinician.id,
                    finding="confirmed" if level >= 2 else "not_confirmed",
                )
            )
        db.session.commit()
        version = fit_candidate("mood", clinician)
        critical = version.definition.get("critical")
        assert critical and critical[0]["item"] == "mo_hurt_self"
        with pytest.raises(WorkflowError):
            fit_candidate("literacy", clinician)  # no literacy outcomes yet
        assert db.session.scalar(select(Case.id)) is not None


def test_fitted_cut_offs_are_totals_the_scorecard_reaches(app, people):
    demo(app, people, 400)
    with app.app_context():
        version = fit_candidate("literacy", db.session.get(User, people["clinician"]))
        bands = version.definition["bands"]
        points = version.definition["items"]
        top = sum(max(rule["points"].values()) for rule in points.values())
        assert bands[0]["min"] <= 0 < bands[1]["min"] <= top
        # The chosen cut-off keeps sensitivity near the target on the data it was fitted to.
        assert version.evaluation["candidate"]["sensitivity"] >= 0.85


def test_model_cards_of_the_active_and_the_candidate(app, client, people):
    demo(app, people, 400)
    sign_in_as(client, people["clinician_session"])
    page = get_page(client, "/scorecards/literacy")
    post_page(client, "/scorecards/literacy/fit", {"csrf_token": csrf_token(page)})
    page = get_page(client, "/scorecards/literacy")
    links = [a["href"] for a in page.select("a[href$='-card.html'], a[href$='.html']")]
    assert any("literacy-expert/2.html" in link for link in links)
    assert any("literacy-fitted/1.html" in link for link in links)
    for link in links:
        response = client.get(link)
        assert (
            response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
        )
        html = response.get_data(as_text=True)
        assert "AUC" in html and 'alt="' in html
    assert client.get("/scorecards/literacy/card/nothing/9.html").status_code == 404


def test_older_results_are_re_scored_only_when_a_lead_asks(app, client, people):
    from screening import highest_level
    from webapp.services.learning import decide
    from webapp.services.results import FlagView, latest_results
    from webapp.storage.records import AuditEvent

    demo(app, people, 200)
    with app.app_context():
        clinician = db.session.get(User, people["clinician"])
        decide(fit_candidate("literacy", clinician), clinician, approve=True)
        before = {
            case.id: (case.flag_level, case.review_state)
            for case in db.session.scalars(select(Case))
        }
        older = db.session.scalars(select(Result).where(Result.domain == "literacy")).all()
        assert older and {(r.scorecard_id, r.scorecard_version) for r in older} == {
            ("literacy-expert", "2")
        }
    sign_in_as(client, people["clinician_session"])
    page = get_page(client, "/scorecards/literacy")
    count = page.select_one("[data-testid=outdated-count]").get_text(" ", strip=True)
    assert count.startswith(f"{len(older)} results in this domain were made by an earlier")
    page = post_page(client, "/scorecards/literacy/rescore", {"csrf_token": csrf_token(page)})
    assert f"Re-scored {len(older)} results with the scorecard in use." in page.get_text()
    assert "Every result in this domain was made by the scorecard in use." in page.get_text()

    with app.app_context():
        results = db.session.scalars(select(Result).where(Result.domain == "literacy")).all()
        kept = [r for r in results if r.superseded_at is not None]
        new = [r for r in results if r.superseded_at is None]
        assert len(kept) == len(new) == len(older)  # the old ones stay, on record
        assert {(r.scorecard_id, r.scorecard_version) for r in kept} == {("literacy-expert", "2")}
        assert {(r.scorecard_id, r.scorecard_version) for r in new} == {("literacy-fitted", "1")}
        changed = 0
        for case in db.session.scalars(select(Case)):
            level = highest_level([FlagView(r.domain, r.flag_level) for r in latest_results(case)])
            assert case.flag_level == level
            if level != before[case.id][0]:
                changed += 1
                if level == "likely" and before[case.id][1] != "awaiting":
                    assert case.review_state == "awaiting"
        assert changed > 0  # the fitted scorecard does flag differently
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "result.rescored")
        ).all()
        assert len(events) == len(older) and all(e.case_id for e in events)
    # Nothing left to re-score: a second request changes nothing.
    page = post_page(client, "/scorecards/literacy/rescore", {"csrf_token": csrf_token(page)})
    assert "Re-scored 0 results" in page.get_text()
