"""Two published versions of a questionnaire in the service: new screenings start on the newest
and are scored by its scorecard; a draft started on the old version keeps it, on its pages and
in its score; "the" scorecard of a domain is the one for the newest version."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from questionnaires import builtin_library
from tests.factories import create_case, create_team, create_user, sign_in_as
from tests.pages import csrf_token, get_page
from webapp.extensions import db
from webapp.services.content_library import service_scorecards
from webapp.services.invitations import create_invitation, questionnaires_of
from webapp.services.learning import active_scorecard, outdated_results
from webapp.services.questions import save_answer, screening_questionnaires, start_response
from webapp.services.scoring import submit_response
from webapp.storage.records import Response, Result, Team, User

OLD = builtin_library().get("reading-writing", "1.0")
NEW = builtin_library().get("reading-writing", "1.1")


@pytest.fixture
def people(app):
    with app.app_context():
        team = create_team(name="North")
        intake = create_user(role="intake", team=team)
        return {"team": team.id, "intake": intake.id, "session": intake.get_id()}


def test_workers_start_the_newest_version_and_it_scores_with_the_new_card(app, people):
    with app.app_context():
        assert NEW in screening_questionnaires() and OLD not in screening_questionnaires()
        case = create_case(team=db.session.get(Team, people["team"]))
        worker = db.session.get(User, people["intake"])
        response = start_response(case, NEW, "with-worker", worker)
        for item in NEW.items:
            save_answer(response, item.id, item.option_values[-1])
        submit_response(response, worker)
        (result,) = db.session.scalars(select(Result)).all()
        assert (result.questionnaire_version, result.scorecard_version) == ("1.1", "2")
        assert (result.scorecard_id, result.points, result.flag_level) == (
            "literacy-expert",
            40,
            "likely",
        )


def test_a_draft_on_the_old_version_keeps_its_pages_and_scores_with_the_old_card(
    app, client, people
):
    with app.app_context():
        case = create_case(team=db.session.get(Team, people["team"]))
        worker = db.session.get(User, people["intake"])
        draft = start_response(case, OLD, "with-worker", worker)
        for item in OLD.items[1:]:
            save_answer(draft, item.id, item.option_values[-1])
        url = f"/cases/{case.id}/screenings/{draft.id}/questions/{OLD.items[0].id}"
        check = f"/cases/{case.id}/screenings/{draft.id}/check"
        draft_id = draft.id
    sign_in_as(client, people["session"])
    page = get_page(client, url)
    # The old version's own words and values: "Most of the time" is not in version 1.1.
    assert "Most of the time" in page.get_text() and "Very often" not in page.get_text()
    response = client.post(url, data={"csrf_token": csrf_token(page), "answer": "always"})
    assert response.status_code == 302
    page = get_page(client, check)
    assert client.post(check, data={"csrf_token": csrf_token(page)}).status_code == 302
    with app.app_context():
        (result,) = db.session.scalars(select(Result).where(Result.response_id == draft_id))
        assert (result.questionnaire_version, result.scorecard_version) == ("1.0", "1")
        assert (result.points, result.flag_level) == (40, "likely")
        assert db.session.get(Response, draft_id).answer_map[OLD.items[0].id] == "always"


def test_an_invitation_made_for_the_old_version_keeps_it(app, people):
    with app.app_context():
        case = create_case(team=db.session.get(Team, people["team"]))
        worker = db.session.get(User, people["intake"])
        invitation, _token = create_invitation(case, [OLD], worker)
        assert [q.key for q in questionnaires_of(invitation)] == ["reading-writing@1.0"]


def test_the_active_scorecard_of_each_domain_reads_the_newest_version(app):
    with app.app_context():
        domains = sorted({card.domain for card in service_scorecards()})
        assert len(domains) == 8
        for domain in domains:
            card = active_scorecard(domain)
            (ref,) = card.questionnaires
            qid, _, version = ref.partition("@")
            assert version == builtin_library().get(qid).version == "1.1", domain
            assert card.version == "2"
        # Both versions stay in use: each scores the answers that name its questionnaire.
        literacy = [c.key for c in service_scorecards() if c.domain == "literacy"]
        assert literacy == ["literacy-expert@1", "literacy-expert@2"]


def test_old_version_results_are_kept_and_not_re_scored_by_the_new_card(app, people):
    with app.app_context():
        case = create_case(team=db.session.get(Team, people["team"]))
        worker = db.session.get(User, people["intake"])
        response = start_response(case, OLD, "with-worker", worker)
        for item in OLD.items:
            save_answer(response, item.id, item.option_values[-1])
        submit_response(response, worker)
        outdated = outdated_results("literacy")
        assert outdated.card.key == "literacy-expert@2"
        # The new card cannot read answers to 1.0 ("always" is not one of its answers).
        assert (outdated.results, outdated.unreadable) == ([], 1)
