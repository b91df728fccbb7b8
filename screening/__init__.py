"""The domain: score a response, raise flags with reasons, and route flags and stated
preferences to adjustments and referral pathways. No Flask, no SQLAlchemy: plain values only."""

from screening.content import (
    AIS_CATEGORY_NAMES,
    Adjustment,
    Content,
    Domain,
    Pathway,
    builtin_content,
    load_content,
)
from screening.flags import Flag, explain_reasons, flag_for, highest_level
from screening.plan import ProposedAdjustment, preferences_from_contact, propose_plan
from screening.scoring import Screening, alerts_for_answer, score_response

__all__ = [
    "AIS_CATEGORY_NAMES",
    "Adjustment",
    "Content",
    "Domain",
    "Flag",
    "Pathway",
    "ProposedAdjustment",
    "Screening",
    "alerts_for_answer",
    "builtin_content",
    "explain_reasons",
    "flag_for",
    "highest_level",
    "load_content",
    "preferences_from_contact",
    "propose_plan",
    "score_response",
]
