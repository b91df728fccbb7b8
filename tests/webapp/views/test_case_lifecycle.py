"""The case lifecycle: an assigned worker, my cases and team cases, transfer to a worker or a
team, closing with a reason (closed cases leave lists and queues and cannot be changed) and
reopening. Every step is audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from questionnaires import builtin_library
from tests.factories import (
    create_team,
    create_user,
    screen_with_a_safety_answer,
    sign_in_as,
)
from tests.pages import check_page, csrf_token, get_page, post_page
from webapp.extensions import db
from webapp.services.data_protection import purge_expired, subject_record
from webapp.services.invitations import create_invitation
from webapp.services.questions import save_answer, start_response
from webapp.services.review import review_queue
from webapp.services.scoring import submit_response
from webapp.storage.clock import utcnow
from webapp.storage.records import AuditEvent, Case, Invitation, WorkerTask
from webapp.storage.states import TaskKind


@pytest.fixture
def people(app):
    """Two workers of North, one of South, a North clinician, and a case Ash opened."""
    with app.app_context():
        north, south = create_team(name="North"), create_team(name="South")
        ash = create_user(role="intake", team=north)
        ash.name = "Ash Worker"
        bo = create_user(role="intake", team=north)
        bo.name = "Bo Worker"
        cy = create_user(role="intake", team=south)
        cy.name = "Cy Worker"
        clinician = create_user(role="clinician", team=north)
        db.session.commit()
        return {
            "ash": ash.get_id(),
            "bo": bo.get_id(),
            "cy": cy.get_id(),
            "clinician": clinician.get_id(),
            "ash_id": ash.id,
            "bo_id": bo.id,
            "cy_id": cy.id,
            "north": north.id,
            "south": south.id,
        }


def open_referral(client, name="Jo Example") -> int:
    page = get_page(client, "/cases/new")
    response = client.post(
        "/cases/new",
        data={
            "csrf_token": csrf_token(page),
            "parent_name": name,
            "language": "English",
            "contact_method": "phone",
            "phone": "020 7946 0000",
        },
    )
    assert response.status_code == 302
    return int(response.headers["Location"].rsplit("/", 1)[1])


def names_listed(client, query="") -> list[str]:
    page = get_page(client, f"/cases{query}")
    return [a.get_text() for a in page.select("table a.govuk-link")]


def errors(response) -> str:
    page = check_page(response.get_data(as_text=True))
    assert page.title.get_text().startswith("Error: ")
    return page.select_one(".govuk-error-summary").get_text(" ")


def audit(app, case_id: int, action: str) -> list[AuditEvent]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(AuditEvent).where(AuditEvent.case_id == case_id, AuditEvent.action == action)
            )
        )


def case_row(app, case_id: int) -> Case:
    with app.app_context():
        case = db.session.get(Case, case_id)
        db.session.expunge(case)
        return case


def test_whoever_opens_a_case_is_its_worker_and_has_it_in_my_cases(app, client, people):
    sign_in_as(client, people["ash"])
    case_id = open_referral(client, "Jo Example")
    assert case_row(app, case_id).assigned_to_id == people["ash_id"]
    page = get_page(client, f"/cases/{case_id}")
    assert "Ash Worker" in page.select_one(".govuk-summary-list").get_text()
    assert names_listed(client, "?scope=mine") == ["Jo Example"]

    other = app.test_client()
    sign_in_as(other, people["bo"])
    open_referral(other, "Kit Example")
    assert names_listed(other, "?scope=mine") == ["Kit Example"]
    assert sorted(names_listed(other)) == ["Jo Example", "Kit Example"]  # team cases
    assert sorted(names_listed(other, "?scope=team")) == ["Jo Example", "Kit Example"]
    # The list names each case's worker.
    table = get_page(other, "/cases").select_one("table").get_text()
    assert "Ash Worker" in table and "Bo Worker" in table


def test_an_unknown_scope_shows_the_team_cases(client, people):
    sign_in_as(client, people["ash"])
    open_referral(client, "Jo Example")
    assert names_listed(client, "?scope=everyone%27s") == ["Jo Example"]


def transfer(client, case_id: int, **data):
    page = get_page(client, f"/cases/{case_id}/transfer")
    return client.post(f"/cases/{case_id}/transfer", data={"csrf_token": csrf_token(page), **data})


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": "Leave"}, "Select a worker or a team"),
        ({"to": "worker-999999", "reason": "Leave"}, "Not a valid choice"),
        ({"to": "team-x", "reason": "Leave"}, "Not a valid choice"),
        ({"to": "pigeon", "reason": "Leave"}, "Not a valid choice"),
        ({"to": "BO", "reason": ""}, "Enter why you are transferring this referral"),
        ({"to": "BO", "reason": "   "}, "Enter why you are transferring this referral"),
        ({"to": "BO", "reason": "x" * 1001}, "Reason must be 1000 characters or fewer"),
        # A worker of another team is not offered: the case would vanish from both teams.
        ({"to": "CY", "reason": "Leave"}, "Not a valid choice"),
    ],
)
def test_bad_transfers_are_refused_and_change_nothing(app, client, people, data, message):
    sign_in_as(client, people["ash"])
    case_id = open_referral(client)
    data = dict(data)
    data["to"] = {"BO": f"worker-{people['bo_id']}", "CY": f"worker-{people['cy_id']}"}.get(
        data.get("to"), data.get("to")
    )
    data = {k: v for k, v in data.items() if v is not None}
    response = transfer(client, case_id, **data)
    assert response.status_code == 200
    assert message in errors(response)
    if data.get("reason", "").strip():  # what was typed is kept
        assert data["reason"] in response.get_data(as_text=True)
    assert case_row(app, case_id).assigned_to_id == people["ash_id"]
    assert audit(app, case_id, "case.transferred") == []


def test_transfer_to_a_worker_is_audited_and_tells_them(app, client, people):
    sign_in_as(client, people["ash"])
    case_id = open_referral(client, "Jo Example")
    response = transfer(client, case_id, to=f"worker-{people['bo_id']}", reason="Ash is on leave")
    assert response.status_code == 302
    page = get_page(client, f"/cases/{case_id}", follow=True)
    assert "Referral transferred to Bo Worker." in page.select_one("[data-banner=success]").text
    assert case_row(app, case_id).assigned_to_id == people["bo_id"]
    (event,) = audit(app, case_id, "case.transferred")
    assert event.detail == f"to worker {people['bo_id']}" and "leave" not in event.detail
    tasks = page.select_one("[data-testid=tasks]").get_text()
    assert "Ash Worker transferred this referral to Bo Worker: Ash is on leave" in tasks
    assert "Transferred" in page.select_one(".app-timeline").get_text()

    bo = app.test_client()
    sign_in_as(bo, people["bo"])
    assert names_listed(bo, "?scope=mine") == ["Jo Example"]
    assert names_listed(client, "?scope=mine") == []


def test_transfer_to_a_team_moves_the_case_and_the_team_sees_it(app, client, people):
    sign_in_as(client, people["ash"])
    case_id = open_referral(client, "Jo Example")
    response = transfer(client, case_id, to=f"team-{people['south']}", reason="Moved to Leeds")
    assert response.status_code == 302 and response.headers["Location"].endswith("/cases")
    page = get_page(client, "/cases", follow=True)
    assert "Referral C" in page.select_one("[data-banner=success]").text
    # It has left North: its old worker can no longer open it.
    assert names_listed(client) == []
    get_page(client, f"/cases/{case_id}", status=404)
    moved = case_row(app, case_id)
    assert (moved.team_id, moved.assigned_to_id) == (people["south"], None)
    (event,) = audit(app, case_id, "case.transferred")
    assert event.detail == f"to team {people['south']}"

    cy = app.test_client()
    sign_in_as(cy, people["cy"])
    notice = get_page(cy, "/cases").select_one("[data-testid=waiting-for-a-worker]").get_text()
    assert "1 referral of your team has no worker" in " ".join(notice.split())
    assert names_listed(cy, "?scope=unassigned") == ["Jo Example"]
    page = get_page(cy, f"/cases/{case_id}")
    assert "Needs a worker" in page.select_one(".govuk-summary-list").get_text()
    tasks = page.select_one("[data-testid=tasks]").get_text()
    assert "Ash Worker of North transferred this referral to your team: Moved to Leeds." in tasks

    # Cy takes it: the team's task is done, and the notice goes.
    response = transfer(cy, case_id, to=f"worker-{people['cy_id']}", reason="Mine now")
    assert response.status_code == 302
    assert case_row(app, case_id).assigned_to_id == people["cy_id"]
    with app.app_context():
        open_tasks = db.session.scalars(
            select(WorkerTask).where(
                WorkerTask.case_id == case_id,
                WorkerTask.kind == TaskKind.CASE_TRANSFERRED,
                WorkerTask.done_at.is_(None),
            )
        ).all()
    assert open_tasks == []
    assert get_page(cy, "/cases").select_one("[data-testid=waiting-for-a-worker]") is None
    assert names_listed(cy, "?scope=mine") == ["Jo Example"]


def close(client, case_id: int, **data):
    page = get_page(client, f"/cases/{case_id}/close")
    return client.post(f"/cases/{case_id}/close", data={"csrf_token": csrf_token(page), **data})


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Select why you are closing this referral"),
        ({"note": "typed first"}, "Select why you are closing this referral"),
        ({"reason": "bored"}, "Not a valid choice"),
        ({"reason": "other"}, "Enter why you are closing this referral"),
        ({"reason": "other", "note": "   "}, "Enter why you are closing this referral"),
        ({"reason": "duplicate", "note": "x" * 1001}, "Detail must be 1000 characters or fewer"),
    ],
)
def test_bad_closes_are_refused_and_change_nothing(app, client, people, data, message):
    sign_in_as(client, people["ash"])
    case_id = open_referral(client)
    response = close(client, case_id, **data)
    assert response.status_code == 200
    assert message in errors(response)
    if data.get("note", "").strip():
        assert data["note"] in response.get_data(as_text=True)
    assert case_row(app, case_id).closed_at is None
    assert audit(app, case_id, "case.closed") == []


def test_a_case_with_an_open_safety_alert_cannot_be_closed(app, client, people):
    sign_in_as(client, people["ash"])
    case_id = open_referral(client)
    with app.app_context():
        from webapp.storage.records import User

        case = db.session.get(Case, case_id)
        screen_with_a_safety_answer(case=case, worker=db.session.get(User, people["ash_id"]))
    response = close(client, case_id, reason="duplicate")
    assert "Record the safety check before closing this referral" in errors(response)
    assert case_row(app, case_id).closed_at is None


def screened_and_queued(app, case_id: int, worker_id: int) -> None:
    """A likely flag: the case joins the clinicians' queue."""
    from webapp.storage.records import User

    with app.app_context():
        case = db.session.get(Case, case_id)
        reading = builtin_library().get("reading-writing")
        response = start_response(case, reading, "with-worker", db.session.get(User, worker_id))
        for item in reading.items:
            save_answer(response, item.id, item.option_values[-1])
        submit_response(response, db.session.get(User, worker_id))
        create_invitation(case, [reading], None)
        db.session.commit()


def test_a_closed_case_leaves_lists_and_queues_and_cannot_be_changed(app, client, people):
    sign_in_as(client, people["ash"])
    case_id = open_referral(client, "Jo Example")
    screened_and_queued(app, case_id, people["ash_id"])
    with app.app_context():
        assert [c.id for c in review_queue(people["north"]).cases] == [case_id]

    response = close(client, case_id, reason="duplicate", note="Same as C000001")
    assert response.status_code == 302
    page = get_page(client, f"/cases/{case_id}", follow=True)
    assert "closed." in page.select_one("[data-banner=success]").text
    closed = page.select_one("[data-testid=closed]").get_text()
    assert "A duplicate of another referral (Same as C000001)" in closed
    assert page.select_one("[data-testid=case-actions]") is None
    (event,) = audit(app, case_id, "case.closed")
    assert event.detail == "duplicate"

    # Gone from every list and the queue, shown only under "Closed".
    assert names_listed(client) == [] and names_listed(client, "?scope=mine") == []
    assert names_listed(client, "?status=closed") == ["Jo Example"]
    with app.app_context():
        assert review_queue(people["north"]).cases == []
        # Its open link stopped working.
        assert all(
            i.revoked_at is not None or i.submitted_at is not None
            for i in db.session.scalars(select(Invitation).where(Invitation.case_id == case_id))
        )

    # Nothing can be changed: each page sends the worker back to the case with why.
    for url in (
        f"/cases/{case_id}/contact",
        f"/cases/{case_id}/screenings/new",
        f"/cases/{case_id}/invitations/new",
        f"/cases/{case_id}/transfer",
        f"/cases/{case_id}/close",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].endswith(f"/cases/{case_id}"), url
    page = post_page(
        client,
        f"/cases/{case_id}/contact",
        {"csrf_token": csrf_token(page), "contact_method": "email", "email": "jo@example.com"},
    )
    error = page.select_one("[data-banner=error]").get_text()
    assert "This referral is closed. Reopen it to change it." in error
    assert case_row(app, case_id).contact_method == "phone"
    # Reading and printing still work.
    get_page(client, f"/cases/{case_id}/plan")

    # A clinician cannot record a decision on it either.
    clinician = app.test_client()
    sign_in_as(clinician, people["clinician"])
    review = get_page(clinician, f"/review/cases/{case_id}")
    page = post_page(
        clinician,
        f"/review/cases/{case_id}/decision",
        {"csrf_token": csrf_token(review), "decision": "no_further_action", "note": "Done"},
    )
    assert "This referral is closed" in page.select_one("[data-banner=error]").get_text()
    assert audit(app, case_id, "review.recorded") == []


def test_closing_keeps_the_retention_period(app, client, people):
    sign_in_as(client, people["ash"])
    young, old = open_referral(client, "Young Case"), open_referral(client, "Old Case")
    for case_id in (young, old):
        assert close(client, case_id, reason="no_contact").status_code == 302
    with app.app_context():
        days = app.config["RETENTION_DAYS"]["case"]
        db.session.get(Case, old).created_at = utcnow() - timedelta(days=days + 1)
        db.session.commit()
        done = purge_expired()
        assert done == [f"case C{old:06d}"]
        assert db.session.get(Case, young) is not None


def test_reopening_is_audited_and_allows_changes_again(app, client, people):
    sign_in_as(client, people["ash"])
    case_id = open_referral(client, "Jo Example")
    close(client, case_id, reason="parent_declined")
    page = get_page(client, f"/cases/{case_id}")
    response = client.post(f"/cases/{case_id}/reopen", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    page = get_page(client, f"/cases/{case_id}", follow=True)
    assert "reopened." in page.select_one("[data-banner=success]").text
    assert page.select_one("[data-testid=closed]") is None
    assert len(audit(app, case_id, "case.reopened")) == 1
    assert names_listed(client) == ["Jo Example"]
    get_page(client, f"/cases/{case_id}/contact")
    assert "Referral reopened" in page.select_one(".app-timeline").get_text()


def test_reopening_an_open_case_says_so_and_a_bad_token_changes_nothing(app, client, people):
    sign_in_as(client, people["ash"])
    case_id = open_referral(client)
    page = get_page(client, f"/cases/{case_id}")
    page = post_page(client, f"/cases/{case_id}/reopen", {"csrf_token": csrf_token(page)})
    assert "This referral is already open" in page.select_one("[data-banner=error]").text
    close(client, case_id, reason="moved_away")
    client.post(f"/cases/{case_id}/reopen", data={"csrf_token": "forged"})
    assert case_row(app, case_id).closed_at is not None
    assert audit(app, case_id, "case.reopened") == []


def test_the_subject_access_export_has_the_worker_and_the_closing(app, client, people):
    sign_in_as(client, people["ash"])
    case_id = open_referral(client)
    close(client, case_id, reason="other", note="Asked us to stop")
    with app.app_context():
        record = subject_record(db.session.get(Case, case_id))
    text = str(record)
    assert "Ash Worker" in text and "Asked us to stop" in text and "'other'" in text
