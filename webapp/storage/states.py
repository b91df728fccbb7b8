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


# The largest id a record can have: ids are 32-bit on PostgreSQL (Integer). A bigger number in
# an address or a search cannot name a record, so it is answered as not found, never sent to
# the database (which would fail).
MAX_ID = 2**31 - 1
