"""The worker's tasks through the real views: on their task list and on the case, soonest due
first, overdue ones tagged; marked done, or not needed with a note (audited)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.factories import create_case, create_team, create_user, sign_in_as
from tests.pages import csrf_token, get_page, post_page
from webapp.extensions import db
from webapp.services.tasks import add_task
from webapp.storage.clock import utcnow
from webapp.storage.records import AuditEvent, WorkerTask


@pytest.fixture
def world(app, client):
    """A worker's case with two dated tasks (one overdue) and another worker's case."""
    with app.app_context():
        team = create_team()
        worker, colleague = (create_user(role="intake", team=team) for _ in range(2))
        mine = create_case(team=team, parent_name="Mine Parent")
        mine.created_by_id = worker.id
        theirs = create_case(team=team, parent_name="Their Parent")
        theirs.created_by_id = colleague.id
        today = utcnow().date()
        late = add_task(mine.id, "book_interpreter", "Book an interpreter in Polish.")
        late.due_on = today - timedelta(days=2)
        soon = add_task(mine.id, "send_summary", "Send the parent a short summary.")
        soon.due_on = today + timedelta(days=3)
        other = add_task(theirs.id, "phone_parent", "Phone the other parent.")
        other.due_on = today
        db.session.commit()
        sign_in_as(client, worker)
        return {"case": mine.id, "late": late.id, "soon": soon.id, "other": other.id}


def rows(page):
    return [row["data-task"] for row in page.select("[data-testid=worker-tasks] tr[data-task]")]


def test_the_task_list_has_the_workers_tasks_soonest_first_with_overdue_tagged(client, world):
    page = get_page(client, "/tasks")
    assert rows(page) == [str(world["late"]), str(world["soon"])]
    late = page.select_one(f"tr[data-task='{world['late']}']")
    soon = page.select_one(f"tr[data-task='{world['soon']}']")
    assert "Overdue" in late.get_text() and "Overdue" not in soon.get_text()
    case_page = get_page(client, f"/cases/{world['case']}")
    tasks = case_page.select_one("[data-testid=tasks]").get_text(" ")
    assert "Book an interpreter in Polish." in tasks and "Overdue" in tasks


def close(client, world, task: str, data: dict):
    url = f"/cases/{world['case']}/tasks/{world[task]}/close"
    form = get_page(client, url)
    return post_page(client, url, {"csrf_token": csrf_token(form), **data})


def test_done_takes_the_task_off_the_lists_and_is_audited(app, client, world):
    close(client, world, "late", {"outcome": "done", "note": ""})
    assert rows(get_page(client, "/tasks")) == [str(world["soon"])]
    with app.app_context():
        task = db.session.get(WorkerTask, world["late"])
        assert task.outcome == "done" and task.done_at is not None and task.closed_by_id
        actions = db.session.scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "task.closed")
        )
        assert list(actions) == ["book_interpreter: done"]


def test_not_needed_needs_a_note_and_keeps_it(app, client, world):
    page = close(client, world, "soon", {"outcome": "not_needed", "note": "  "})
    assert "Enter why the task is not needed" in page.select_one(".govuk-error-summary").text
    close(client, world, "soon", {"outcome": "not_needed", "note": "The parent came in person."})
    with app.app_context():
        task = db.session.get(WorkerTask, world["soon"])
        assert (task.outcome, task.note) == ("not_needed", "The parent came in person.")
    page = get_page(client, f"/cases/{world['case']}/tasks/{world['soon']}/close")
    assert "The parent came in person." in page.select_one("[data-testid=task-closed]").text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"outcome": ""}, "Select done or not needed"),
        ({"outcome": "forgotten"}, "Not a valid choice"),
        ({"outcome": "done", "note": "x" * 1001}, "Note must be 1000 characters or fewer"),
    ],
)
def test_bad_input_is_named_and_changes_nothing(app, client, world, data, message):
    page = close(client, world, "late", data)
    assert message in page.select_one(".govuk-error-summary").text
    with app.app_context():
        assert db.session.get(WorkerTask, world["late"]).done_at is None


def test_a_task_of_another_case_is_not_found(client, world):
    assert client.get(f"/cases/{world['case']}/tasks/{world['other']}/close").status_code == 404


def test_a_closed_case_leaves_the_task_list_and_its_meetings_and_tasks_cannot_change(
    app, client, world
):
    """Closing a case leaves its meetings and contact log readable; booking, recording a
    contact and closing a task each send the worker back to the case with why."""
    from webapp.services.lifecycle import close_case, reopen_case
    from webapp.storage.records import Case

    case_id = world["case"]
    with app.app_context():
        close_case(db.session.get(Case, case_id), "duplicate", None)
    assert rows(get_page(client, "/tasks")) == []
    for url in (
        f"/cases/{case_id}/meetings/new",
        f"/cases/{case_id}/tasks/{world['late']}/close",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].endswith(f"/cases/{case_id}"), url
    log = get_page(client, f"/cases/{case_id}/contacts")  # reading still works
    page = post_page(
        client,
        f"/cases/{case_id}/contacts",
        {"csrf_token": csrf_token(log), "kind": "phone_call", "summary": "Called"},
    )
    assert "This referral is closed" in page.select_one("[data-banner=error]").get_text()
    with app.app_context():
        assert db.session.get(WorkerTask, world["late"]).done_at is None
        reopen_case(db.session.get(Case, case_id))
    assert set(rows(get_page(client, "/tasks"))) == {str(world["late"]), str(world["soon"])}
