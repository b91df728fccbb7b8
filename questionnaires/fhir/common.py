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


@dataclass
class FhirImport:
    questionnaire: Questionnaire
    scorecard: dict | None  # our scorecard file format, as plain data
    notes: list[str] = field(default_factory=list)
    link_ids: dict[str, str] = field(default_factory=dict)  # FHIR linkId -> our item id
    total_items: set[str] = field(default_factory=set)  # linkIds that hold a computed total
    options_by_item: dict[str, dict[str, str]] = field(default_factory=dict)  # code -> value


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


def first_invalid(exc: Any) -> str:
    """The first of a pydantic ValidationError's errors, as "not valid FHIR R4: where: why"."""
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    return f"not valid FHIR R4: {where}: {first['msg']}"
