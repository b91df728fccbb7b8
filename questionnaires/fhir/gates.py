"""FHIR ``enableWhen`` conditions as our gates, or as notes saying why a condition was left out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from questionnaires.fhir.common import FhirImport, match_option, system_of, value_of


@dataclass(frozen=True)
class PendingGate:
    """An item's enableWhen, converted once every item it may refer to has been imported."""

    converted: dict[str, Any]  # our item, as plain data; gets "enable_when"
    link_id: str
    conditions: list[dict]
    behaviour: str  # enableBehavior: "all" or "any"


# (FHIR linkId, our item id, answers that open the gate)
Wanted = tuple[str, str, set[str]]


def _exists_condition(
    condition: dict, target: str, question: str, imported: FhirImport
) -> Wanted | str:
    """ "Answered at all" is a gate on every answer the item offers; "not answered" cannot be
    written as a gate, which opens only on given answers. A str is why it is not supported."""
    offered = set((imported.options_by_item.get(question) or {}).values())
    if condition.get("answerBoolean") is True and offered:
        return (target, question, offered)
    if condition.get("answerBoolean") is True:
        return (
            f"its enableWhen '{target}' exists = true ('{target}' has no fixed answers to wait for)"
        )
    return (
        f"its enableWhen '{target}' exists = false (a gate cannot wait for "
        "an item to be left unanswered)"
    )


def _condition(condition: dict, imported: FhirImport) -> Wanted | str:
    """One enableWhen condition as the answers it waits for, or why it is not supported."""
    target = str(condition.get("question"))
    question = imported.link_ids.get(target)
    operator = condition.get("operator")
    if question is None:
        return f"its enableWhen on '{target}', an item not imported"
    if operator == "exists":
        return _exists_condition(condition, target, question, imported)
    value, raw = value_of(
        {k.replace("answer", "value", 1): v for k, v in condition.items() if k.startswith("answer")}
    )
    if operator != "=" or value is None:
        return f"its enableWhen with operator '{operator}'"
    codes = imported.options_by_item.get(question) or {}
    if codes and "answerCoding" in condition:
        # Matched by system and code, as answers are; an answer not offered never opens it.
        value = match_option(codes, system_of(raw), value).value or value
    return (target, question, {value})


def _any_cannot_be_kept(
    gate: PendingGate, wanted: list[Wanted], unsupported: list[str], notes: list[str]
) -> bool:
    """Leaving out one of several "any" conditions would close the gate more often than the
    source does, so the whole gate goes and the item is shown always."""
    targets = sorted({target for target, _, _ in wanted})
    if unsupported:
        notes.append(
            f"item '{gate.link_id}': {'; '.join(unsupported)} is not supported; with "
            "enableBehavior 'any' the item is shown always"
        )
        return True
    if len(targets) > 1:
        notes.append(
            f"item '{gate.link_id}': enableBehavior 'any' across different questions "
            f"({', '.join(targets)}) is not supported; shown always"
        )
        return True
    return False


def _grouped(gate: PendingGate, wanted: list[Wanted], notes: list[str]) -> dict[str, set[str]]:
    """Our item id -> the answers that open the gate, the conditions on each item combined."""
    grouped: dict[str, set[str]] = {}
    link_of = {question: target for target, question, _ in wanted}
    for _target, question, values in wanted:
        if gate.behaviour == "any":
            grouped[question] = grouped.get(question, set()) | values
        else:  # "all": every condition on the same question must hold at once
            grouped[question] = grouped.get(question, values) & values
    for question, values in list(grouped.items()):
        if not values:
            notes.append(
                f"item '{gate.link_id}': enableBehavior 'all' asks one answer to "
                f"'{link_of[question]}' to equal several different values, which it "
                "cannot; that condition is left out"
            )
            del grouped[question]
    return grouped


def _in_option_order(imported: FhirImport, item: str, values: set[str]) -> list[str]:
    order = list(dict.fromkeys((imported.options_by_item.get(item) or {}).values()))
    return sorted(values, key=lambda v: (order.index(v) if v in order else len(order), v))


def convert_gate(gate: PendingGate, imported: FhirImport, notes: list[str]) -> None:
    wanted: list[Wanted] = []
    unsupported: list[str] = []
    for condition in gate.conditions:
        converted = _condition(condition, imported)
        if isinstance(converted, str):
            unsupported.append(converted)
        else:
            wanted.append(converted)
    if gate.behaviour == "any" and _any_cannot_be_kept(gate, wanted, unsupported, notes):
        return
    for reason in unsupported:
        notes.append(
            f"item '{gate.link_id}': {reason} is not supported; that condition is left out"
        )
    grouped = _grouped(gate, wanted, notes)
    if grouped:
        # In the order of the options, so the gate reads like the questionnaire.
        gate.converted["enable_when"] = [
            {"item": q, "in": _in_option_order(imported, q, values)}
            for q, values in grouped.items()
        ]


def convert_gates(gates: list[PendingGate], imported: FhirImport, notes: list[str]) -> None:
    for gate in gates:
        convert_gate(gate, imported, notes)
