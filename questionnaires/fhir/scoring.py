"""Score a FHIR QuestionnaireResponse against an imported Questionnaire and its weights.

A total that the Questionnaire computes with a FHIRPath ``calculatedExpression`` comes from the
expression (``questionnaires.fhir.expressions``); one without comes from the answer weights."""

from __future__ import annotations

import copy
from typing import Any

from questionnaires.errors import QuestionnaireError
from questionnaires.fhir.common import (
    FhirImport,
    match_option,
    system_of,
    value_of,
)
from questionnaires.fhir.enable_when import closed_items
from questionnaires.fhir.expressions import (
    Evaluation,
    children,
    evaluate_expressions,
    has_expressions,
)
from questionnaires.fhir.validation import validated
from questionnaires.schema import SKIP

# Expressions may read other computed items: evaluate again until nothing changes.
MAX_PASSES = 5
QUANTITY_KEYS = ("valueDecimal", "valueInteger")


def _failed(message: str) -> dict:
    return {
        "total": None,
        "scores": {},
        "problems": [{"severity": "error", "message": message}],
        "computed": {},
        "notes": [],
    }


def _response_answers(items: list, found: dict[str, list]) -> None:
    for item in items or []:
        if item.get("answer"):
            found.setdefault(str(item.get("linkId")), []).extend(item["answer"])
        _response_answers(children(item), found)


def stored_number(answer: dict) -> float | None:
    """A stored total, whatever its type: decimal, integer, Quantity, or a number as a string."""
    for key in QUANTITY_KEYS:
        value = answer.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    quantity = answer.get("valueQuantity")
    if isinstance(quantity, dict) and isinstance(quantity.get("value"), (int, float)):
        return float(quantity["value"])
    if isinstance(answer.get("valueString"), str):
        try:
            return float(answer["valueString"])
        except ValueError:
            return None
    return None


def _problem(severity: str, message: str) -> dict:
    return {"severity": severity, "message": message}


def _our_answers(
    imported: FhirImport, found: dict[str, list], problems: list[dict], notes: list[str]
) -> tuple[dict[str, str | None], dict[str, list[float]]]:
    """(our item id -> answer value, linkId -> the totals the response stored)."""
    answers: dict[str, str | None] = {}
    stored_totals: dict[str, list[float]] = {}
    left_out = _unimported_links(imported)
    for link_id, given in found.items():
        if link_id in left_out:
            continue  # an item of the source we do not score (a date, ...): not an error
        if link_id in imported.total_items:
            stored_totals[link_id] = [
                n for n in (stored_number(answer) for answer in given) if n is not None
            ]
            continue
        our_id = imported.link_ids.get(link_id)
        if our_id is None:
            problems.append(_problem("error", f"item '{link_id}' is not in the questionnaire"))
            continue
        code, raw = value_of(given[0])
        codes = imported.options_by_item.get(our_id) or {}
        if not codes or code is None:
            answers[our_id] = code
            continue
        matched = match_option(codes, system_of(raw), code)
        if matched.value is None:
            why = (
                "is a code of several systems the questionnaire offers; give its system"
                if matched.ambiguous
                else "is not one of the questionnaire's options"
            )
            shown = f"{system_of(raw)}|{code}" if system_of(raw) else code
            problems.append(_problem("error", f"item '{link_id}': answer '{shown}' {why}"))
            continue
        if matched.by_code_alone:
            notes.append(
                f"item '{link_id}': answer '{code}' matched by its code alone (the "
                "response or the questionnaire gives no code system)"
            )
        answers[our_id] = matched.value
    return answers, stored_totals


def _check_stored_totals(
    stored_totals: dict[str, list[float]],
    computed: dict[str, float | None],
    problems: list,
) -> None:
    """Every stored total against the one computed for its item: each difference reported."""
    for link_id, stored in stored_totals.items():
        ours = computed.get(link_id)
        for value in stored:
            if ours is None:
                problems.append(
                    _problem(
                        "warning",
                        f"item '{link_id}': the stored total {value:g} is given, but the "
                        "answers give no total",
                    )
                )
            elif abs(value - ours) > 1e-9:
                problems.append(
                    _problem(
                        "warning",
                        f"item '{link_id}': the stored total {value:g} differs from the "
                        f"recomputed {ours:g}",
                    )
                )


def _weight_of(imported: FhirImport):
    """weight() for the expressions: matched by system and code as answers are."""
    by_item: dict[str | None, dict[tuple[str | None, str], float]] = {}
    for (link_id, system, code), weight in imported.weights.items():
        by_item.setdefault(link_id, {})[(system, code)] = weight

    def weight_of(link_id: str | None, system: str | None, code: str) -> float | None:
        if link_id in by_item:
            weights = by_item[link_id]
            keys = {key: str(n) for n, key in enumerate(weights)}
            matched = match_option(keys, system, code).value
            return list(weights.values())[int(matched)] if matched is not None else None
        # A coding we cannot place (one the expression made): its weight when every item
        # that offers this system and code agrees on it.
        found = {w for (_, s, c), w in imported.weights.items() if (s, c) == (system, code)}
        return found.pop() if len(found) == 1 else None

    return weight_of


def _working_copy(
    response: dict, keep: set[str], drop: set[str], computed: dict[str, float | None]
) -> dict:
    """The response as the expressions see it: answers behind closed gates removed, and each
    computed item holding the value computed for it (not the one stored)."""
    working = copy.deepcopy(response)

    def walk(items: list) -> None:
        for item in items or []:
            link_id = str(item.get("linkId"))
            if link_id in computed:
                value = computed[link_id]
                item["answer"] = [] if value is None else [{"valueDecimal": value}]
            elif link_id in drop or (link_id not in keep and item.get("answer")):
                item.pop("answer", None)
            if not item.get("answer"):
                item.pop("answer", None)
            walk(item.get("item", []) or [])
            for answer in item.get("answer", []) or []:
                walk(answer.get("item", []) or [])

    walk(working.get("item", []))
    return working


def _evaluated(
    imported: FhirImport, response: dict, answers: dict[str, str | None], closed: set[str]
) -> tuple[dict[str, Any], Evaluation]:
    """Our effective answers (our gates and the enableWhenExpressions applied) and what the
    expressions gave, evaluated again until stable. ``closed``: what the source's enableWhen
    closes."""
    link_of = {our: link for link, our in imported.link_ids.items()}
    unscored = _unimported_links(imported)
    evaluation = Evaluation()
    effective: dict[str, Any] = {}
    for _ in range(MAX_PASSES):
        kept = {k: v for k, v in answers.items() if link_of.get(k) not in evaluation.disabled}
        effective = imported.questionnaire.effective_answers(kept)
        keep = {link_of[k] for k, v in effective.items() if v not in (None, SKIP)} | unscored
        drop = evaluation.disabled | closed
        working = _working_copy(response, keep, drop, evaluation.computed)
        again = evaluate_expressions(imported.source, working, _weight_of(imported))
        stable = (again.disabled, again.computed) == (evaluation.disabled, evaluation.computed)
        evaluation = again
        if stable:
            break
    return effective, evaluation


def _link_of(imported: FhirImport, our_id: str) -> str | None:
    return next((link for link, our in imported.link_ids.items() if our == our_id), None)


def _unimported_links(imported: FhirImport) -> set[str]:
    """Items of the source that are neither our questions nor totals (dates, ...): their
    answers stay visible to expressions."""
    found: set[str] = set()

    def walk(items: list) -> None:
        for item in items or []:
            link_id = str(item.get("linkId"))
            if link_id not in imported.link_ids and link_id not in imported.total_items:
                found.add(link_id)
            walk(item.get("item", []) or [])

    walk(imported.source.get("item", []))
    return found


def score_fhir_response(imported: FhirImport, response: Any) -> dict:
    """Score a QuestionnaireResponse against an imported Questionnaire: the total (from its
    calculatedExpression, else from the weights), per-scorecard scores, every computed item's
    value, problems (answers the questionnaire does not offer are errors; a stored total that
    disagrees with ours is a warning) and notes (an answer matched by its code alone)."""
    if not isinstance(response, dict) or response.get("resourceType") != "QuestionnaireResponse":
        return _failed("not a FHIR QuestionnaireResponse resource")
    from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

    try:
        leniency = validated(QuestionnaireResponse, response, "the response")
    except QuestionnaireError as exc:
        return _failed(exc.problems[0].message)
    problems = [_problem("warning", warning) for warning in leniency]
    found: dict[str, list] = {}
    _response_answers(response.get("item", []), found)
    notes: list[str] = []
    answers, stored_totals = _our_answers(imported, found, problems, notes)
    # The source's own enableWhen, as R4 defines it (our gates cannot hold every condition).
    closed = closed_items(imported.source, found) if imported.source else set()
    answers = {
        our: value for our, value in answers.items() if _link_of(imported, our) not in closed
    }
    if imported.source and has_expressions(imported.source):
        effective, evaluation = _evaluated(imported, response, answers, closed)
        problems += [_problem("warning", p) for p in evaluation.problems]
    else:
        effective, evaluation = imported.questionnaire.effective_answers(answers), Evaluation()
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
    # Each computed item: its expression's value, or (no FHIRPath expression) the weights' sum.
    computed = {link: evaluation.computed.get(link, total) for link in imported.total_items}
    if evaluation.computed:
        # The total is what the last computed item in the questionnaire gives (the overall
        # total comes after any sub-scores).
        total = evaluation.computed[list(evaluation.computed)[-1]]
    _check_stored_totals(stored_totals, computed, problems)
    return {
        "total": total,
        "scores": scores,
        "problems": problems,
        "computed": computed,
        "notes": notes,
    }
