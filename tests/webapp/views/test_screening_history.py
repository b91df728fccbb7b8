"""Screening history: every answer set dated and with its source; the newest set of each
questionnaire counts and older ones show as earlier, on the case page and the clinician's
review page; the link form does not tick a questionnaire answered in the last 30 days."""

from __future__ import annotations

from datetime import timedelta

import pytest

from questionnaires import builtin_library
from tests.factories import create_case, create_team, create_user, sign_in_as
from tests.pages import get_page
from webapp.extensions import db
from webapp.services.invitations import create_invitation
from webapp.services.questions import save_answer, start_response
from webapp.services.scoring import submit_response
from webapp.storage.clock import utcnow
from webapp.storage.records import Case, Response, User

READING = "reading-writing"


@pytest.fixture
def people(app):
    with app.app_context():
        team = create_team(name="North")
        worker = create_user(role="intake", team=team)
        worker.name = "Ash Worker"
        clinician = create_user(role="clinician", team=team)
        case = create_case(team=team, parent_name="Jo Example")
        db.session.commit()
        return {
            "worker": worker.get_id(),
            "worker_id": worker.id,
            "clinician": clinician.get_id(),
            "case": case.id,
        }


def answer(app, people, *, mode: str, days_ago: float, choice: int = -1, key: str = READING):
    """A submitted answer set, dated ``days_ago``. A parent's link set has no worker."""
    with app.app_context():
        case = db.session.get(Case, people["case"])
        worker = db.session.get(User, people["worker_id"])
        questionnaire = builtin_library().get(key)
        if mode == "self":
            invitation, _token = create_invitation(case, [questionnaire], None)
            response = Response(
                case=case,
                questionnaire_id=questionnaire.id,
                questionnaire_version=questionnaire.version,
                mode="self",
                invitation_id=invitation.id,
            )
            db.session.add(response)
            db.session.commit()
        else:
            response = start_response(case, questionnaire, mode, worker)
        for item in questionnaire.items:
            save_answer(response, item.id, item.option_values[choice])
        submit_response(response, worker if mode != "self" else None)
        response.submitted_at = utcnow() - timedelta(days=days_ago)
        db.session.commit()
        return response.id


def sets_on_case_page(client, people) -> list[str]:
    page = get_page(client, f"/cases/{people['case']}")
    return [" ".join(li.get_text().split()) for li in page.select("[data-testid=answer-sets] li")]


def test_every_answer_set_is_dated_with_its_source_and_the_newest_counts(app, client, people):
    older = answer(app, people, mode="with-worker", days_ago=40, choice=0)
    newer = answer(app, people, mode="self", days_ago=2)
    paper = answer(app, people, mode="paper", days_ago=60, key="mood-worry")
    sign_in_as(client, people["worker"])
    listed = sets_on_case_page(client, people)
    assert len(listed) == 3
    counts, paper_set, earlier = listed
    assert counts.startswith("Counts Reading and writing")
    assert "By the parent, through a private link" in counts
    assert (
        paper_set.startswith("Counts") and "From a paper copy, entered by Ash Worker" in paper_set
    )
    assert earlier.startswith("Earlier Reading and writing")
    assert "With the parent, recorded by Ash Worker" in earlier
    with app.app_context():
        when = {r.id: r.submitted_at for r in db.session.get(Case, people["case"]).responses}
    from webapp.web.safety_banner import local_time

    with app.app_context():
        assert local_time(when[older]) in earlier and local_time(when[newer]) in counts
        assert local_time(when[paper]) in paper_set


def test_newest_means_last_sent_not_first_started(app, client, people):
    """A set started first but sent last is the newest: it counts."""
    first_started = answer(app, people, mode="with-worker", days_ago=1, choice=-1)
    later_started = answer(app, people, mode="with-worker", days_ago=5, choice=0)
    assert later_started > first_started
    sign_in_as(client, people["worker"])
    page = get_page(client, f"/cases/{people['case']}")
    (counting,) = [
        li
        for li in page.select("[data-testid=answer-sets] li")
        if li.get_text().split()[0] == "Counts"
    ]
    assert counting["data-answer-set"] == str(first_started)


def test_the_clinician_sees_which_answers_count_and_which_are_earlier(app, client, people):
    older = answer(app, people, mode="with-worker", days_ago=40, choice=0)
    newer = answer(app, people, mode="self", days_ago=2)
    with app.app_context():
        # Queue it: the clinician's page is for cases waiting for review.
        db.session.get(Case, people["case"]).review_state = "awaiting"
        db.session.commit()
    sign_in_as(client, people["clinician"])
    page = get_page(client, f"/review/cases/{people['case']}")
    headings = [" ".join(h.get_text().split()) for h in page.select("h2")]
    assert headings.index("Answers that count") < headings.index("Earlier answers")
    newest = page.select_one(f"[data-answer-set='{newer}']").get_text(" ")
    assert "By the parent, through a private link" in " ".join(newest.split())
    earlier = " ".join(page.select_one(f"[data-answer-set='{older}']").get_text(" ").split())
    assert earlier.startswith("Reading and writing (earlier)")
    assert "With the parent, recorded by Ash Worker" in earlier


def ticked(client, people) -> tuple[list[str], str]:
    page = get_page(client, f"/cases/{people['case']}/invitations/new")
    boxes = [box["value"] for box in page.select("input[name=questionnaires][checked]")]
    note = page.select_one("[data-testid=recently-answered]")
    return boxes, " ".join(note.get_text().split()) if note else ""


def test_the_link_form_leaves_out_what_was_answered_in_the_last_30_days(app, client, people):
    sign_in_as(client, people["worker"])
    boxes, note = ticked(client, people)
    assert READING in boxes and note == ""
    answer(app, people, mode="with-worker", days_ago=29)
    boxes, note = ticked(client, people)
    assert READING not in boxes and "communication-preferences" in boxes
    assert "answered them in the last 30 days: Reading and writing" in note
    # Still offered: the worker can tick it.
    page = get_page(client, f"/cases/{people['case']}/invitations/new")
    assert page.select_one(f"input[name=questionnaires][value={READING}]") is not None


def test_answers_older_than_the_setting_are_ticked_again(app, client, people):
    answer(app, people, mode="with-worker", days_ago=31)
    sign_in_as(client, people["worker"])
    boxes, note = ticked(client, people)
    assert READING in boxes and note == ""
    app.config["RECENTLY_ANSWERED_DAYS"] = 45  # the setting
    boxes, note = ticked(client, people)
    assert READING not in boxes and "last 45 days" in note
