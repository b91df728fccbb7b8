"""Demo meetings and contacts, so the dashboard's "followed the plan" figures have something
to count: each contact goes through the same check as a worker's (services/contacts.py)."""

from __future__ import annotations

from datetime import time, timedelta

from webapp.extensions import db
from webapp.services.contacts import record_outside_contact
from webapp.services.meetings import MeetingDetails, book_meeting, local_today
from webapp.storage.clock import utcnow
from webapp.storage.records import Case, Meeting, User, WorkerTask
from webapp.storage.states import TaskOutcome

# (parent, kind, format, reason to go ahead if it departs from the plan)
DEMO_CONTACTS = (
    ("Demo Parent One", "text", "standard", "No answer on the phone; a text asked for a call."),
    ("Demo Parent One", "call", "standard", None),
    ("Demo Parent One", "text", "standard", None),
    (
        "Demo Parent Two",
        "letter",
        "standard",
        "The number did not work; the letter asks for a call.",
    ),
    ("Demo Parent Two", "call", "standard", None),
)


def add_demo_meetings_and_contacts(cases: dict[str, Case], worker: User) -> None:
    for parent, kind, format, reason in DEMO_CONTACTS:
        record_outside_contact(cases[parent], worker, kind, format, None, reason)
    # A meeting next week: its invitation is a contact too (a letter, held for the call).
    book_meeting(
        cases["Demo Parent Two"],
        worker,
        MeetingDetails(
            day=local_today() + timedelta(days=7),
            at=time(14, 0),
            way="in_person",
            place="the family centre, 1 Demo Street, Leeds",
            attendees="The parent, an interpreter and the worker",
            purpose="Agree the communication plan",
        ),
    )
    # Two meetings held last week: one with every task before it closed (its adjustments in
    # place), one whose interpreter was never booked.
    held = utcnow().replace(hour=14, minute=0, second=0, microsecond=0) - timedelta(days=7)
    for parent, closed in (("Demo Parent One", True), ("Demo Parent Two", False)):
        meeting = Meeting(
            case_id=cases[parent].id,
            starts_at=held,
            way="in_person",
            place="the family centre",
            attendees="The parent and the worker",
            purpose="First meeting",
            needs=[],
            created_by_id=worker.id,
        )
        db.session.add(meeting)
        db.session.flush()
        db.session.add(
            WorkerTask(
                case_id=meeting.case_id,
                meeting_id=meeting.id,
                kind="book_interpreter" if parent == "Demo Parent Two" else "phone_parent",
                text="Book an interpreter in Polish." if not closed else "Phone the parent.",
                due_on=(held - timedelta(days=3)).date(),
                created_at=held - timedelta(days=10),
                done_at=held - timedelta(days=3) if closed else None,
                outcome=TaskOutcome.DONE if closed else None,
                closed_by_id=worker.id if closed else None,
            )
        )
    db.session.commit()
