"""Notify's delivery receipts at POST /notify/callback: the bearer token is checked, each
receipt is recorded on its message and shown on the timeline, and a failed text gives the
worker a task."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from questionnaires import builtin_library
from tests.factories import create_case, create_team, create_user
from webapp.extensions import db
from webapp.services.invitations import send_link
from webapp.services.outbox import send_due
from webapp.services.tasks import open_tasks
from webapp.services.timeline import timeline
from webapp.storage.records import Case, Message, User

READING = builtin_library().get("reading-writing")
TOKEN = "callback-token-for-tests-0123456789"


@pytest.fixture
def sent(app, notify) -> Message:
    """A text sent through the stand-in, and the callback token set."""
    app.config["NOTIFY_CALLBACK_TOKEN"] = TOKEN
    with app.test_request_context():
        team = create_team()
        worker = create_user(role="intake", team=team)
        case = create_case(team=team, contact_method="text", phone="07700 900002")
        send_link(case, [READING], db.session.get(User, worker.id))
        send_due()
        message = db.session.scalar(select(Message))
        db.session.expunge(message)
        return message


def receipt(message: Message, status: str) -> dict:
    return {
        "id": message.notify_id,
        "reference": message.reference,
        "to": "07700900002",
        "status": status,
        "created_at": "2026-03-02T10:00:00.000000Z",
        "completed_at": "2026-03-02T10:00:05.000000Z",
        "sent_at": "2026-03-02T10:00:01.000000Z",
        "notification_type": "sms",
        "template_id": "f33517ff-2a88-4f6e-b855-c550268ce08a",
        "template_version": 1,
    }


def post(client, body, token: str | None = TOKEN):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post("/notify/callback", json=body, headers=headers)


@pytest.mark.parametrize("token", [None, "wrong-token", TOKEN[:-1]])
def test_a_callback_without_the_token_is_refused_and_changes_nothing(app, client, sent, token):
    answer = post(client, receipt(sent, "delivered"), token)
    assert answer.status_code == 401
    assert "Bearer" in answer.get_json()["error"]
    with app.app_context():
        assert db.session.get(Message, sent.id).delivery_status is None


def test_without_a_callback_token_set_every_callback_is_refused(app, client, sent):
    app.config["NOTIFY_CALLBACK_TOKEN"] = ""
    assert post(client, receipt(sent, "delivered"), "").status_code == 401
    assert post(client, receipt(sent, "delivered"), "anything").status_code == 401


def test_a_delivered_text_shows_on_the_timeline(app, client, sent):
    answer = post(client, receipt(sent, "delivered"))
    assert answer.status_code == 200 and answer.get_json() == {"recorded": True}
    with app.app_context():
        case = db.session.get(Case, sent.case_id)
        texts = [entry.text for entry in timeline(case)]
        assert "Text message (link) sent" in texts
        assert "Text message (link) delivered" in texts
        assert open_tasks(case) == []


def test_a_failed_text_gives_the_worker_a_task_once(app, client, sent):
    assert post(client, receipt(sent, "permanent-failure")).status_code == 200
    assert post(client, receipt(sent, "permanent-failure")).status_code == 200  # a retry
    with app.app_context():
        case = db.session.get(Case, sent.case_id)
        (task,) = open_tasks(case)
        assert "did not reach the parent's phone (permanent-failure)" in task.text
        assert "Text message (link) failed: permanent-failure" in [e.text for e in timeline(case)]


def test_a_receipt_for_no_message_of_ours_is_accepted_and_ignored(app, client, sent):
    body = receipt(sent, "delivered") | {"id": "00000000-0000-0000-0000-000000000000"}
    body["reference"] = None
    answer = post(client, body)
    assert answer.status_code == 200 and answer.get_json() == {"recorded": False}


@pytest.mark.parametrize(
    "body", [None, [], {"status": "delivered"}, {"id": "x", "status": "lost in the post"}]
)
def test_a_body_that_is_not_a_receipt_gets_a_clear_400(app, client, sent, body):
    answer = post(client, body)
    assert answer.status_code == 400
    assert answer.get_json()["error"]
