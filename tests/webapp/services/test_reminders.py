"""Reminders and the worker's expiry warning, under a frozen clock (time-machine): after 3
and 7 days, at most 2, never from 8 pm to 8 am, stopping when the answers are sent, the link
closes or expires; the worker warned 2 days before a link expires unfinished."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from questionnaires import builtin_library
from tests.factories import create_case, create_team, create_user
from webapp.extensions import db
from webapp.services.invitations import find_invitation, send_link
from webapp.services.outbox import send_due
from webapp.services.reminders import queue_due_reminders
from webapp.storage.records import Case, Invitation, Message, User, WorkerTask

READING = builtin_library().get("reading-writing")
# A Monday at 10:00 in London (GMT in March before the clocks change: UTC reads the same).
SENT = datetime(2026, 3, 2, 10, 0)


@pytest.fixture
def invitation_id(app) -> int:
    """A link the service sent to a parent at SENT (14 days to finish it)."""
    with app.app_context():
        team = create_team()
        worker = create_user(role="intake", team=team)
        case = create_case(team=team, contact_method="text", phone="07700 900123")
        case_id, worker_id = case.id, worker.id
    with time_machine.travel(SENT, tick=False), app.test_request_context():
        case = db.session.get(Case, case_id)
        invitation, _token, _message = send_link(case, [READING], db.session.get(User, worker_id))
        return invitation.id


def at(app, moment: datetime):
    with time_machine.travel(moment, tick=False), app.test_request_context():
        return queue_due_reminders()


def reminders(app) -> list[Message]:
    with app.app_context():
        found = list(
            db.session.scalars(
                select(Message).where(Message.kind == "reminder").order_by(Message.id)
            )
        )
        db.session.expunge_all()
        return found


def test_reminders_after_3_and_7_days_and_no_more(app, invitation_id):
    assert at(app, SENT + timedelta(days=3) - timedelta(minutes=1)).reminders == 0
    assert at(app, SENT + timedelta(days=3)).reminders == 1
    assert at(app, SENT + timedelta(days=3, hours=1)).reminders == 0  # once, however often run
    assert at(app, SENT + timedelta(days=7)).reminders == 1
    assert at(app, SENT + timedelta(days=10)).reminders == 0
    first, second = reminders(app)
    assert "You have not sent your answers yet." in first.body
    assert "From Test Intake" in second.body
    assert first.status == "to_copy"  # Notify is not set up here: the worker copies it


def test_never_in_the_quiet_hours(app, invitation_id):
    day_3 = SENT + timedelta(days=3)
    assert at(app, day_3.replace(hour=20, minute=0)).reminders == 0  # 8 pm
    assert at(app, day_3 + timedelta(days=1, hours=-3)).reminders == 0  # 7 am next day
    assert at(app, (day_3 + timedelta(days=1)).replace(hour=7, minute=59)).reminders == 0
    assert at(app, (day_3 + timedelta(days=1)).replace(hour=8, minute=0)).reminders == 1


def test_quiet_hours_follow_the_clocks_in_summer(app, invitation_id):
    """In British Summer Time 8 pm in London is 19:00 UTC."""
    app.config.update(REMINDER_DAYS=[100], INVITATION_DAYS=200)
    with app.app_context():
        db.session.get(Invitation, invitation_id).expires_at = SENT + timedelta(days=200)
        db.session.commit()
    summer = SENT + timedelta(days=100)  # 10 June
    assert at(app, summer.replace(hour=19, minute=0)).reminders == 0
    assert at(app, summer.replace(hour=18, minute=59)).reminders == 1


@pytest.mark.parametrize("closed", ["submitted_at", "revoked_at"])
def test_reminders_stop_when_the_answers_are_sent_or_the_link_is_closed(app, invitation_id, closed):
    with app.app_context():
        setattr(db.session.get(Invitation, invitation_id), closed, SENT + timedelta(days=1))
        db.session.commit()
    assert at(app, SENT + timedelta(days=3)).reminders == 0
    assert at(app, SENT + timedelta(days=12)).warnings == 0


def test_reminders_stop_when_the_link_expires(app, invitation_id):
    with app.app_context():
        db.session.get(Invitation, invitation_id).expires_at = SENT + timedelta(days=5)
        db.session.commit()
    assert at(app, SENT + timedelta(days=3)).reminders == 1
    assert at(app, SENT + timedelta(days=7)).reminders == 0


def test_the_schedule_is_configurable(app, invitation_id):
    app.config.update(REMINDER_DAYS=[1, 2, 4], REMINDER_MAX=1, QUIET_HOURS=[22, 6])
    assert at(app, SENT.replace(hour=21) + timedelta(days=1)).reminders == 1  # 9 pm is fine now
    assert at(app, SENT + timedelta(days=2)).reminders == 0  # at most 1


def test_a_reminders_link_opens_the_parents_questions(app, invitation_id):
    import re

    at(app, SENT + timedelta(days=3))
    (reminder,) = reminders(app)
    token = re.search(r"/p/start/(\S+)", reminder.body)[1]
    with app.test_request_context():
        assert find_invitation(token).id == invitation_id


def test_the_worker_is_warned_2_days_before_the_link_expires_unfinished(app, invitation_id):
    assert at(app, SENT + timedelta(days=12) - timedelta(minutes=1)).warnings == 0
    assert at(app, SENT + timedelta(days=12)).warnings == 1
    assert at(app, SENT + timedelta(days=13)).warnings == 0  # once
    with app.app_context():
        (task,) = db.session.scalars(select(WorkerTask).where(WorkerTask.kind == "link_expiring"))
        assert "closes on Monday 16 March" in task.text


def test_with_notify_the_warning_is_emailed_to_the_worker(app, notify, invitation_id):
    at(app, SENT + timedelta(days=12))
    with app.app_context():
        # The sender's clock: the link is still open then (a warning to a closed link is
        # withdrawn when the sender takes it).
        send_due(SENT + timedelta(days=12, minutes=1))
        worker = db.session.get(Invitation, invitation_id).created_by.email
    (email,) = [n for n in notify.notifications if n.type == "email"]
    assert email.to == worker
    assert "A link you sent a parent closes on Monday 16 March." in email.personalisation["body"]


def close_link(app, invitation_id: int, how: str, moment: datetime) -> None:
    with app.app_context():
        invitation = db.session.get(Invitation, invitation_id)
        setattr(invitation, "expires_at" if how == "expired" else how, moment)
        db.session.commit()


@pytest.mark.parametrize("how", ["submitted_at", "revoked_at", "expired", None])
def test_a_reminder_queued_before_the_link_closed_is_not_sent(app, notify, invitation_id, how):
    """The sender checks the link when it sends: a reminder queued while the link was open,
    whose link then closed, expired or had its answers sent, is withdrawn, never sent. With
    the link still open (None) the same reminder goes."""
    day3 = SENT + timedelta(days=3)
    with app.app_context():
        send_due(SENT + timedelta(minutes=1))  # the link itself, while it was open
    assert at(app, day3).reminders == 1
    if how:
        close_link(app, invitation_id, how, day3 + timedelta(minutes=1))
    with app.app_context():
        send_due(day3 + timedelta(minutes=5))
    (reminder,) = reminders(app)
    sent = [n.reference for n in notify.notifications]
    if how is None:
        assert reminder.status == "sent" and reminder.reference in sent
        return
    assert reminder.status == "withdrawn" and reminder.reference not in sent
    state = {"submitted_at": "submitted", "revoked_at": "revoked", "expired": "expired"}[how]
    assert reminder.last_error == f"Not sent: the link was {state} first."
    assert len(sent) == 1  # the link itself, sent before it closed
    from webapp.services.timeline import timeline

    with app.app_context():
        case = db.session.get(Invitation, invitation_id).case
        texts = [entry.text for entry in timeline(case)]
    assert f"Text message (reminder) not sent: the link was {state} first." in texts


def test_an_expiry_warning_queued_before_the_answers_came_is_not_sent(app, notify, invitation_id):
    day12 = SENT + timedelta(days=12)
    with app.app_context():
        send_due(SENT + timedelta(minutes=1))  # the link itself, while it was open
    assert at(app, day12).warnings == 1
    close_link(app, invitation_id, "submitted_at", day12 + timedelta(minutes=1))
    with app.app_context():
        send_due(day12 + timedelta(minutes=5))
    assert [n.type for n in notify.notifications] == ["sms"]  # the link only, no warning email


@pytest.mark.parametrize("how", ["revoked_at", "expired", None])
def test_a_link_queued_before_it_was_revoked_is_not_sent(app, notify, invitation_id, how):
    """The worker revokes a link (or it expires) before the sender has sent it: the text with
    the link is withdrawn, never sent. With the link still open (None) it goes."""
    if how:
        close_link(app, invitation_id, how, SENT + timedelta(minutes=1))
    with app.app_context():
        send_due(SENT + timedelta(minutes=5))
        (link,) = db.session.scalars(select(Message).where(Message.kind == "link")).all()
        status, reference = link.status, link.reference
    sent = [n.reference for n in notify.notifications]
    if how is None:
        assert status == "sent" and sent == [reference]
    else:
        assert status == "withdrawn" and sent == []
