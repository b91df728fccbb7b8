"""What import, export and scoring share: extension URLs, the import record, one answer's value."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from questionnaires.schema import Questionnaire

ORDINAL = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
ITEM_WEIGHT = "http://hl7.org/fhir/StructureDefinition/itemWeight"
ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
OUR_TYPE = "urn:screening-service:item-type"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
DECLINED = "urn:screening-service:declined"
OPTION_SYSTEM = "urn:screening-service:options"
QUESTIONNAIRE_URL = "urn:screening-service:questionnaire:"


OptionKey = tuple[str | None, str]  # (code system, code)


@dataclass
class FhirImport:
    questionnaire: Questionnaire
    scorecard: dict | None  # our scorecard file format, as plain data
    notes: list[str] = field(default_factory=list)
    link_ids: dict[str, str] = field(default_factory=dict)  # FHIR linkId -> our item id
    total_items: set[str] = field(default_factory=set)  # linkIds that hold a computed total
    # our item id -> (code system, code) -> our option value; the system is None when the
    # source gives none
    options_by_item: dict[str, dict[OptionKey, str]] = field(default_factory=dict)
    source: dict = field(default_factory=dict)  # the Questionnaire resource, for its expressions
    # (linkId, system, code) -> the answer's weight (ordinalValue / itemWeight), for weight()
    weights: dict[tuple[str, str | None, str], float] = field(default_factory=dict)


def value_of(answer: Mapping) -> tuple[str | None, Any]:
    """(code-like value, raw) of one FHIR answer/answerOption."""
    if "valueCoding" in answer:
        return str(answer["valueCoding"].get("code")), answer["valueCoding"]
    for key in ("valueString", "valueInteger", "valueDecimal"):
        if key in answer:
            return str(answer[key]), answer[key]
    if "valueBoolean" in answer:
        return ("yes" if answer["valueBoolean"] else "no"), answer["valueBoolean"]
    return None, None


def system_of(raw: Any) -> str | None:
    """The code system of a coding (None for other values, or a coding that gives none)."""
    if isinstance(raw, Mapping) and raw.get("system"):
        return str(raw["system"])
    return None


def match_option(codes: Mapping[OptionKey, str], system: str | None, code: str) -> Match:
    """Our option value for a (system, code), matched by system and code. A code alone is
    matched only when one side gives no system (and the match says so); a code that several
    systems share needs its system."""
    if (system, code) in codes:
        return Match(codes[(system, code)], by_code_alone=False)
    if system is None:
        same_code = [value for (_, c), value in codes.items() if c == code]
        if len(same_code) == 1:
            return Match(same_code[0], by_code_alone=True)
        return Match(None, by_code_alone=False, ambiguous=len(same_code) > 1)
    if (None, code) in codes:
        return Match(codes[(None, code)], by_code_alone=True)
    return Match(None, by_code_alone=False)


@dataclass(frozen=True)
class Match:
    value: str | None
    by_code_alone: bool
    ambiguous: bool = False
