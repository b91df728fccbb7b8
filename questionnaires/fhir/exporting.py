"""Our questionnaires and answers as FHIR R4 Questionnaire and QuestionnaireResponse."""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from typing import Any

from questionnaires.errors import Problem, QuestionnaireError
from questionnaires.fhir.common import (
    DECLINED,
    ITEM_CONTROL,
    MAX_VALUE,
    MIN_VALUE,
    OPTION_SYSTEM,
    ORDINAL,
    OUR_TYPE,
    QUESTIONNAIRE_URL,
)
from questionnaires.schema import SKIP, Item, Questionnaire

FHIR_TYPES = {
    "choice": "choice",
    "boolean": "boolean",
    "integer": "integer",
    "decimal": "decimal",
    "text": "string",
}
ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"

Points = Mapping[str, Mapping[str, float]]


def _bound_extensions(item: Item) -> list[dict[str, Any]]:
    extensions: list[dict[str, Any]] = []
    for url, bound in ((MIN_VALUE, item.minimum), (MAX_VALUE, item.maximum)):
        if bound is not None and item.type in ("integer", "decimal"):
            value = (
                {"valueInteger": int(bound)}
                if item.type == "integer"
                else {"valueDecimal": float(bound)}
            )
            extensions.append({"url": url, **value})
    return extensions


def _answer_options(item: Item, points: Points, system: str) -> list[dict[str, Any]]:
    options = []
    for option in item.options:
        answer: dict[str, Any] = {
            "valueCoding": {"system": system, "code": option.value, "display": option.label}
        }
        if item.id in points and option.value in points[item.id]:
            answer["extension"] = [{"url": ORDINAL, "valueDecimal": points[item.id][option.value]}]
        options.append(answer)
    return options


def _check_gates_writable(questionnaire: Questionnaire, item: Item) -> None:
    if len(item.enable_when) > 1 and any(len(g.values) > 1 for g in item.enable_when):
        # FHIR R4 has one enableBehavior for all of an item's conditions: it can say
        # "A=x or A=y" or "A=x and B=z", not "(A=x or A=y) and B=z".
        raise QuestionnaireError(
            [
                Problem(
                    questionnaire.source or questionnaire.key,
                    "its gates wait for one of several answers to one item and also "
                    "for another item; FHIR R4 enableWhen cannot write that",
                    item=item.id,
                )
            ]
        )


def _enable_when(
    questionnaire: Questionnaire, item: Item, points: Points, system: str, entry: dict[str, Any]
) -> None:
    conditions: list[dict[str, Any]] = []
    for gate in item.enable_when:
        gate_item = questionnaire.item(gate.item)
        for value in sorted(gate.values):
            condition: dict[str, Any] = {"question": gate.item, "operator": "="}
            if gate_item.type == "boolean" and gate_item.id not in points:
                condition["answerBoolean"] = value == "yes"
            else:
                condition["answerCoding"] = {"system": system, "code": value}
            conditions.append(condition)
    entry["enableWhen"] = conditions
    if len(item.enable_when) == 1 and len(conditions) > 1:
        entry["enableBehavior"] = "any"
    elif len(conditions) > 1:
        entry["enableBehavior"] = "all"


def _hint_item(item: Item) -> dict[str, Any]:
    flyover = {"coding": [{"system": ITEM_CONTROL_SYSTEM, "code": "flyover"}]}
    return {
        "linkId": f"{item.id}-hint",
        "type": "display",
        "text": item.hint,
        "extension": [{"url": ITEM_CONTROL, "valueCodeableConcept": flyover}],
    }


def _questionnaire_item(
    questionnaire: Questionnaire, item: Item, points: Points, system: str
) -> dict[str, Any]:
    entry: dict[str, Any] = {"linkId": item.id, "text": item.prompt, "type": FHIR_TYPES[item.type]}
    if item.type == "boolean" and item.id in points:
        # FHIR booleans cannot carry scores: a coded yes/no instead.
        entry["type"] = "choice"
        entry["extension"] = [{"url": OUR_TYPE, "valueCode": "boolean"}]
    bounds = _bound_extensions(item)
    if bounds:
        entry.setdefault("extension", []).extend(bounds)
    if item.options and entry["type"] == "choice":
        entry["answerOption"] = _answer_options(item, points, system)
    _check_gates_writable(questionnaire, item)
    if item.enable_when:
        _enable_when(questionnaire, item, points, system, entry)
    if item.hint:
        entry["item"] = [_hint_item(item)]
    return entry


def export_questionnaire(questionnaire: Questionnaire, points: Points | None = None) -> dict:
    """Our questionnaire as a FHIR R4 Questionnaire (validated), with answer points as
    ordinalValue extensions when given."""
    from fhir.resources.R4B.questionnaire import Questionnaire as FhirQuestionnaire

    points = points or {}
    system = f"{OPTION_SYSTEM}:{questionnaire.id}"
    groups = [
        {
            "linkId": section.id,
            "type": "group",
            "text": section.title,
            "item": [
                _questionnaire_item(questionnaire, item, points, system) for item in section.items
            ],
        }
        for section in questionnaire.sections
    ]
    resource = {
        "resourceType": "Questionnaire",
        "id": questionnaire.id,
        "url": f"{QUESTIONNAIRE_URL}{questionnaire.id}",
        "version": questionnaire.version,
        "name": questionnaire.id,
        "title": questionnaire.title,
        "status": "active" if questionnaire.status == "published" else "draft",
        "item": groups,
    }
    if questionnaire.description:
        resource["description"] = questionnaire.description
    FhirQuestionnaire.model_validate(resource)
    return resource


def _response_item(
    item: Item, value: str, scored_booleans: AbstractSet[str], system: str
) -> dict[str, Any]:
    entry: dict[str, Any] = {"linkId": item.id, "text": item.prompt}
    if value == SKIP:
        entry["extension"] = [{"url": DECLINED, "valueBoolean": True}]
    elif item.type == "boolean" and item.id not in scored_booleans:
        entry["answer"] = [{"valueBoolean": value == "yes"}]
    elif item.options:
        coding = {"system": system, "code": value, "display": item.label_for(value)}
        entry["answer"] = [{"valueCoding": coding}]
    elif item.type == "integer":
        entry["answer"] = [{"valueInteger": int(value)}]
    elif item.type == "decimal":
        entry["answer"] = [{"valueDecimal": float(value)}]
    else:
        entry["answer"] = [{"valueString": value}]
    return entry


def export_response(
    questionnaire: Questionnaire,
    answers: Mapping[str, str | None],
    *,
    scored_booleans: AbstractSet[str] = frozenset(),
    status: str = "completed",
) -> dict:
    """Answers as a FHIR R4 QuestionnaireResponse (validated). "I'd rather not say" is an
    item with no answer and a ``declined`` extension; questions not asked are left out."""
    from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

    system = f"{OPTION_SYSTEM}:{questionnaire.id}"
    effective = questionnaire.effective_answers(answers)
    groups = []
    for section in questionnaire.sections:
        items = []
        for item in section.items:
            value = effective.get(item.id)
            if value is not None:
                items.append(_response_item(item, value, scored_booleans, system))
        if items:
            groups.append({"linkId": section.id, "text": section.title, "item": items})
    resource = {
        "resourceType": "QuestionnaireResponse",
        "status": status,
        "questionnaire": f"{QUESTIONNAIRE_URL}{questionnaire.id}|{questionnaire.version}",
        "item": groups,
    }
    QuestionnaireResponse.model_validate(resource)
    return resource
