"""What a referral summary carries for the receiving service: who the parent is and how to
reach them, their GP, consent to refer, their communication needs and plan, the decision
and the screening results."""

from __future__ import annotations

from dataclasses import dataclass

from screening import builtin_content
from webapp.services.consent import CONSENT_METHODS, consent_summary
from webapp.services.results import latest_results
from webapp.storage.records import Case, Plan, Result, Review

NOT_GIVEN = "Not given"
NOT_RECORDED = "Not recorded"


def consent_to_refer(case: Case) -> str | None:
    """The parent's consent to each referral not withdrawn: to which service, how, when and
    who recorded it, in words; None while none is recorded."""
    pathways = builtin_content().pathways
    parts = []
    for pathway_id, consent in consent_summary(case).referrals.items():
        pathway = pathways.get(pathway_id)
        by = f", recorded by {consent.recorded_by.name}" if consent.recorded_by else ""
        parts.append(
            f"{pathway.name if pathway else 'Another service'}: given "
            f"{CONSENT_METHODS[consent.method]} on {consent.recorded_at:%-d %B %Y}{by}"
        )
    return "; ".join(parts) or None


def nhs_number_shown(digits: str | None) -> str | None:
    """An NHS number as people read it (943 476 5919)."""
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}" if digits else None


@dataclass(frozen=True)
class ReferralSummary:
    case: Case
    # (label, value) in the order a receiving service reads them; "Not given" where unknown.
    details: list[tuple[str, str]]
    plan: Plan | None
    review: Review | None
    results: list[Result]


def referral_summary(case: Case, contact_labels: dict[str, str]) -> ReferralSummary:
    details = [
        ("Name", case.parent_name),
        (
            "Date of birth",
            case.date_of_birth.strftime("%-d %B %Y") if case.date_of_birth else NOT_GIVEN,
        ),
        ("Address", case.address or NOT_GIVEN),
        ("GP practice", case.gp_practice or NOT_GIVEN),
        ("NHS number", nhs_number_shown(case.nhs_number) or "Not known"),
        ("Consent to refer", consent_to_refer(case) or NOT_RECORDED),
        ("First language", case.language),
        ("Prefers contact by", contact_labels.get(case.contact_method, case.contact_method)),
        ("Phone", case.phone or NOT_GIVEN),
        ("Email", case.email or NOT_GIVEN),
    ]
    return ReferralSummary(
        case=case,
        details=details,
        plan=case.agreed_plan or case.draft_plan,
        review=case.reviews[-1] if case.reviews else None,
        results=latest_results(case),
    )
