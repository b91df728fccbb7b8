"""The stored records (SQLAlchemy 2 typed ORM). Named "records" so that "models" always means
the scoring model. Every result names the questionnaire and scorecard versions behind it."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.storage.clock import utcnow
from webapp.storage.states import (
    InvitationState,
    MessageStatus,
    PathwayStatus,
    PlanStatus,
    ReviewState,
    ScorecardStatus,
)


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class Team(db.Model):
    __tablename__ = "team"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    # The number a parent can call, shown on their pages and in every message they get.
    phone: Mapped[str | None] = mapped_column(String(40))
    # The team's shared inbox: safety alerts go here as well as to the case's worker.
    duty_email: Mapped[str | None] = mapped_column(String(254))
    # Who an unacknowledged safety alert escalates to.
    lead_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", use_alter=True, name="fk_team_lead_id_user_account")
    )

    lead: Mapped[User | None] = relationship(foreign_keys=[lead_id])


class User(db.Model):
    __tablename__ = "user_account"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    active: Mapped[bool] = mapped_column(default=True)
    # TOTP second factor: the shared secret, the last time-step used (so a code cannot be
    # replayed), and hashes of the one-time recovery codes.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None] = mapped_column()
    recovery_codes: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    # Changed on sign-out or when disabled, so a replayed session cookie no longer matches.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The council's id for the person (the ID token's sub), once they sign in with it.
    council_subject: Mapped[str | None] = mapped_column(String(255), unique=True)

    team: Mapped[Team | None] = relationship(foreign_keys=[team_id])
    # An invited account's one-time set-up link (access/accounts.py): the hash of its token and
    # when it stops working. Both are cleared once the invitee has chosen a password.
    set_up_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    set_up_expires_at: Mapped[datetime | None] = mapped_column()

    # Flask-Login protocol
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"


class Case(db.Model):
    __tablename__ = "case_record"
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)
    parent_name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    address: Mapped[str | None] = mapped_column(Text)
    contact_method: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(80), default="English")
    review_state: Mapped[str] = mapped_column(String(20), default=ReviewState.NOT_NEEDED)
    # When the case joined the review queue; the queue is ordered by waiting time.
    review_requested_at: Mapped[datetime | None] = mapped_column()
    critical_alert: Mapped[bool] = mapped_column(default=False)
    # The highest flag of the latest screening (none / possible / likely); null until screened.
    # Kept on the case so the case list can filter and sort without reading every result.
    flag_level: Mapped[str | None] = mapped_column(String(20))
    # Had the parent been diagnosed with any additional need before the referral?
    # yes / no / unknown: the dashboard compares newly flagged with previously diagnosed.
    previously_diagnosed: Mapped[str] = mapped_column(
        String(10), default="unknown", server_default="unknown"
    )
    # When the latest clinician decision was a referral (null otherwise): the referred list
    # reads this indexed column instead of grouping every review.
    referred_at: Mapped[datetime | None] = mapped_column()
    # A legal hold stops the retention purge deleting this case.
    legal_hold: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The case's worker: whoever opened it, until it is transferred (safety alerts name them).
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    # A closed case leaves the lists and queues and cannot be changed until it is reopened.
    # Its retention still runs from when it was opened.
    closed_at: Mapped[datetime | None] = mapped_column()
    close_reason: Mapped[str | None] = mapped_column(String(30))
    close_note: Mapped[str | None] = mapped_column(Text)
    # What a receiving service asks for in a referral, each optional: the NHS number is
    # stored as its 10 digits, its check digit already checked.
    date_of_birth: Mapped[date | None] = mapped_column()
    gp_practice: Mapped[str | None] = mapped_column(String(200))
    nhs_number: Mapped[str | None] = mapped_column(String(10))

    team: Mapped[Team] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    assigned_to: Mapped[User | None] = relationship(foreign_keys=[assigned_to_id])
    responses: Mapped[list[Response]] = relationship(
        back_populates="case", order_by="Response.created_at", cascade="all, delete-orphan"
    )
    plans: Mapped[list[Plan]] = relationship(
        back_populates="case", order_by="Plan.version", cascade="all, delete-orphan"
    )
    reviews: Mapped[list[Review]] = relationship(
        back_populates="case", order_by="Review.created_at", cascade="all, delete-orphan"
    )
    outcomes: Mapped[list[Outcome]] = relationship(
        back_populates="case", order_by="Outcome.recorded_at", cascade="all, delete-orphan"
    )

    invitations: Mapped[list[Invitation]] = relationship(
        back_populates="case", order_by="Invitation.created_at", cascade="all, delete-orphan"
    )
    safety_alerts: Mapped[list[SafetyAlert]] = relationship(
        back_populates="case",
        order_by=lambda: (SafetyAlert.raised_at, SafetyAlert.id),
        cascade="all, delete-orphan",
    )
    # The alerts nobody has acknowledged yet, oldest first (read-only: for lists and banners).
    open_safety_alerts: Mapped[list[SafetyAlert]] = relationship(
        primaryjoin="and_(SafetyAlert.case_id == Case.id, SafetyAlert.acknowledged_at.is_(None))",
        order_by=lambda: (SafetyAlert.raised_at, SafetyAlert.id),
        viewonly=True,
    )

    __table_args__ = (
        # The review queue: its filter, its counts (covered), and its order's columns.
        Index(
            "ix_case_queue",
            "team_id",
            "review_state",
            "critical_alert",
            "review_requested_at",
            "id",
        ),
        Index("ix_case_team_opened", "team_id", "created_at", "id"),
        # The referral list: cases with an open safety alert first, each part in index order.
        Index("ix_case_team_alert_opened", "team_id", "critical_alert", "created_at", "id"),
        Index("ix_case_team_flag", "team_id", "flag_level", "created_at"),
        Index("ix_case_team_referred", "team_id", "referred_at"),
    )

    @property
    def reference(self) -> str:
        return f"C{self.id:06d}"

    @property
    def closed(self) -> bool:
        return self.closed_at is not None

    @property
    def agreed_plan(self) -> Plan | None:
        agreed = [plan for plan in self.plans if plan.status == PlanStatus.AGREED]
        return agreed[-1] if agreed else None

    @property
    def draft_plan(self) -> Plan | None:
        drafts = [plan for plan in self.plans if plan.status == PlanStatus.DRAFT]
        return drafts[-1] if drafts else None


class Invitation(db.Model):
    """A parent's private link. Only a hash of the token is stored; the link itself is shown
    once to the worker who made it."""

    __tablename__ = "invitation"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("case_record.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The random id a parent's session holds for this link (made when the link is first
    # opened): a cookie forged with the public development secret cannot guess it, as it could
    # a sequential id.
    session_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    questionnaire_keys: Mapped[list[str]] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    first_used_at: Mapped[datetime | None] = mapped_column()
    consent_at: Mapped[datetime | None] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()
    submitted_at: Mapped[datetime | None] = mapped_column()
    # Display options the parent chose (text size, spacing, background, font), kept per link.
    display: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)

    case: Mapped[Case] = relationship(back_populates="invitations")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    responses: Mapped[list[Response]] = relationship(
        back_populates="invitation", order_by="Response.id"
    )

    def state(self, now: datetime) -> str:
        """open, submitted, revoked or expired."""
        if self.submitted_at is not None:
            return InvitationState.SUBMITTED
        if self.revoked_at is not None:
            return InvitationState.REVOKED
        if now >= self.expires_at:
            return InvitationState.EXPIRED
        return InvitationState.OPEN


class Response(db.Model):
    """One completion of one questionnaire version for a case."""

    __tablename__ = "response"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("case_record.id", ondelete="CASCADE"), index=True
    )
    questionnaire_id: Mapped[str] = mapped_column(String(64))
    questionnaire_version: Mapped[str] = mapped_column(String(20))
    mode: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitation.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column()

    case: Mapped[Case] = relationship(back_populates="responses")
    invitation: Mapped[Invitation | None] = relationship(back_populates="responses")
    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )
    results: Mapped[list[Result]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )
    # Who recorded the answers with the parent or from paper (none for a parent's link).
    started_by: Mapped[User | None] = relationship(foreign_keys=[started_by_id])

    @property
    def answer_map(self) -> dict[str, str]:
        return {answer.item_id: answer.value for answer in self.answers}

    @property
    def current_results(self) -> list[Result]:
        """The results that count: not superseded by an explicit re-score."""
        return [result for result in self.results if result.superseded_at is None]


class Answer(db.Model):
    """One answer, upserted per (response, item); ``seq`` stops a stale save overwriting."""

    __tablename__ = "answer"
    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"))
    item_id: Mapped[str] = mapped_column(String(64))
    value: Mapped[str] = mapped_column(Text)
    # Milliseconds since 1970 when the answer was given: needs 64 bits.
    seq: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    response: Mapped[Response] = relationship(back_populates="answers")

    __table_args__ = (UniqueConstraint("response_id", "item_id", name="uq_answer_item"),)


class SafetyAlert(db.Model):
    """A critical answer (a scorecard's critical item) and what staff did about it: raised at
    once, shown to the team until a worker records the safety check, escalated to the team's
    lead when nobody has within SAFETY_ALERT_ESCALATE_HOURS. One per response and item, so the
    autosave firing again raises nothing new."""

    __tablename__ = "safety_alert"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("case_record.id", ondelete="CASCADE"), index=True
    )
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"))
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)
    # What raised it: questionnaire key (id@version), the item, the answer given, and where
    # (AlertSource: the parent's own link, or a screening a worker recorded).
    questionnaire_key: Mapped[str] = mapped_column(String(90))
    item_id: Mapped[str] = mapped_column(String(64))
    answer: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(20))
    acknowledged_at: Mapped[datetime | None] = mapped_column(index=True)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # What the worker did for the safety check, in their words.
    action_taken: Mapped[str | None] = mapped_column(Text)
    escalated_at: Mapped[datetime | None] = mapped_column()
    escalated_to_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    case: Mapped[Case] = relationship(back_populates="safety_alerts")
    response: Mapped[Response] = relationship()
    acknowledged_by: Mapped[User | None] = relationship(foreign_keys=[acknowledged_by_id])
    escalated_to: Mapped[User | None] = relationship(foreign_keys=[escalated_to_id])

    __table_args__ = (UniqueConstraint("response_id", "item_id", name="uq_safety_alert_item"),)

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None


class Result(db.Model):
    """One domain score of one submitted response, pinned to the versions that produced it."""

    __tablename__ = "result"
    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("response.id", ondelete="CASCADE"), index=True
    )
    domain: Mapped[str] = mapped_column(String(40))
    questionnaire_id: Mapped[str] = mapped_column(String(64))
    questionnaire_version: Mapped[str] = mapped_column(String(20))
    scorecard_id: Mapped[str] = mapped_column(String(64))
    scorecard_version: Mapped[str] = mapped_column(String(20))
    points: Mapped[float] = mapped_column()
    max_points: Mapped[float] = mapped_column()
    total: Mapped[float] = mapped_column()
    band: Mapped[str] = mapped_column(String(40))
    band_label: Mapped[str] = mapped_column(String(80))
    flag_level: Mapped[str] = mapped_column(String(20))
    headline: Mapped[str] = mapped_column(Text)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    contributions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    alerts: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    pathway: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when a lead re-scored the response with a newer scorecard version: the old result
    # stays, with the version that produced it, but no longer counts.
    superseded_at: Mapped[datetime | None] = mapped_column()

    response: Mapped[Response] = relationship(back_populates="results")


class Plan(db.Model):
    """A version of a parent's communication plan: draft until the worker agrees it."""

    __tablename__ = "plan"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("case_record.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column()
    status: Mapped[str] = mapped_column(String(20), default="draft")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    agreed_at: Mapped[datetime | None] = mapped_column()
    agreed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    review_date: Mapped[date | None] = mapped_column()

    case: Mapped[Case] = relationship(back_populates="plans")
    items: Mapped[list[PlanItem]] = relationship(
        back_populates="plan", order_by="PlanItem.id", cascade="all, delete-orphan"
    )
    agreed_by: Mapped[User | None] = relationship()

    __table_args__ = (UniqueConstraint("case_id", "version", name="uq_plan_version"),)

    @property
    def active_items(self) -> list[PlanItem]:
        return [item for item in self.items if not item.removed]


class PlanItem(db.Model):
    __tablename__ = "plan_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    adjustment_id: Mapped[str] = mapped_column(String(64))
    # "rule" when the rules proposed it; "worker" when a worker added it.
    source: Mapped[str] = mapped_column(String(20))
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    removed: Mapped[bool] = mapped_column(default=False)
    removed_reason: Mapped[str | None] = mapped_column(Text)
    # The plan version in which a worker removed it: later versions keep it removed (and say
    # so) unless what proposes it changes; then it is proposed again, the old reason kept.
    removed_in_version: Mapped[int | None] = mapped_column()
    previously_removed_reason: Mapped[str | None] = mapped_column(Text)
    # What the parent said against it ("question: answer"), when they said no to what it
    # does; the plan cannot be agreed until the worker keeps it (conflict_kept) or removes it.
    conflict: Mapped[str | None] = mapped_column(Text)
    conflict_kept: Mapped[bool] = mapped_column(default=False, server_default=false())

    plan: Mapped[Plan] = relationship(back_populates="items")


class Review(db.Model):
    """A clinician's decision on a flagged case."""

    __tablename__ = "review"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("case_record.id", ondelete="CASCADE"), index=True
    )
    clinician_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    decision: Mapped[str] = mapped_column(String(30))
    note: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship(back_populates="reviews")
    clinician: Mapped[User] = relationship()
    # A referral names one pathway per area it refers (a parent may need several).
    pathways: Mapped[list[ReviewPathway]] = relationship(
        back_populates="review", order_by="ReviewPathway.id", cascade="all, delete-orphan"
    )


class Outcome(db.Model):
    """What a formal assessment found in one domain: the label the scorecards learn from."""

    __tablename__ = "outcome"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("case_record.id", ondelete="CASCADE"), index=True
    )
    domain: Mapped[str] = mapped_column(String(40))
    finding: Mapped[str] = mapped_column(String(30))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship(back_populates="outcomes")
    recorded_by: Mapped[User] = relationship()


class ScorecardVersion(db.Model):
    """A scorecard fitted from recorded outcomes: a candidate until someone approves it, then
    the active scorecard for its domain. Old results keep the version that produced them."""

    __tablename__ = "scorecard_version"
    id: Mapped[int] = mapped_column(primary_key=True)
    domain: Mapped[str] = mapped_column(String(40), index=True)
    scorecard_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(20))
    # candidate / active / retired / discarded
    status: Mapped[str] = mapped_column(String(20), default=ScorecardStatus.CANDIDATE)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    evaluation: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    outcomes_used: Mapped[int] = mapped_column()
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column()

    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    __table_args__ = (UniqueConstraint("scorecard_id", "version", name="uq_scorecard_version"),)


class ApiToken(db.Model):
    """A case-management system's key to the JSON API: read-only, for one team. Only a hash
    of the token is kept."""

    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column()

    team: Mapped[Team] = relationship()


class AuditEvent(db.Model):
    """Who did what to which case, and when. The application only ever adds rows."""

    __tablename__ = "audit_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    role: Mapped[str | None] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(60))
    case_id: Mapped[int | None] = mapped_column(index=True)
    outcome: Mapped[str] = mapped_column(String(20), default="ok")
    detail: Mapped[str | None] = mapped_column(Text)
    # The client's address as the app sees it (behind TRUSTED_PROXY_HOPS proxies, the real one).
    client_address: Mapped[str | None] = mapped_column(String(45))
    # How many times it happened: an anonymous denial of one kind from one client shares one
    # row a minute (access/audit.py), so a flood of bad links cannot grow the table without end.
    times: Mapped[int] = mapped_column(default=1, server_default="1")


class Message(db.Model):
    """One message in the outbox: written in the same transaction as what caused it, sent
    later by `flask send-messages`. ``reference`` goes to Notify with the send, so a sender
    that cannot tell whether a send arrived asks Notify by it before sending again."""

    __tablename__ = "message"
    id: Mapped[int] = mapped_column(primary_key=True)
    # Null for a message to staff about no case (an account's set-up link).
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("case_record.id", ondelete="CASCADE"), index=True
    )
    # A link's messages hold the link: they are deleted with it under the retention rules.
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitation.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(30))
    channel: Mapped[str] = mapped_column(String(10))
    # Only what the send needs: the number, address or postal address, and our words.
    recipient: Mapped[str] = mapped_column(Text)
    subject: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    reference: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(20), default=MessageStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    # When a sender may next take it: its retry time, or when a sender's claim runs out.
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    notify_id: Mapped[str | None] = mapped_column(String(64), index=True)
    # Notify's delivery receipt (its callback): delivered, or which failure, and when.
    delivery_status: Mapped[str | None] = mapped_column(String(30))
    delivered_at: Mapped[datetime | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column()

    case: Mapped[Case | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    # The senders' query: what is due, in order.
    __table_args__ = (Index("ix_message_due", "status", "next_attempt_at", "id"),)
    # The meeting an invitation or reminder is about (null for messages about a link).
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )


class WorkerTask(db.Model):
    """Something a worker has to do by hand, such as a message Notify refused."""

    __tablename__ = "worker_task"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("case_record.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(30))
    text: Mapped[str] = mapped_column(Text)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("message.id", ondelete="SET NULL"))
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitation.id", ondelete="CASCADE")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column()

    case: Mapped[Case] = relationship()
    # Tasks from a plan's adjustments (adjustment_actions.yaml): when it is due, the meeting
    # and adjustment it comes from, and how the worker closed it (done, or not needed and why).
    due_on: Mapped[date | None] = mapped_column(index=True)
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    adjustment_id: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class Meeting(db.Model):
    """A meeting with the parent that a worker booked: when, how (in person, phone, video),
    where, who comes and why, and what the plan's adjustments ask the room and meeting for."""

    __tablename__ = "meeting"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("case_record.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[datetime] = mapped_column()  # UTC, like every stored time
    way: Mapped[str] = mapped_column(String(20))
    place: Mapped[str] = mapped_column(Text)
    attendees: Mapped[str] = mapped_column(Text)
    purpose: Mapped[str] = mapped_column(Text)
    # From the plan when it was booked: what the room and meeting need, the invitation's format.
    needs: Mapped[list[str]] = mapped_column(JSON, default=list)
    invitation_format: Mapped[str] = mapped_column(String(20), default="standard")
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    case: Mapped[Case] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])


class ContactLog(db.Model):
    """One contact with the parent, sent by the service or recorded by the worker as done
    outside it, and whether its channel, format and order followed the plan. A contact that
    did not keeps the problems found and the worker's reason for going ahead."""

    __tablename__ = "contact_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("case_record.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # What it was: a message kind (link, meeting_invitation, ...) or outside: call, letter, ...
    kind: Mapped[str] = mapped_column(String(30))
    channel: Mapped[str] = mapped_column(String(20))
    format: Mapped[str] = mapped_column(String(20))
    via_service: Mapped[bool] = mapped_column()
    message_id: Mapped[int | None] = mapped_column(ForeignKey("message.id", ondelete="SET NULL"))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="SET NULL"))
    followed_plan: Mapped[bool] = mapped_column()
    problems: Mapped[list[str]] = mapped_column(JSON, default=list)
    reason: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    case: Mapped[Case] = relationship()
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])


class ReviewPathway(db.Model):
    """One area of a clinician's referral: the pathway it went to, where it stands, and the
    assessment outcome once recorded (the outcome is what the scorecards learn from)."""

    __tablename__ = "review_pathway"
    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    # Null only for a decision made before one pathway per area, whose area was not known.
    domain: Mapped[str | None] = mapped_column(String(40))
    pathway: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), default=PathwayStatus.REFERRED)
    outcome_id: Mapped[int | None] = mapped_column(ForeignKey("outcome.id", ondelete="SET NULL"))

    review: Mapped[Review] = relationship(back_populates="pathways")
    outcome: Mapped[Outcome | None] = relationship()


class Consent(db.Model):
    """A parent's consent to one thing (a screening, sharing, a referral): who recorded it,
    when and how; and, once withdrawn, who recorded that, when and how. Never deleted by a
    withdrawal: the record of what was agreed stays."""

    __tablename__ = "consent"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("case_record.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    # A referral's consent names its pathway; the others name none.
    pathway: Mapped[str | None] = mapped_column(String(64))
    # A screening's consent names the answer set it was given for.
    response_id: Mapped[int | None] = mapped_column(ForeignKey("response.id", ondelete="SET NULL"))
    method: Mapped[str] = mapped_column(String(20))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column()
    withdrawn_method: Mapped[str | None] = mapped_column(String(20))
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    case: Mapped[Case] = relationship()
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])
    withdrawn_by: Mapped[User | None] = relationship(foreign_keys=[withdrawn_by_id])

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class PlanReviewAnswer(db.Model):
    """The parent's answer, at the review of one agreed plan version, to whether one of its
    adjustments helped: who recorded it, when and how (ReviewAnswerMethod). One per plan version
    and adjustment; answering again replaces it (each answer is audited)."""

    __tablename__ = "plan_review_answer"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("case_record.id", ondelete="CASCADE"), index=True
    )
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    adjustment_id: Mapped[str] = mapped_column(String(64))
    answer: Mapped[str] = mapped_column(String(20))
    # What else the parent said about it, in the worker's words (optional).
    note: Mapped[str | None] = mapped_column(Text)
    method: Mapped[str] = mapped_column(String(20))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    plan: Mapped[Plan] = relationship()
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])

    __table_args__ = (UniqueConstraint("plan_id", "adjustment_id", name="uq_plan_review_answer"),)
