"""The mappings between FHIR R4 and our questionnaire format (see docs/fhir.md)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from questionnaires.errors import Problem, QuestionnaireError
from questionnaires.fhir.value_sets import (
    GivenValueSet,
    ValueSets,
    concepts,
    read_value_sets,
    split_bundle,
)
from questionnaires.loader import parse_questionnaire
from questionnaires.schema import SKIP, Questionnaire

ORDINAL = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
ITEM_WEIGHT = "http://hl7.org/fhir/StructureDefinition/itemWeight"
ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
SDC = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-"
EXPRESSIONS = {
    f"{SDC}calculatedExpression": "calculatedExpression",
    f"{SDC}enableWhenExpression": "enableWhenExpression",
    f"{SDC}initialExpression": "initialExpression",
    f"{SDC}answerExpression": "answerExpression",
    "http://hl7.org/fhir/StructureDefinition/cqf-expression": "cqf-expression",
    "http://hl7.org/fhir/StructureDefinition/variable": "variable",
}
OUR_TYPE = "urn:screening-service:item-type"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
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


def _expressions(node: Any) -> list[tuple[str, str]]:
    """(name, expression) of every expression extension on this element, including those on its
    primitive values (``_text``, ...), but not on its child items or contained resources."""
    found: list[tuple[str, str]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("item", "contained"):
                continue
            if key == "extension" and isinstance(value, list):
                for extension in value:
                    if isinstance(extension, dict) and extension.get("url") in EXPRESSIONS:
                        expression = extension.get("valueExpression") or {}
                        text = str(expression.get("expression", ""))
                        found.append((EXPRESSIONS[extension["url"]], text))
            found += _expressions(value)
    elif isinstance(node, list):
        for value in node:
            found += _expressions(value)
    return found


def _link_id_problems(items: Any, source: str) -> list[Problem]:
    """Every item needs a linkId, and no two items may share one (FHIR que-2): answers in a
    response are matched by linkId alone."""
    problems: list[Problem] = []
    seen: dict[str, int] = {}

    def walk(items: Any, where: str) -> None:
        if not isinstance(items, list):
            return
        for n, item in enumerate(items, 1):
            if not isinstance(item, dict):
                continue
            place = f"{where}item {n}"
            link_id = item.get("linkId")
            if link_id in (None, ""):
                text = f" ({item['text']!r})" if isinstance(item.get("text"), str) else ""
                problems.append(Problem(source, f"{place}{text} has no linkId"))
            else:
                seen[str(link_id)] = seen.get(str(link_id), 0) + 1
            walk(item.get("item"), f"{place} > ")

    walk(items, "")
    problems += [
        Problem(source, f"linkId '{link_id}' is used by {count} items; each item needs its own")
        for link_id, count in seen.items()
        if count > 1
    ]
    return problems


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
    data: Any,
    *,
    source: str = "<FHIR Questionnaire>",
    domain: str = "imported",
    value_sets: Iterable[tuple[str, Any]] = (),
) -> FhirImport:
    """A FHIR R4 Questionnaire, or a Bundle holding one Questionnaire and ValueSets (parsed
    JSON), to our format. ``value_sets`` are more (file name, parsed JSON) of a ValueSet or a
    Bundle of ValueSets, for ``answerValueSet`` canonical URLs. Raises QuestionnaireError with
    the problems; returns notes for what was imported only in part."""
    from fhir.resources.R4B.questionnaire import Questionnaire as FhirQuestionnaire
    from pydantic import ValidationError

    notes: list[str] = []
    given: list[GivenValueSet] = []
    if isinstance(data, dict) and data.get("resourceType") == "Bundle":
        data, given = split_bundle(data, source, notes)
    elif not isinstance(data, dict) or data.get("resourceType") != "Questionnaire":
        raise QuestionnaireError(
            [Problem(source, "not a FHIR Questionnaire resource (or a Bundle holding one)")]
        )
    for file_source, file_data in value_sets:
        given += read_value_sets(file_data, file_source, notes)
    link_id_problems = _link_id_problems(data.get("item"), source)
    if link_id_problems:
        raise QuestionnaireError(link_id_problems)
    try:
        FhirQuestionnaire.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise QuestionnaireError(
            [Problem(source, f"not valid FHIR R4: {where}: {first['msg']}")]
        ) from None
    known_value_sets = ValueSets(data.get("contained", []) or [], given, notes)
    taken: set[str] = set()
    result = FhirImport(questionnaire=None, scorecard=None, notes=notes)  # type: ignore[arg-type]
    points: dict[str, dict[str, float]] = {}
    pending_gates: list[tuple[dict, list, str]] = []

    def note_expressions(node: dict, where: str) -> list[str]:
        names = []
        for name, expression in _expressions(node):
            names.append(name)
            then = {
                "calculatedExpression": "; the total is recomputed from the answer weights",
                "enableWhenExpression": "; the item is shown always",
                "answerExpression": "; its options are unknown",
            }.get(name, "")
            notes.append(f"{where}: {name} is not supported, not evaluated ({expression!r}){then}")
        return names

    def convert_item(item: dict) -> dict | None:
        link_id = str(item.get("linkId"))
        expressions = note_expressions(item, f"item '{link_id}'")
        # A computed item (a total) is left out and its stored value checked against ours. An
        # item that only carries an expression (a variable, a cqf-expression on its text) is
        # still a question and is kept.
        if "calculatedExpression" in expressions or (item.get("readOnly") and expressions):
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
        for extension in item.get("extension", []) or []:
            bound = {MIN_VALUE: "min", MAX_VALUE: "max"}.get(extension.get("url"))
            value = extension.get("valueInteger", extension.get("valueDecimal"))
            if bound and isinstance(value, (int, float)) and not isinstance(value, bool):
                converted[bound] = value
        options = []
        codes: dict[str, str] = {}
        raw_options = list(item.get("answerOption", []) or [])
        if item.get("answerValueSet"):
            reference = str(item["answerValueSet"])
            value_set, missing = known_value_sets.resolve(reference)
            listed, unlisted = concepts(value_set) if value_set is not None else ([], None)
            if value_set is not None and "|" not in reference:
                versions = known_value_sets.versions_of(reference)
                if len(versions) > 1:
                    notes.append(
                        f"item '{link_id}': answerValueSet {reference} names no version and "
                        f"versions {', '.join(map(str, versions))} are given; the latest, "
                        f"{value_set.get('version')}, is used"
                    )
            if missing or unlisted:
                why = f"is a ValueSet that {unlisted}" if unlisted else missing
                then = (
                    "a terminology server would be needed to expand it"
                    if unlisted
                    else "its options and scores are unknown"
                )
                notes.append(
                    f"item '{link_id}': answerValueSet {reference} {why}, so {then}; "
                    "imported as a free-text item, not scored"
                )
                if our_type == "choice":  # a choice with no options would not load at all
                    our_type = converted["type"] = "text"
            else:
                raw_options = [
                    {
                        "valueCoding": {"code": c.get("code"), "display": c.get("display")},
                        "extension": c.get("extension", []),
                    }
                    for c in listed
                ]
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
            pending_gates.append(
                (converted, link_id, item["enableWhen"], item.get("enableBehavior", "all"))
            )
        return converted

    def flatten(items: list, title_prefix: str = "") -> list[dict]:
        out = []
        for item in items or []:
            if item.get("type") == "group":
                note_expressions(item, f"item '{item.get('linkId')}'")
                out += flatten(item.get("item", []), title_prefix)
            elif item.get("type") == "display":
                continue
            else:
                converted = convert_item(item)
                if converted is not None:
                    out.append(converted)
        return out

    note_expressions(data, "questionnaire")
    sections = []
    loose = []
    for item in data.get("item", []) or []:
        if item.get("type") == "group":
            note_expressions(item, f"item '{item.get('linkId')}'")
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

    for converted, link_id, conditions, behaviour in pending_gates:
        # (FHIR linkId, our item id, answers that open the gate)
        wanted: list[tuple[str, str, set[str]]] = []
        unsupported: list[str] = []
        for condition in conditions:
            target = str(condition.get("question"))
            question = result.link_ids.get(target)
            operator = condition.get("operator")
            if question is None:
                unsupported.append(f"its enableWhen on '{target}', an item not imported")
            elif operator == "exists":
                # "Answered at all" is a gate on every answer the item offers; "not answered"
                # cannot be written as a gate, which opens only on given answers.
                offered = set((result.options_by_item.get(question) or {}).values())
                if condition.get("answerBoolean") is True and offered:
                    wanted.append((target, question, offered))
                elif condition.get("answerBoolean") is True:
                    unsupported.append(
                        f"its enableWhen '{target}' exists = true ('{target}' has no fixed "
                        "answers to wait for)"
                    )
                else:
                    unsupported.append(
                        f"its enableWhen '{target}' exists = false (a gate cannot wait for "
                        "an item to be left unanswered)"
                    )
            else:
                value, _raw = _value_of(
                    {
                        k.replace("answer", "value", 1): v
                        for k, v in condition.items()
                        if k.startswith("answer")
                    }
                )
                if operator != "=" or value is None:
                    unsupported.append(f"its enableWhen with operator '{operator}'")
                else:
                    wanted.append((target, question, {value}))
        targets = sorted({target for target, _, _ in wanted})
        if behaviour == "any":
            # Leaving out one of several "any" conditions would close the gate more often than
            # the source does, so the whole gate goes and the item is shown always.
            if unsupported:
                notes.append(
                    f"item '{link_id}': {'; '.join(unsupported)} is not supported; with "
                    "enableBehavior 'any' the item is shown always"
                )
                continue
            if len(targets) > 1:
                notes.append(
                    f"item '{link_id}': enableBehavior 'any' across different questions "
                    f"({', '.join(targets)}) is not supported; shown always"
                )
                continue
        for reason in unsupported:
            notes.append(f"item '{link_id}': {reason} is not supported; that condition is left out")
        grouped: dict[str, set[str]] = {}
        link_of = {question: target for target, question, _ in wanted}
        for _target, question, values in wanted:
            if behaviour == "any":
                grouped[question] = grouped.get(question, set()) | values
            else:  # "all": every condition on the same question must hold at once
                grouped[question] = grouped.get(question, values) & values
        for question, values in list(grouped.items()):
            if not values:
                notes.append(
                    f"item '{link_id}': enableBehavior 'all' asks one answer to "
                    f"'{link_of[question]}' to equal several different values, which it "
                    "cannot; that condition is left out"
                )
                del grouped[question]
        if grouped:
            # In the order of the options, so the gate reads like the questionnaire.
            converted["enable_when"] = [
                {"item": q, "in": _in_option_order(result, q, values)}
                for q, values in grouped.items()
            ]

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


def _in_option_order(imported: FhirImport, item: str, values: set[str]) -> list[str]:
    order = list(dict.fromkeys((imported.options_by_item.get(item) or {}).values()))
    return sorted(values, key=lambda v: (order.index(v) if v in order else len(order), v))


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
    from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
    from pydantic import ValidationError

    try:
        QuestionnaireResponse.model_validate(response)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return {
            "total": None,
            "scores": {},
            "problems": [
                {"severity": "error", "message": f"not valid FHIR R4: {where}: {first['msg']}"}
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
            for url, bound in ((MIN_VALUE, item.minimum), (MAX_VALUE, item.maximum)):
                if bound is not None and item.type in ("integer", "decimal"):
                    value = {"valueInteger": int(bound)} if item.type == "integer" else None
                    entry.setdefault("extension", []).append(
                        {"url": url, **(value or {"valueDecimal": float(bound)})}
                    )
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
