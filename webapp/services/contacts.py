"""Every contact with the parent, checked against the plan before it goes (channel, format and
order, from screening/content/adjustment_actions.yaml) and kept in the case's contact log:
sent by the service, or recorded by the worker as done outside it. A contact that departs from
the plan goes only with the worker's reason, which is audited."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from screening import builtin_content
from screening.actions import ContactPlan, contact_plan, contact_problems
from webapp.access.audit import record_event
from webapp.extensions import db
from webapp.services.errors import WorkflowError
from webapp.storage.clock import utcnow
from webapp.storage.records import Case, ContactLog, Meeting, Message, User
from webapp.storage.states import MessageKind, MessageStatus

# A contact by the plan's first way keeps the order for the contacts of the next two weeks.
PLAN_WAY_LASTS = timedelta(days=14)
# Every message the service writes to a parent is in easy read (message_words.yaml).
SERVICE_FORMAT = "easy_read"
OUTSIDE_KINDS = {
    "call": "Phone call",
    "letter": "Letter",
    "email": "Email",
    "text": "Text message",
    "visit": "Visit or meeting in person",
}
OUTSIDE_CHANNELS = {
    "call": "phone",
    "letter": "letter",
    "email": "email",
    "text": "sms",
    "visit": "in_person",
}


class PlanNotFollowed(WorkflowError):
    """The contact departs from the plan and no reason to go ahead was given."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(" ".join(problems))


def plan_for_contacts(case: Case) -> ContactPlan:
    plan = case.agreed_plan or case.draft_plan
    ids = [item.adjustment_id for item in plan.active_items] if plan is not None else []
    return contact_plan(ids, builtin_content().actions)


def case_contacts(case: Case) -> list[ContactLog]:
    return list(
        db.session.scalars(
            select(ContactLog)
            .where(ContactLog.case_id == case.id)
            .order_by(ContactLog.at, ContactLog.id)
        )
    )


def check_contact(case: Case, channel: str, format: str) -> list[str]:
    """What in this contact departs from the plan, given the contacts logged before it."""
    earlier = case_contacts(case)
    plan = plan_for_contacts(case)
    since = utcnow() - PLAN_WAY_LASTS
    reached = any(c.channel == plan.channel and c.at >= since for c in earlier)
    last_letter = max((c.at for c in earlier if c.channel == "letter"), default=None)
    phoned = any(
        c.channel == "phone" and (last_letter is None or c.at >= last_letter) for c in earlier
    )
    return contact_problems(
        plan, channel, format, reached_the_plans_way=reached, phoned_since_last_letter=phoned
    )


def log_contact(
    case: Case,
    *,
    kind: str,
    channel: str,
    format: str,
    via_service: bool,
    user: User | None,
    reason: str | None = None,
    note: str | None = None,
    message: Message | None = None,
    meeting: Meeting | None = None,
    problems: list[str] | None = None,
    at=None,
    reason_required: bool = True,
) -> ContactLog:
    """Check and log a contact in the caller's transaction. With problems and no reason, it
    raises PlanNotFollowed and logs nothing: the worker fixes it or gives a reason. A message
    the service sends with nobody to ask (``reason_required=False``) is logged as it is."""
    problems = check_contact(case, channel, format) if problems is None else problems
    reason = (reason or "").strip() or None
    if problems and reason is None and reason_required:
        raise PlanNotFollowed(problems)
    entry = ContactLog(
        case_id=case.id,
        kind=kind,
        channel=channel,
        format=format,
        via_service=via_service,
        message_id=message.id if message is not None else None,
        meeting_id=meeting.id if meeting is not None else None,
        followed_plan=not problems,
        problems=problems,
        reason=reason,
        note=(note or "").strip() or None,
        recorded_by_id=user.id if user is not None else None,
        at=at or utcnow(),
    )
    db.session.add(entry)
    if problems:
        record_event(
            "contact.plan_not_followed",
            case_id=case.id,
            detail=f"{kind} by {channel}: {' '.join(problems)} Reason: {reason}",
        )
    return entry


def service_message_problems(case: Case, channel: str, kind: str, held: bool) -> list[str]:
    """A message the service would queue: a held letter waits for the call, so its order
    follows the plan; a reminder the plan itself asks for is in the plan's way."""
    problems = check_contact(case, channel, SERVICE_FORMAT)
    if held:
        problems = [p for p in problems if "before any letter" not in p]
    if kind == MessageKind.MEETING_REMINDER:
        problems = [p for p in problems if "first;" not in p]
    return problems


def log_service_message(
    case: Case, message: Message, user: User | None, reason: str | None = None
) -> ContactLog:
    """Log a message the service queued for the parent, at the time it goes."""
    problems = service_message_problems(
        case, message.channel, message.kind, message.status == MessageStatus.HELD
    )
    return log_contact(
        case,
        kind=message.kind,
        channel=message.channel,
        format=SERVICE_FORMAT,
        via_service=True,
        user=user,
        reason=reason,
        message=message,
        meeting=db.session.get(Meeting, message.meeting_id) if message.meeting_id else None,
        problems=problems,
        at=message.next_attempt_at,
        reason_required=False,
    )


def record_outside_contact(
    case: Case, user: User, kind: str, format: str, note: str | None, reason: str | None
) -> ContactLog:
    """A contact the worker made outside the service (a call, a letter by hand, a visit)."""
    if kind not in OUTSIDE_KINDS:
        raise WorkflowError("Select what kind of contact it was")
    entry = log_contact(
        case,
        kind=kind,
        channel=OUTSIDE_CHANNELS[kind],
        format=format,
        via_service=False,
        user=user,
        reason=reason,
        note=note,
    )
    record_event("contact.recorded", case_id=case.id, detail=f"{kind}, {format}")
    db.session.commit()
    return entry


def log_phone_call(case: Case, user: User | None, note: str) -> ContactLog:
    """The worker says they phoned the parent (the call a held letter waits for)."""
    return log_contact(
        case,
        kind="call",
        channel="phone",
        format="standard",
        via_service=False,
        user=user,
        note=note,
        reason_required=False,
    )
