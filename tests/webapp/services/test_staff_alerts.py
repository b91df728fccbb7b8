"""Safety alerts by email, against the stand-in Notify: a raised alert goes at once to the
case's worker and the team's duty inbox, an escalation to the team's lead; both through the
outbox in the alert's own transaction, holding the case reference and the case page's link
and nothing about the answers. With Notify off they wait on the case page, not sent."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from questionnaires import builtin_library
from tests.factories import create_case, create_team, create_user, sign_in_as
from tests.pages import get_page
from webapp.extensions import db
from webapp.services.outbox import send_due
from webapp.services.questions import save_answer, start_response
from webapp.services.safety import escalate_overdue, raise_alert
from webapp.services.tasks import open_tasks
from webapp.storage.clock import utcnow
from webapp.storage.records import Case, Message, User
from webapp.storage.states import MessageKind, MessageStatus

MOOD = builtin_library().get("mood-worry")
WORKER = "wren.worker@example.test"
DUTY = "duty@north.example.test"
LEAD = "lee.lead@example.test"


@pytest.fixture
def case_id(app):
    """A case opened by a worker of a team with a duty inbox and a lead."""
    with app.app_context():
        team = create_team(name="North Family Team")
        team.duty_email = DUTY
        worker = create_user(role="intake", team=team, email=WORKER)
        team.lead_id = create_user(role="intake", team=team, email=LEAD).id
        case = create_case(team=team, parent_name="Alex Parent")
        case.created_by_id = worker.id
        db.session.commit()
        return case.id


def raise_one(app, case_id: int) -> None:
    """A critical answer by the worker's screening raises an alert (committed)."""
    with app.app_context():
        case = db.session.get(Case, case_id)
        response = start_response(case, MOOD, "with-worker", case.created_by)
        save_answer(response, "mo_hurt_self", "most_days")
        raise_alert(response, "mo_hurt_self", "most_days")
        db.session.commit()


def staff_messages(app) -> list[Message]:
    with app.app_context():
        found = list(
            db.session.scalars(
                select(Message)
                .where(Message.kind.in_((MessageKind.SAFETY_ALERT, MessageKind.SAFETY_ESCALATION)))
                .order_by(Message.id)
            )
        )
        db.session.expunge_all()
        return found


def send_all(app):
    with app.app_context():
        return send_due(utcnow() + timedelta(minutes=1))


def assert_names_only_the_case(body: str, case_id: int) -> None:
    assert f"C{case_id:06d}" in body
    for private in ("Alex Parent", "most_days", "Most days", "hurt", "07400"):
        assert private not in body


def test_an_alert_emails_the_worker_and_the_duty_inbox_at_once(app, notify, case_id):
    raise_one(app, case_id)
    queued = staff_messages(app)
    assert sorted(m.recipient for m in queued) == sorted([WORKER, DUTY])
    assert {m.status for m in queued} == {MessageStatus.QUEUED}

    assert send_all(app).sent == 2
    for address in (WORKER, DUTY):
        (email,) = notify.sent_to(address)
        body = email.personalisation["body"]
        assert email.personalisation["subject"] == f"Safety alert on case C{case_id:06d}"
        assert "record the safety check" in body and "not a test" in body
        assert_names_only_the_case(body + email.personalisation["subject"], case_id)
        # The link opens the case page (here, for the worker signed in).
        link = body.splitlines()[-1]
        assert link == f"{app.config['PUBLIC_BASE_URL']}/cases/{case_id}"
    client = app.test_client()
    with app.app_context():
        sign_in_as(client, db.session.scalar(select(User).where(User.email == WORKER)))
    assert get_page(client, urlsplit(link).path).select_one("[data-testid=safety-alert]")


def test_the_emails_are_in_the_alerts_own_transaction(app, notify, case_id):
    with app.app_context():
        case = db.session.get(Case, case_id)
        response = start_response(case, MOOD, "with-worker", case.created_by)
        db.session.commit()
        raise_alert(response, "mo_hurt_self", "most_days")
        assert db.session.scalar(select(func.count(Message.id))) == 2
        db.session.rollback()  # the step failed after raising: nothing of it stays
        assert db.session.scalar(select(func.count(Message.id))) == 0


def test_one_email_when_the_worker_is_also_the_duty_inbox(app, notify, case_id):
    with app.app_context():
        team = db.session.get(Case, case_id).team
        team.duty_email = WORKER.upper()
        db.session.commit()
    raise_one(app, case_id)
    assert [m.recipient for m in staff_messages(app)] == [WORKER]


def test_an_escalation_emails_the_teams_lead(app, notify, case_id):
    raise_one(app, case_id)
    send_all(app)
    with app.app_context():
        escalate_overdue(utcnow() + timedelta(hours=5))
    (escalation,) = [m for m in staff_messages(app) if m.kind == MessageKind.SAFETY_ESCALATION]
    assert escalation.recipient == LEAD
    assert send_all(app).sent == 1
    (email,) = notify.sent_to(LEAD)
    assert "team's lead" in email.personalisation["body"]
    assert_names_only_the_case(email.personalisation["body"], case_id)


def test_the_escalation_command_queues_the_leads_email(app, notify, case_id):
    raise_one(app, case_id)
    later = (utcnow() + timedelta(hours=5)).isoformat(timespec="minutes")
    result = app.test_cli_runner().invoke(args=["escalate-safety-alerts", "--now", later])
    assert "Escalated 1" in result.output
    assert [m.recipient for m in staff_messages(app) if m.kind == "safety_escalation"] == [LEAD]


def test_a_team_without_a_lead_escalates_without_an_email(app, notify, case_id):
    with app.app_context():
        db.session.get(Case, case_id).team.lead_id = None
        db.session.commit()
    raise_one(app, case_id)
    with app.app_context():
        assert len(escalate_overdue(utcnow() + timedelta(hours=5))) == 1
    assert [m.kind for m in staff_messages(app)] == ["safety_alert", "safety_alert"]


def test_with_notify_off_the_alert_emails_wait_on_the_case_page(app, case_id):
    raise_one(app, case_id)
    assert {m.status for m in staff_messages(app)} == {MessageStatus.TO_COPY}
    client = app.test_client()
    with app.app_context():
        sign_in_as(client, db.session.scalar(select(User).where(User.email == WORKER)))
    page = get_page(client, f"/cases/{case_id}")
    cards = page.select("[data-message]")
    titles = [card.select_one("h3").get_text(" ", strip=True) for card in cards]
    assert len(titles) == 2 and all("not sent by the service" in t for t in titles)
    assert any(DUTY in t for t in titles) and any(WORKER in t for t in titles)
    assert "copy or print it for the parent" not in " ".join(titles)


def test_an_alert_email_notify_refuses_becomes_a_task_to_tell_them_another_way(
    app, notify, case_id
):
    with app.app_context():
        db.session.get(Case, case_id).team.duty_email = "perm-fail@simulator"  # no dot: refused
        db.session.commit()
    raise_one(app, case_id)
    report = send_all(app)
    assert (report.sent, report.failed) == (1, 1)
    with app.app_context():
        (task,) = open_tasks(db.session.get(Case, case_id))
        assert "Tell perm-fail@simulator another way." in task.text
