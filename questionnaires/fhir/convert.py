"""The mappings between FHIR R4 and our questionnaire format (see docs/fhir.md)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from questionnaires.errors import Problem, QuestionnaireError
from questionnaires.loader import parse_questionnaire
from questionnaires.schema import SKIP, Questionnaire

ORDINAL = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
ITEM_WEIGHT = "http://hl7.org/fhir/StructureDefinition/itemWeight"
ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
EXPRESSIONS = {
    "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression": (
        "calculatedExpression"
    ),
    "http://hl7.org/fhir/StructureDefinition/cqf-expression": "cqf-expression",
    "http://hl7.org/fhir/StructureDefinition/variable": "variable",
}
OUR_TYPE = "urn:screening-service:item-type"
DECLINED = "urn:screening-service:declined"
OPTION_SYSTEM = "urn:screening-service:options"
TYPES = {
    "choice": "choice",
    "open-choice": "choice",
    "boolean": "boolean",
    "integer": "integer",
    "decimal": "decimal",
    "string": "text",
    "text": "text",
}


@dataclass
class FhirImport:
    questionnaire: Questionnaire
    scorecard: dict | None  # our scorecard file format, as plain data
    notes: list[str] = field(default_factory=list)
    link_ids: dict[str, str] = field(default_factory=dict)  # FHIR linkId -> our item id
    total_items: set[str] = field(default_factory=set)  # linkIds that hold a computed total
    options_by_item: dict[str, dict[str, str]] = field(default_factory=dict)  # code -> value


def _weight(*holders: Mapping | None) -> float | None:
    for holder in holders:
        for extension in (holder or {}).get("extension", []) or []:
            if extension.get("url") in (ORDINAL, ITEM_WEIGHT):
                value = extension.get("valueDecimal", extension.get("valueInteger"))
                if isinstance(value, (int, float)):
                    return float(value)
    return None


def _our_id(link_id: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9_-]", "_", str(link_id).lower()) or "item"
    if not base[0].isalpha():
        base = "q" + base
    base = base[:60]
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}_{n}", n + 1
    taken.add(candidate)
    return candidate


def _value_of(answer: Mapping) -> tuple[str | None, Any]:
    """(code-like value, raw) of one FHIR answer/answerOption."""
    if "valueCoding" in answer:
        return str(answer["valueCoding"].get("code")), answer["valueCoding"]
    for key in ("valueString", "valueInteger", "valueDecimal"):
        if key in answer:
            return str(answer[key]), answer[key]
    if "valueBoolean" in answer:
        return ("yes" if answer["valueBoolean"] else "no"), answer["valueBoolean"]
    return None, None


def import_questionnaire(
    data: Any, *, source: str = "<FHIR Questionnaire>", domain: str = "imported"
) -> FhirImport:
    """A FHIR R4 Questionnaire (parsed JSON) to our format. Raises QuestionnaireError with the
    problems; returns notes for what was imported only in part."""
    from fhir.resources.R4B.questionnaire import Questionnaire as FhirQuestionnaire
    from pydantic import ValidationError

    if not isinstance(data, dict) or data.get("resourceType") != "Questionnaire":
        raise QuestionnaireError([Problem(source, "not a FHIR Questionnaire resource")])
    try:
        FhirQuestionnaire.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise QuestionnaireError(
            [Problem(source, f"not valid FHIR R4: {where}: {first['msg']}")]
        ) from None
    notes: list[str] = []
    value_sets = {}
    for resource in data.get("contained", []) or []:
        if resource.get("resourceType") == "ValueSet":
            concepts = [
                c
                for include in resource.get("compose", {}).get("include", [])
                for c in include.get("concept", [])
            ]
            concepts += resource.get("expansion", {}).get("contains", [])
            value_sets["#" + str(resource.get("id"))] = concepts
    taken: set[str] = set()
    result = FhirImport(questionnaire=None, scorecard=None, notes=notes)  # type: ignore[arg-type]
    points: dict[str, dict[str, float]] = {}
    pending_gates: list[tuple[dict, list, str]] = []

    def convert_item(item: dict) -> dict | None:
        link_id = str(item.get("linkId"))
        for extension in item.get("extension", []) or []:
            if extension.get("url") in EXPRESSIONS:
                name = EXPRESSIONS[extension["url"]]
                expression = extension.get("valueExpression", {}).get("expression", "")
                notes.append(
                    f"item '{link_id}': {name} not evaluated ({expression!r}); the "
                    "total is recomputed from the answer weights"
                )
                result.total_items.add(link_id)
                return None
        kind = item.get("type")
        our_type = TYPES.get(kind)
        for extension in item.get("extension", []) or []:
            if extension.get("url") == OUR_TYPE:
                our_type = extension.get("valueCode", our_type)
        if our_type is None:
            notes.append(f"item '{link_id}': type '{kind}' is not supported and was left out")
            return None
        our_id = _our_id(link_id, taken)
        result.link_ids[link_id] = our_id
        hint = None
        for child in item.get("item", []) or []:
            if child.get("type") == "display":
                hint = child.get("text")
        converted: dict[str, Any] = {
            "id": our_id,
            "type": our_type,
            "prompt": item.get("text") or link_id,
        }
        if hint:
            converted["hint"] = hint
        options = []
        codes: dict[str, str] = {}
        raw_options = list(item.get("answerOption", []) or [])
        if item.get("answerValueSet"):
            reference = item["answerValueSet"]
            if reference in value_sets:
                raw_options = [
                    {
                        "valueCoding": {"code": c.get("code"), "display": c.get("display")},
                        "extension": c.get("extension", []),
                    }
                    for c in value_sets[reference]
                ]
            else:
                notes.append(
                    f"item '{link_id}': answerValueSet {reference} is not contained "
                    "in the Questionnaire, so its options are unknown"
                )
        for option in raw_options:
            code, raw = _value_of(option)
            if code is None:
                continue
            label = (raw.get("display") if isinstance(raw, dict) else None) or str(code)
            value = code
            codes[code] = value
            options.append({"value": value, "label": label})
            weight = _weight(option, raw if isinstance(raw, dict) else None)
            if weight is not None:
                points.setdefault(our_id, {})[value] = weight
        if our_type == "boolean" and not options:
            codes = {"yes": "yes", "no": "no"}
        if options:
            converted["options"] = options
            if our_type == "boolean":
                converted["type"] = "boolean"
        result.options_by_item[our_id] = codes
        if item.get("enableWhen"):
            pending_gates.append((converted, item["enableWhen"], item.get("enableBehavior", "all")))
        return converted

    def flatten(items: list, title_prefix: str = "") -> list[dict]:
        out = []
        for item in items or []:
            if item.get("type") == "group":
                out += flatten(item.get("item", []), title_prefix)
            elif item.get("type") == "display":
                continue
            else:
                converted = convert_item(item)
                if converted is not None:
                    out.append(converted)
        return out

    sections = []
    loose = []
    for item in data.get("item", []) or []:
        if item.get("type") == "group":
            items = flatten(item.get("item", []))
            if items:
                sections.append(
                    {
                        "id": _our_id(str(item.get("linkId")), set()),
                        "title": item.get("text") or "Questions",
                        "items": items,
                    }
                )
        else:
            loose += flatten([item])
    if loose:
        sections.insert(
            0, {"id": "main", "title": data.get("title") or "Questions", "items": loose}
        )

    for converted, conditions, behaviour in pending_gates:
        targets = {str(c.get("question")) for c in conditions}
        gates = []
        for condition in conditions:
            question = result.link_ids.get(str(condition.get("question")))
            value, _raw = _value_of(
                {
                    k.replace("answer", "value", 1): v
                    for k, v in condition.items()
                    if k.startswith("answer")
                }
            )
            if condition.get("operator") != "=" or question is None or value is None:
                notes.append(
                    f"item '{converted['id']}': an enableWhen with operator "
                    f"'{condition.get('operator')}' is not supported; shown always"
                )
                continue
            gates.append((question, value))
        if behaviour == "any" and len(targets) > 1:
            notes.append(
                f"item '{converted['id']}': enableBehavior 'any' across different "
                "questions is not supported; shown always"
            )
            continue
        grouped: dict[str, list[str]] = {}
        for question, value in gates:
            grouped.setdefault(question, []).append(value)
        if grouped:
            converted["enable_when"] = [{"item": q, "in": v} for q, v in grouped.items()]

    qid = _our_id(str(data.get("name") or data.get("id") or "imported"), set())
    version = str(data.get("version") or "1")
    if not re.match(r"^\d+(\.\d+){0,2}$", version):
        notes.append(f"version '{version}' is not numeric; imported as version 1")
        version = "1"
    ours = {
        "id": qid,
        "version": version,
        "title": data.get("title") or qid,
        "kind": "instrument",
        "status": "published" if data.get("status") == "active" else "draft",
        "basis": "Imported from a FHIR R4 Questionnaire.",
        "sections": sections,
    }
    if data.get("description"):
        ours["description"] = data["description"]
    result.questionnaire = parse_questionnaire(ours, source=source)
    if points:
        result.scorecard = {
            "id": f"{qid}-fhir",
            "version": version,
            "domain": domain,
            "provenance": "expert",
            "questionnaires": [f"{qid}@{version}"],
            "method": "sum",
            "basis": "Points from the FHIR ordinalValue / itemWeight of each answer.",
            "items": {item: {"points": table} for item, table in points.items()},
            "bands": [{"name": "none", "label": "Not banded", "min": 0, "flag": "none"}],
        }
    return result


def _response_answers(items: list, found: dict[str, list]) -> None:
    for item in items or []:
        if item.get("answer"):
            found.setdefault(str(item.get("linkId")), []).extend(item["answer"])
        _response_answers(item.get("item", []), found)
        for answer in item.get("answer", []) or []:
            _response_answers(answer.get("item", []), found)


def score_fhir_response(imported: FhirImport, response: Any) -> dict:
    """Score a QuestionnaireResponse against an imported Questionnaire: the recomputed total,
    per-scorecard scores, and problems (answers the questionnaire does not offer are errors;
    a stored total that disagrees with ours is a warning)."""
    problems: list[dict] = []
    if not isinstance(response, dict) or response.get("resourceType") != "QuestionnaireResponse":
        return {
            "total": None,
            "scores": {},
            "problems": [
                {"severity": "error", "message": "not a FHIR QuestionnaireResponse resource"}
            ],
        }
    found: dict[str, list] = {}
    _response_answers(response.get("item", []), found)
    answers: dict[str, str | None] = {}
    stored_totals = {}
    for link_id, given in found.items():
        if link_id in imported.total_items:
            value = given[0].get("valueDecimal", given[0].get("valueInteger"))
            if isinstance(value, (int, float)):
                stored_totals[link_id] = float(value)
            continue
        our_id = imported.link_ids.get(link_id)
        if our_id is None:
            problems.append(
                {"severity": "error", "message": f"item '{link_id}' is not in the questionnaire"}
            )
            continue
        code, raw = _value_of(given[0])
        codes = imported.options_by_item.get(our_id) or {}
        if codes and code not in codes:
            problems.append(
                {
                    "severity": "error",
                    "message": f"item '{link_id}': answer "
                    f"'{code}' is not one of the questionnaire's options",
                }
            )
            continue
        answers[our_id] = codes.get(code, code) if codes else code
    effective = imported.questionnaire.effective_answers(answers)
    scores = {}
    total = None
    if imported.scorecard:
        table = {item: rule["points"] for item, rule in imported.scorecard["items"].items()}
        total = sum(
            table.get(item, {}).get(value, 0.0)
            for item, value in effective.items()
            if value not in (None, SKIP)
        )
        scores[imported.scorecard["id"]] = total
        for link_id, stored in stored_totals.items():
            if abs(stored - total) > 1e-9:
                problems.append(
                    {
                        "severity": "warning",
                        "message": f"item '{link_id}': the "
                        f"stored total {stored:g} differs from the recomputed {total:g}",
                    }
                )
    return {"total": total, "scores": scores, "problems": problems}


def export_questionnaire(
    questionnaire: Questionnaire, points: Mapping[str, Mapping[str, float]] | None = None
) -> dict:
    """Our questionnaire as a FHIR R4 Questionnaire (validated), with answer points as
    ordinalValue extensions when given."""
    from fhir.resources.R4B.questionnaire import Questionnaire as FhirQuestionnaire

    points = points or {}
    system = f"{OPTION_SYSTEM}:{questionnaire.id}"
    groups = []
    for section in questionnaire.sections:
        items = []
        for item in section.items:
            scored_boolean = item.type == "boolean" and item.id in points
            fhir_type = {
                "choice": "choice",
                "boolean": "boolean",
                "integer": "integer",
                "decimal": "decimal",
                "text": "string",
            }[item.type]
            entry: dict[str, Any] = {"linkId": item.id, "text": item.prompt, "type": fhir_type}
            if scored_boolean:  # FHIR booleans cannot carry scores: a coded yes/no instead
                entry["type"] = "choice"
                entry["extension"] = [{"url": OUR_TYPE, "valueCode": "boolean"}]
            if item.options and entry["type"] == "choice":
                entry["answerOption"] = []
                for option in item.options:
                    answer = {
                        "valueCoding": {
                            "system": system,
                            "code": option.value,
                            "display": option.label,
                        }
                    }
                    if item.id in points and option.value in points[item.id]:
                        answer["extension"] = [
                            {"url": ORDINAL, "valueDecimal": points[item.id][option.value]}
                        ]
                    entry["answerOption"].append(answer)
            if item.enable_when:
                conditions = []
                for gate in item.enable_when:
                    gate_item = questionnaire.item(gate.item)
                    for value in sorted(gate.values):
                        if gate_item.type == "boolean" and gate_item.id not in points:
                            conditions.append(
                                {
                                    "question": gate.item,
                                    "operator": "=",
                                    "answerBoolean": value == "yes",
                                }
                            )
                        else:
                            conditions.append(
                                {
                                    "question": gate.item,
                                    "operator": "=",
                                    "answerCoding": {"system": system, "code": value},
                                }
                            )
                entry["enableWhen"] = conditions
                if len(item.enable_when) == 1 and len(conditions) > 1:
                    entry["enableBehavior"] = "any"
                elif len(conditions) > 1:
                    entry["enableBehavior"] = "all"
            if item.hint:
                entry["item"] = [
                    {
                        "linkId": f"{item.id}-hint",
                        "type": "display",
                        "text": item.hint,
                        "extension": [
                            {
                                "url": ITEM_CONTROL,
                                "valueCodeableConcept": {
                                    "coding": [
                                        {
                                            "system": "http://hl7.org/fhir/questionnaire-item-control",
                                            "code": "flyover",
                                        }
                                    ]
                                },
                            }
                        ],
                    }
                ]
            items.append(entry)
        groups.append({"linkId": section.id, "type": "group", "text": section.title, "item": items})
    resource = {
        "resourceType": "Questionnaire",
        "id": questionnaire.id,
        "url": f"urn:screening-service:questionnaire:{questionnaire.id}",
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


def export_response(
    questionnaire: Questionnaire,
    answers: Mapping[str, str | None],
    *,
    scored_booleans: set[str] | frozenset = frozenset(),
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
            if item.id not in effective or effective[item.id] is None:
                continue
            value = effective[item.id]
            entry: dict[str, Any] = {"linkId": item.id, "text": item.prompt}
            if value == SKIP:
                entry["extension"] = [{"url": DECLINED, "valueBoolean": True}]
            elif item.type == "boolean" and item.id not in scored_booleans:
                entry["answer"] = [{"valueBoolean": value == "yes"}]
            elif item.options:
                entry["answer"] = [
                    {
                        "valueCoding": {
                            "system": system,
                            "code": value,
                            "display": item.label_for(value),
                        }
                    }
                ]
            elif item.type == "integer":
                entry["answer"] = [{"valueInteger": int(value)}]
            elif item.type == "decimal":
                entry["answer"] = [{"valueDecimal": float(value)}]
            else:
                entry["answer"] = [{"valueString": value}]
            items.append(entry)
        if items:
            groups.append({"linkId": section.id, "text": section.title, "item": items})
    resource = {
        "resourceType": "QuestionnaireResponse",
        "status": status,
        "questionnaire": f"urn:screening-service:questionnaire:{questionnaire.id}"
        f"|{questionnaire.version}",
        "item": groups,
    }
    QuestionnaireResponse.model_validate(resource)
    return resource
