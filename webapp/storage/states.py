"""The states records pass through, one StrEnum each. Columns stay String: a member compares
equal to its stored text, so old rows and new code agree."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    INTAKE = "intake"
    CLINICIAN = "clinician"
    ADMIN = "admin"


class ContactMethod(StrEnum):
    PHONE = "phone"
    LETTER = "letter"
    EMAIL = "email"
    TEXT = "text"


class ResponseMode(StrEnum):
    WITH_WORKER = "with-worker"
    SELF = "self"
    PAPER = "paper"


class ResponseStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class PlanStatus(StrEnum):
    DRAFT = "draft"
    AGREED = "agreed"


class ReviewState(StrEnum):
    """Where a case stands with the clinicians."""

    NOT_NEEDED = "not_needed"
    AWAITING = "awaiting"
    REVIEWED = "reviewed"
    MORE_INFORMATION = "more_information"


class Decision(StrEnum):
    REFER = "refer"
    NO_FURTHER_ACTION = "no_further_action"
    MORE_INFORMATION = "more_information"


class Finding(StrEnum):
    """What a formal assessment found: the labels the scorecards learn from."""

    CONFIRMED = "confirmed"
    NOT_CONFIRMED = "not_confirmed"
    DECLINED = "declined"
    DID_NOT_ATTEND = "did_not_attend"
    AWAITING = "awaiting"


class InvitationState(StrEnum):
    OPEN = "open"
    SUBMITTED = "submitted"
    REVOKED = "revoked"
    EXPIRED = "expired"


class ScorecardStatus(StrEnum):
    CANDIDATE = "candidate"
    ACTIVE = "active"
    RETIRED = "retired"
    DISCARDED = "discarded"


class AlertSource(StrEnum):
    """Where a safety alert came from: the parent's own link, or a screening a worker recorded."""

    PARENT_LINK = "parent_link"
    WORKER_SCREENING = "worker_screening"


class Channel(StrEnum):
    """How a message travels: GOV.UK Notify's three kinds."""

    SMS = "sms"
    EMAIL = "email"
    LETTER = "letter"


class MessageKind(StrEnum):
    """What a message is for: each has its words in services/message_words.yaml."""

    LINK = "link"
    RESEND = "resend"
    REMINDER = "reminder"
    # To the worker, not the parent: their link closes unfinished soon.
    EXPIRY_WARNING = "expiry_warning"
    # To staff, not the parent: a safety alert (the case's worker and the team's duty inbox),
    # and its escalation (the team's lead). Their words name the case, never the answers.
    SAFETY_ALERT = "safety_alert"
    SAFETY_ESCALATION = "safety_escalation"
    # To the parent, by letter only: their copy of the agreed plan, in easy read.
    PLAN_COPY = "plan_copy"
    # A meeting's invitation and its reminders (the plan's adjustments name their times).
    MEETING_INVITATION = "meeting_invitation"
    MEETING_REMINDER = "meeting_reminder"
    # To a new member of staff: their account's set-up link and who invited them (no case).
    STAFF_INVITE = "staff_invite"


class MessageStatus(StrEnum):
    """Where a message in the outbox stands.

    queued: waiting for a sender (or for its retry time); sending: a sender has claimed it (if
    that sender died, another takes it over once the claim runs out and first asks Notify
    whether it arrived); sent: Notify accepted it; failed: Notify refused it for good (the
    worker has a task); held: a letter waiting for the worker's phone call (the plan says
    phone first); to_copy: Notify is not set up, so the worker copies or prints it."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    HELD = "held"
    TO_COPY = "to_copy"
    # Not sent: a reminder or expiry warning whose link closed, expired or had its answers sent
    # before a sender took it (the sender checks when it sends).
    WITHDRAWN = "withdrawn"


class TaskKind(StrEnum):
    MESSAGE_FAILED = "message_failed"
    LINK_EXPIRING = "link_expiring"
    # A case was transferred to the team: someone there must pick it up.
    CASE_TRANSFERRED = "case_transferred"
    # A reminder the plan asks for that the service cannot send: the worker does it by hand.
    MEETING_REMINDER = "meeting_reminder"
    # The other kinds of a meeting's tasks are named in screening/content/adjustment_actions.yaml.


class CloseReason(StrEnum):
    """Why a case was closed (the words are in forms/staff.py CLOSE_REASONS)."""

    SCREENED_NO_NEED = "screened_no_need"
    REFERRED = "referred"
    PARENT_DECLINED = "parent_declined"
    NO_CONTACT = "no_contact"
    MOVED_AWAY = "moved_away"
    DUPLICATE = "duplicate"
    OTHER = "other"


class MeetingWay(StrEnum):
    """How a meeting is held."""

    IN_PERSON = "in_person"
    PHONE = "phone"
    VIDEO = "video"


class TaskOutcome(StrEnum):
    """How a worker closed a task: done, or not needed (with a note saying why)."""

    DONE = "done"
    NOT_NEEDED = "not_needed"


class PathwayStatus(StrEnum):
    """Where one pathway of a referral stands: sent, or its assessment outcome recorded."""

    REFERRED = "referred"
    OUTCOME_RECORDED = "outcome_recorded"


# The largest id a record can have: ids are 32-bit on PostgreSQL (Integer). A bigger number in
# an address or a search cannot name a record, so it is answered as not found, never sent to
# the database (which would fail).
MAX_ID = 2**31 - 1


class ConsentKind(StrEnum):
    """What a parent agreed to (the words are in forms/consent.py)."""

    # To a screening done with a worker (with the parent there, or from a paper copy).
    SCREENING = "screening"
    # To their answers being shared with the clinicians' team.
    SHARING = "sharing"
    # To a referral to one assessment pathway's service.
    REFERRAL = "referral"


class ConsentMethod(StrEnum):
    """How a parent gave or withdrew consent."""

    IN_PERSON = "in_person"
    PHONE = "phone"
    IN_WRITING = "in_writing"
    PARENT_LINK = "parent_link"


class ReviewAnswer(StrEnum):
    """The parent's answer at a plan's review: did this adjustment help? (The words are in
    screening/content/review_questions.yaml.)"""

    HELPED = "helped"
    DID_NOT_HELP = "did_not_help"
    NOT_SURE = "not_sure"


class ReviewAnswerMethod(StrEnum):
    """How the parent's review answers came: recorded by the worker with them (on the phone or
    in person), or given by the parent through a private link."""

    WITH_WORKER = "with_worker"
    PARENT_LINK = "parent_link"
