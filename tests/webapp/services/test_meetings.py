"""Booking a meeting under a frozen clock (time-machine): the demo parent whose plan has text
reminders, phone first and an interpreter gets exactly the reminders and tasks those
adjustments name, at the right times; the reminders arrive at the stand-in Notify then."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
import time_machine
from sqlalchemy import func, select

from webapp.cli.commands import load_demo_data
from webapp.extensions import db
from webapp.services.errors import WorkflowError
from webapp.services.meetings import (
    MeetingDetails,
    book_meeting,
    meeting_messages,
    meeting_tasks,
    plan_adjustments,
)
from webapp.services.outbox import send_due
from webapp.storage.records import Case, Meeting, User
from webapp.storage.states import MessageStatus

# Tuesday 1 December 2026, 9 am in London (GMT: UTC reads the same).
BOOKED = datetime(2026, 12, 1, 9, 0)
THURSDAY_2PM = MeetingDetails(
    day=date(2026, 12, 10),
    at=time(14, 0),
    way="in_person",
    place="the family centre, 1 High Street",
    attendees="The parent, the worker",
    purpose="Talk about the plan",
)


@pytest.fixture
def demo(app):
    app.config["DEMO_MODE"] = True
    with time_machine.travel(BOOKED, tick=False), app.app_context():
        load_demo_data("a-demo-password-1")
        case = db.session.scalar(select(Case).where(Case.parent_name == "Demo Parent Two"))
        worker = db.session.scalar(select(User).where(User.email == "intake@demo.test"))
        return case.id, worker.id


def book(app, demo, details=THURSDAY_2PM):
    with time_machine.travel(BOOKED, tick=False), app.test_request_context():
        case_id, worker_id = demo
        meeting = book_meeting(
            db.session.get_one(Case, case_id), db.session.get_one(User, worker_id), details
        )
        return meeting.id


def test_the_demo_parents_plan_has_text_reminders_phone_first_and_an_interpreter(app, demo):
    with app.app_context():
        adjustments = plan_adjustments(db.session.get_one(Case, demo[0]))
    assert {"text-reminders", "phone-before-letters", "language-interpreter"} <= set(adjustments)


def test_a_meeting_makes_exactly_the_reminders_and_tasks_its_adjustments_name(app, demo, notify):
    meeting_id = book(app, demo)
    with app.app_context():
        meeting = db.session.get_one(Meeting, meeting_id)
        assert meeting.starts_at == datetime(2026, 12, 10, 14, 0)
        messages = [
            (m.kind, m.channel, m.status, m.next_attempt_at) for m in meeting_messages(meeting)
        ]
        tasks = [(t.kind, t.due_on, t.text) for t in meeting_tasks(meeting)]
        needs = meeting.needs
        invitation_body = meeting_messages(meeting)[0].body
    assert messages == [
        # The invitation is a letter (the parent's choice), held for the phone call first.
        ("meeting_invitation", "letter", MessageStatus.HELD, BOOKED),
        # text-reminders: the day before and the morning of.
        ("meeting_reminder", "sms", MessageStatus.QUEUED, datetime(2026, 12, 9, 10, 0)),
        ("meeting_reminder", "sms", MessageStatus.QUEUED, datetime(2026, 12, 10, 8, 0)),
    ]
    when = "Thursday 10 December at 2pm"
    assert sorted(tasks) == sorted(
        [
            ("book_interpreter", date(2026, 12, 5),
             f"Book a professional interpreter in Polish for the meeting on {when}."),
            ("phone_parent", date(2026, 12, 3),
             f"Phone the parent about the meeting on {when} before any letter goes out."),
            ("send_summary", date(2026, 12, 14),
             f"Send the parent a short summary of the meeting on {when}, in their format."),
            ("offer_advocate", date(2026, 12, 7),
             f"Offer the parent an independent advocate before the meeting on {when}."),
        ]
    )  # fmt: skip
    assert needs == [
        "An independent advocate, if the parent wants one",
        "Read every paper aloud; never ask the parent to read aloud",
    ]
    assert f"We would like to meet you on {when}." in invitation_body
    assert "We will meet at the family centre, 1 High Street." in invitation_body

    # The sender sends each reminder at its time, not before.
    with app.test_request_context():
        assert send_due(datetime(2026, 12, 9, 9, 59)).sent == 0
        assert send_due(datetime(2026, 12, 9, 10, 0)).sent == 1
        assert send_due(datetime(2026, 12, 10, 7, 59)).sent == 0
        assert send_due(datetime(2026, 12, 10, 8, 0)).sent == 1
    texts = notify.sent_to("07400900000")
    assert len(texts) == 2
    assert all(f"We are meeting you on {when}." in t.personalisation["body"] for t in texts)


def test_without_notify_each_reminder_is_a_task_on_its_day(app, demo):
    meeting_id = book(app, demo)
    with app.app_context():
        meeting = db.session.get_one(Meeting, meeting_id)
        reminders = [t for t in meeting_tasks(meeting) if t.kind == "meeting_reminder"]
        kinds = [m.kind for m in meeting_messages(meeting)]
    assert [t.due_on for t in reminders] == [date(2026, 12, 9), date(2026, 12, 10)]
    assert "on Wednesday 9 December at 10am" in reminders[0].text
    assert kinds == ["meeting_invitation"]  # to copy: Notify is not set up


def test_a_meeting_in_the_past_is_refused_and_makes_nothing(app, demo):
    past = MeetingDetails(**{**THURSDAY_2PM.__dict__, "day": date(2026, 11, 30)})
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(Meeting))
    with pytest.raises(WorkflowError, match="must be in the future"):
        book(app, demo, past)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Meeting)) == before
