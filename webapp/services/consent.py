"""A parent's consent: to a screening done with a worker, to sharing their answers with the
clinicians' team, and to each referral to an assessment service. Each is recorded with who,
when and how, and can be withdrawn (recorded and audited; the consent row stays)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from screening import builtin_content
from webapp.access.audit import record_event
from webapp.extensions import db
from webapp.services.errors import WorkflowError
from webapp.services.questions import start_response
from webapp.storage.clock import utcnow
from webapp.storage.records import Case, Consent, Response, User
from webapp.storage.states import ConsentKind, ConsentMethod

if TYPE_CHECKING:
    from questionnaires import Questionnaire

CONSENT_WORDS: dict[str, str] = {
    ConsentKind.SCREENING: "a screening with a worker",
    ConsentKind.SHARING: "sharing their answers with the clinicians' team",
    ConsentKind.REFERRAL: "a referral",
}
CONSENT_METHODS: dict[str, str] = {
    ConsentMethod.IN_PERSON: "in person",
    ConsentMethod.PHONE: "by phone",
    ConsentMethod.IN_WRITING: "in writing",
    ConsentMethod.PARENT_LINK: "through the parent's link",
}

# How a worker can say the parent agreed: the parent's link records its own consent.
WORKER_METHODS = (ConsentMethod.IN_PERSON, ConsentMethod.PHONE, ConsentMethod.IN_WRITING)


def consents_of(case: Case) -> list[Consent]:
    """Every consent of the case, oldest first, withdrawn ones too."""
    return list(
        db.session.scalars(
            select(Consent)
            .where(Consent.case_id == case.id)
            .order_by(Consent.recorded_at, Consent.id)
        )
    )


def current_consent(case: Case, kind: str, pathway: str | None = None) -> Consent | None:
    """The newest consent of this kind (and pathway) that has not been withdrawn."""
    return db.session.scalar(
        select(Consent)
        .where(
            Consent.case_id == case.id,
            Consent.kind == kind,
            Consent.pathway.is_(None) if pathway is None else Consent.pathway == pathway,
            Consent.withdrawn_at.is_(None),
        )
        .order_by(Consent.recorded_at.desc(), Consent.id.desc())
        .limit(1)
    )


def _check_method(method: str | None) -> str:
    if method is None or method not in WORKER_METHODS:
        raise WorkflowError("Select how the parent gave consent")
    return method


def record_consent(
    case: Case,
    kind: str,
    method: str | None,
    by: User,
    *,
    pathway: str | None = None,
    response_id: int | None = None,
    commit: bool = True,
) -> Consent:
    """Record that the parent agreed. A screening's consent is recorded in the same
    transaction as the screening it allows (commit=False)."""
    if kind not in set(ConsentKind):
        raise WorkflowError("Select what the parent agreed to")
    method = _check_method(method)
    if kind == ConsentKind.REFERRAL:
        if pathway not in builtin_content().pathways:
            raise WorkflowError("Select the assessment service the parent agreed to")
    else:
        pathway = None
    if kind != ConsentKind.SCREENING and current_consent(case, kind, pathway) is not None:
        raise WorkflowError("This consent is already recorded")
    consent = Consent(
        case_id=case.id,
        kind=kind,
        pathway=pathway,
        response_id=response_id,
        method=method,
        recorded_by_id=by.id,
        recorded_at=utcnow(),
    )
    db.session.add(consent)
    # Audited by codes only: the kind, the pathway's id and the method.
    record_event(
        "consent.recorded",
        case_id=case.id,
        detail=f"{kind}{':' + pathway if pathway else ''} ({method})",
    )
    if commit:
        db.session.commit()
    return consent


def record_sharing_through_link(case: Case) -> None:
    """The parent's link tells them a health worker in the team may see their answers: their
    "I want to start" is their consent to sharing (in the caller's transaction)."""
    if current_consent(case, ConsentKind.SHARING) is None:
        db.session.add(
            Consent(
                case_id=case.id,
                kind=ConsentKind.SHARING,
                method=ConsentMethod.PARENT_LINK,
                recorded_at=utcnow(),
            )
        )
        record_event("consent.recorded", case_id=case.id, detail="sharing (parent_link)")


def start_screening_with_consent(
    case: Case, questionnaire: Questionnaire, mode: str, by: User, method: str | None
) -> Response:
    """A screening with a worker (or from a paper copy) starts only with the parent's consent
    recorded: both are stored in one commit, or neither."""
    consent = record_consent(case, ConsentKind.SCREENING, method, by, commit=False)
    response = start_response(case, questionnaire, mode, by)
    consent.response_id = response.id
    db.session.commit()
    return response


def consent_of_case(case: Case, consent_id: int) -> Consent | None:
    return db.session.scalar(
        select(Consent).where(Consent.id == consent_id, Consent.case_id == case.id)
    )


def withdraw_consent(consent: Consent, method: str | None, by: User) -> None:
    """The parent took their consent back: recorded, audited, and the row kept."""
    if consent.withdrawn:
        raise WorkflowError("This consent has already been withdrawn")
    consent.withdrawn_method = _check_method(method)
    consent.withdrawn_at = utcnow()
    consent.withdrawn_by_id = by.id
    record_event(
        "consent.withdrawn",
        case_id=consent.case_id,
        detail=f"{consent.kind}{':' + consent.pathway if consent.pathway else ''}"
        f" ({consent.withdrawn_method})",
    )
    db.session.commit()


def require_referral_consent(case: Case, pathway: str | None) -> Consent:
    """A referral to an assessment service needs the parent's consent to that referral."""
    consent = current_consent(case, ConsentKind.REFERRAL, pathway) if pathway else None
    if consent is None:
        content = builtin_content().pathways.get(pathway or "")
        name = content.name if content else "this service"
        raise WorkflowError(
            f"The parent's consent to a referral to {name} is not recorded."
            " Ask the worker to record it before you refer."
        )
    return consent


@dataclass(frozen=True)
class ConsentSummary:
    """What staff pages show: is sharing agreed, and which referrals are."""

    sharing: Consent | None
    referrals: dict[str, Consent]


def consent_summary(case: Case) -> ConsentSummary:
    current = [c for c in consents_of(case) if not c.withdrawn]
    sharing = [c for c in current if c.kind == ConsentKind.SHARING]
    return ConsentSummary(
        sharing=sharing[-1] if sharing else None,
        referrals={c.pathway: c for c in current if c.kind == ConsentKind.REFERRAL and c.pathway},
    )
