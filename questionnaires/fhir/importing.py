"""A FHIR R4 Questionnaire (or a Bundle holding one) to our format, with its weights as a
scorecard. Gates (``enableWhen``) are converted last, by ``questionnaires.fhir.gates``, once every
item they refer to has its id and options."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from questionnaires.errors import Problem, QuestionnaireError
from questionnaires.fhir.common import (
    ITEM_WEIGHT,
    MAX_VALUE,
    MIN_VALUE,
    ORDINAL,
    OUR_TYPE,
    FhirImport,
    system_of,
    value_of,
)
from questionnaires.fhir.expressions import EVALUATED, language_of
from questionnaires.fhir.gates import PendingGate, convert_gates
from questionnaires.fhir.validation import validated
from questionnaires.fhir.value_sets import (
    GivenValueSet,
    ValueSets,
    concepts,
    read_value_sets,
    split_bundle,
)
from questionnaires.loader import parse_questionnaire

SDC = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-"
EXPRESSIONS = {
    f"{SDC}calculatedExpression": "calculatedExpression",
    f"{SDC}enableWhenExpression": "enableWhenExpression",
    f"{SDC}initialExpression": "initialExpression",
    f"{SDC}answerExpression": "answerExpression",
    "http://hl7.org/fhir/StructureDefinition/cqf-expression": "cqf-expression",
    "http://hl7.org/fhir/StructureDefinition/variable": "variable",
}
# What the importer does instead of evaluating an expression of this kind.
INSTEAD_OF_EXPRESSION = {
    "calculatedExpression": "; the total is recomputed from the answer weights",
    "enableWhenExpression": "; the item is shown always",
    "answerExpression": "; its options are unknown",
}
# CodeSystem concept properties that carry a weight (R5 names it itemWeight).
WEIGHT_PROPERTIES = ("itemWeight", "weight", "ordinalValue")
TYPES = {
    "choice": "choice",
    "open-choice": "choice",
    "boolean": "boolean",
    "integer": "integer",
    "decimal": "decimal",
    "string": "text",
    "text": "text",
}


def _weight(*holders: Mapping | None) -> float | None:
    for holder in holders:
        for extension in (holder or {}).get("extension", []) or []:
            if extension.get("url") in (ORDINAL, ITEM_WEIGHT):
                value = extension.get("valueDecimal", extension.get("valueInteger"))
                if isinstance(value, (int, float)):
                    return float(value)
    return None


def _code_system_weight(concept: Mapping, code_systems: Mapping[str, dict]) -> float | None:
    """The weight of a coding from its CodeSystem's concept: an ordinalValue / itemWeight
    extension, or a weight property."""
    system = code_systems.get(str(concept.get("system")))
    for entry in _walk_concepts((system or {}).get("concept", [])):
        if entry.get("code") != concept.get("code"):
            continue
        weight = _weight(entry)
        if weight is not None:
            return weight
        for prop in entry.get("property", []) or []:
            value = prop.get("valueDecimal", prop.get("valueInteger"))
            if prop.get("code") in WEIGHT_PROPERTIES and isinstance(value, (int, float)):
                return float(value)
    return None


def _walk_concepts(listed: list) -> list[dict]:
    found = []
    for entry in listed or []:
        found.append(entry)
        found += _walk_concepts(entry.get("concept", []))
    return found


def _expressions(node: Any) -> list[tuple[str, str, str]]:
    """(name, expression, language) of every expression extension on this element, including
    those on its primitive values (``_text``, ...), but not on its child items or contained
    resources."""
    found: list[tuple[str, str, str]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("item", "contained"):
                continue
            if key == "extension" and isinstance(value, list):
                for extension in value:
                    if isinstance(extension, dict) and extension.get("url") in EXPRESSIONS:
                        expression = extension.get("valueExpression") or {}
                        text = str(expression.get("expression", ""))
                        found.append((EXPRESSIONS[extension["url"]], text, language_of(expression)))
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


def _hint(item: dict) -> str | None:
    """The text of the item's last child ``display`` item."""
    hint = None
    for child in item.get("item", []) or []:
        if child.get("type") == "display":
            hint = child.get("text")
    return hint


def _bounds(item: dict) -> dict[str, int | float]:
    bounds: dict[str, int | float] = {}
    for extension in item.get("extension", []) or []:
        bound = {MIN_VALUE: "min", MAX_VALUE: "max"}.get(extension.get("url"))
        value = extension.get("valueInteger", extension.get("valueDecimal"))
        if bound and isinstance(value, (int, float)) and not isinstance(value, bool):
            bounds[bound] = value
    return bounds


def _options_from_concepts(listed: list[dict]) -> list[dict]:
    """ValueSet concepts as answerOptions, their systems and weights kept."""
    options = []
    for c in listed:
        coding = {"code": c.get("code"), "display": c.get("display")}
        if c.get("system"):
            coding["system"] = c["system"]
        options.append({"valueCoding": coding, "extension": c.get("extension", [])})
    return options


class _Importer:
    """One import: the notes, the ids taken, and what each item became."""

    def __init__(
        self, known_value_sets: ValueSets, notes: list[str], code_systems: Mapping[str, dict]
    ):
        self.value_sets = known_value_sets
        self.code_systems = code_systems
        self.notes = notes
        self.taken: set[str] = set()
        self.result = FhirImport(questionnaire=None, scorecard=None, notes=notes)  # type: ignore[arg-type]
        self.points: dict[str, dict[str, float]] = {}
        self.pending_gates: list[PendingGate] = []

    def note_expressions(self, node: dict, where: str) -> list[str]:
        """The kinds of expression on this element. FHIRPath variables, calculatedExpressions
        and enableWhenExpressions are evaluated when a response is scored; the others (and any
        in CQL) are reported as not evaluated."""
        names = []
        for name, expression, language in _expressions(node):
            names.append(name)
            if language == "text/fhirpath" and name in EVALUATED:
                if name == "enableWhenExpression":
                    self.notes.append(
                        f"{where}: enableWhenExpression ({expression!r}) is evaluated when a "
                        "FHIR response is scored; our own form shows the item always"
                    )
                continue
            then = INSTEAD_OF_EXPRESSION.get(name, "")
            how = f"in {language} " if language != "text/fhirpath" else ""
            self.notes.append(
                f"{where}: {name} {how}is not supported, not evaluated ({expression!r}){then}"
            )
        return names

    def sections(self, data: dict) -> list[dict]:
        """Top-level groups become sections; loose top-level items go in a first section."""
        sections = []
        loose = []
        for item in data.get("item", []) or []:
            if item.get("type") == "group":
                self.note_expressions(item, f"item '{item.get('linkId')}'")
                items = self.flatten(item.get("item", []))
                if items:
                    sections.append(
                        {
                            "id": _our_id(str(item.get("linkId")), set()),
                            "title": item.get("text") or "Questions",
                            "items": items,
                        }
                    )
            else:
                loose += self.flatten([item])
        if loose:
            sections.insert(
                0, {"id": "main", "title": data.get("title") or "Questions", "items": loose}
            )
        return sections

    def flatten(self, items: list) -> list[dict]:
        """Questions of these items and of their nested groups, in order; display items are
        hints, not questions."""
        out = []
        for item in items or []:
            if item.get("type") == "group":
                self.note_expressions(item, f"item '{item.get('linkId')}'")
                out += self.flatten(item.get("item", []))
            elif item.get("type") == "display":
                continue
            else:
                converted = self.convert_item(item)
                if converted is not None:
                    out.append(converted)
        return out

    def convert_item(self, item: dict) -> dict | None:
        link_id = str(item.get("linkId"))
        expressions = self.note_expressions(item, f"item '{link_id}'")
        # A computed item (a total) is left out and its stored value checked against ours. An
        # item that only carries an expression (a variable, a cqf-expression on its text) is
        # still a question and is kept.
        if "calculatedExpression" in expressions or (item.get("readOnly") and expressions):
            self.result.total_items.add(link_id)
            return None
        our_type = self.our_type(item, link_id)
        if our_type is None:
            return None
        our_id = _our_id(link_id, self.taken)
        self.result.link_ids[link_id] = our_id
        converted: dict[str, Any] = {
            "id": our_id,
            "type": our_type,
            "prompt": item.get("text") or link_id,
        }
        hint = _hint(item)
        if hint:
            converted["hint"] = hint
        converted.update(_bounds(item))
        raw_options = list(item.get("answerOption", []) or [])
        if item.get("answerValueSet"):
            raw_options = self.value_set_options(item, link_id, converted)
        self.add_options(converted, raw_options, link_id)
        if item.get("enableWhen"):
            self.pending_gates.append(
                PendingGate(
                    converted, link_id, item["enableWhen"], item.get("enableBehavior", "all")
                )
            )
        return converted

    def our_type(self, item: dict, link_id: str) -> str | None:
        kind = item.get("type")
        our_type = TYPES.get(kind) if isinstance(kind, str) else None
        for extension in item.get("extension", []) or []:
            if extension.get("url") == OUR_TYPE:
                our_type = extension.get("valueCode", our_type)
        if our_type is None:
            self.notes.append(f"item '{link_id}': type '{kind}' is not supported and was left out")
        return our_type

    def value_set_options(self, item: dict, link_id: str, converted: dict[str, Any]) -> list:
        """The options of the item's answerValueSet; none (and a choice becomes free text) when
        the ValueSet is not given or does not list its concepts."""
        reference = str(item["answerValueSet"])
        value_set, missing = self.value_sets.resolve(reference)
        listed, unlisted = concepts(value_set) if value_set is not None else ([], None)
        if value_set is not None and "|" not in reference:
            versions = self.value_sets.versions_of(reference)
            if len(versions) > 1:
                self.notes.append(
                    f"item '{link_id}': answerValueSet {reference} names no version and "
                    f"versions {', '.join(map(str, versions))} are given; the latest, "
                    f"{value_set.get('version')}, is used"
                )
        if not (missing or unlisted):
            return _options_from_concepts(listed)
        why = f"is a ValueSet that {unlisted}" if unlisted else missing
        then = (
            "a terminology server would be needed to expand it"
            if unlisted
            else "its options and scores are unknown"
        )
        self.notes.append(
            f"item '{link_id}': answerValueSet {reference} {why}, so {then}; "
            "imported as a free-text item, not scored"
        )
        if converted["type"] == "choice":  # a choice with no options would not load at all
            converted["type"] = "text"
        return list(item.get("answerOption", []) or [])

    def add_options(self, converted: dict[str, Any], raw_options: list, link_id: str) -> None:
        """Options (value = code) and their weights as points; the codes a response may give."""
        our_id = converted["id"]
        options = []
        codes: dict[tuple[str | None, str], str] = {}
        for option in raw_options:
            code, raw = value_of(option)
            if code is None:
                continue
            system = system_of(raw)
            label = (raw.get("display") if isinstance(raw, dict) else None) or str(code)
            # The same code in two systems is two options; the second gets its own value.
            same = sum(1 for _, c in codes if c == code)
            value = code if not same else f"{code}_{same + 1}"
            codes[(system, code)] = value
            options.append({"value": value, "label": label})
            weight = _weight(option, raw if isinstance(raw, dict) else None)
            if weight is None and system is not None:
                weight = _code_system_weight(raw, self.code_systems)
            if weight is not None:
                self.points.setdefault(our_id, {})[value] = weight
                self.result.weights[(link_id, system, code)] = weight
        if converted["type"] == "boolean" and not options:
            codes = {(None, "yes"): "yes", (None, "no"): "no"}
        if options:
            converted["options"] = options
        self.result.options_by_item[our_id] = codes

    def questionnaire(self, data: dict, sections: list[dict], source: str) -> tuple[str, str]:
        """Our questionnaire, parsed and checked by the loader; its (id, version)."""
        qid = _our_id(str(data.get("name") or data.get("id") or "imported"), set())
        version = str(data.get("version") or "1")
        if not re.match(r"^\d+(\.\d+){0,2}$", version):
            self.notes.append(f"version '{version}' is not numeric; imported as version 1")
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
        self.result.questionnaire = parse_questionnaire(ours, source=source)
        return qid, version

    def scorecard(self, qid: str, version: str, domain: str) -> dict | None:
        if not self.points:
            return None
        return {
            "id": f"{qid}-fhir",
            "version": version,
            "domain": domain,
            "provenance": "expert",
            "questionnaires": [f"{qid}@{version}"],
            "method": "sum",
            "basis": "Points from the FHIR ordinalValue / itemWeight of each answer.",
            "items": {item: {"points": table} for item, table in self.points.items()},
            "bands": [{"name": "none", "label": "Not banded", "min": 0, "flag": "none"}],
        }


def _checked_source(
    data: Any, source: str, value_sets: Iterable[tuple[str, Any]], notes: list[str]
) -> tuple[dict, list[GivenValueSet]]:
    """The Questionnaire resource, checked (linkIds, then FHIR R4), and the ValueSets given."""
    from fhir.resources.R4B.questionnaire import Questionnaire as FhirQuestionnaire

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
    notes += validated(FhirQuestionnaire, data, source)
    return data, given


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
    notes: list[str] = []
    data, given = _checked_source(data, source, value_sets, notes)
    contained = data.get("contained", []) or []
    code_systems = {
        str(r.get("url")): r
        for r in contained
        if isinstance(r, dict) and r.get("resourceType") == "CodeSystem"
    }
    importer = _Importer(ValueSets(contained, given, notes), notes, code_systems)
    importer.result.source = data
    importer.note_expressions(data, "questionnaire")
    sections = importer.sections(data)
    convert_gates(importer.pending_gates, importer.result, notes)
    qid, version = importer.questionnaire(data, sections, source)
    importer.result.scorecard = importer.scorecard(qid, version, domain)
    return importer.result
