"""Propose a communication plan: flags and stated preferences -> adjustments, each with reasons."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from screening.content import Adjustment, Content, PlanConflict
from screening.flags import Flag


@dataclass(frozen=True)
class ProposedAdjustment:
    adjustment: Adjustment
    reasons: tuple[str, ...]


def propose_plan(
    flags: Iterable[Flag], preferences: Iterable[str], content: Content
) -> list[ProposedAdjustment]:
    """Apply the plan rules in file order; an adjustment added twice keeps every reason."""
    raised = {(f.domain, f.level) for f in flags if f.raised}
    stated = set(preferences)
    reasons: dict[str, list[str]] = {}
    for rule in content.rules:
        if rule.always:
            applies = True
        elif rule.flag_domain is not None:
            applies = any((rule.flag_domain, level) in raised for level in rule.flag_levels)
        else:
            applies = rule.preference in stated
        if not applies:
            continue
        for adj_id in rule.adds:
            reasons.setdefault(adj_id, [])
            if rule.reason not in reasons[adj_id]:
                reasons[adj_id].append(rule.reason)
    return [ProposedAdjustment(content.adjustments[a], tuple(r)) for a, r in reasons.items()]


def preferences_from_contact(contact_method: str | None, language: str | None) -> list[str]:
    """Needs a parent states at referral: preferred contact method and first language."""
    preferences = []
    if contact_method:
        preferences.append(f"contact:{contact_method}")
    if language:
        normalised = language.strip().lower()
        if normalised in {"bsl", "british sign language"}:
            preferences.append("bsl")
        elif normalised not in {"", "english", "en"}:
            preferences.append("interpreter")
    return preferences


def conflicts_with_answers(
    adjustment_ids: Iterable[str],
    answers: Mapping[str, Mapping[str, str | None]],
    content: Content,
) -> dict[str, PlanConflict]:
    """The adjustments among ``adjustment_ids`` that a parent's own answer says no to.
    ``answers``: questionnaire id -> item id -> the parent's newest answer."""
    proposed = set(adjustment_ids)
    found: dict[str, PlanConflict] = {}
    for conflict in content.conflicts:
        given = answers.get(conflict.questionnaire, {}).get(conflict.item)
        if conflict.adjustment in proposed and given == conflict.answer:
            found.setdefault(conflict.adjustment, conflict)
    return found


def kept_removed(
    proposed_reasons: Iterable[str], reasons_when_removed: Iterable[str]
) -> tuple[bool, list[str]]:
    """Whether an adjustment a worker removed stays removed when proposed again: it does
    unless what proposes it now has a reason it did not have when removed. Returns that, and
    the new reasons."""
    before = set(reasons_when_removed)
    new = [reason for reason in proposed_reasons if reason not in before]
    return not new, new
