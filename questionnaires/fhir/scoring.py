"""Score a FHIR QuestionnaireResponse against an imported Questionnaire and its weights."""

from __future__ import annotations

from typing import Any

from questionnaires.fhir.common import FhirImport, first_invalid, value_of
from questionnaires.schema import SKIP


def _failed(message: str) -> dict:
    return {"total": None, "scores": {}, "problems": [{"severity": "error", "message": message}]}


def _response_answers(items: list, found: dict[str, list]) -> None:
    for item in items or []:
        if item.get("answer"):
            found.setdefault(str(item.get("linkId")), []).extend(item["answer"])
        _response_answers(item.get("item", []), found)
        for answer in item.get("answer", []) or []:
            _response_answers(answer.get("item", []), found)


def _our_answers(
    imported: FhirImport, found: dict[str, list], problems: list[dict]
) -> tuple[dict[str, str | None], dict[str, float]]:
    """(our item id -> answer value, linkId -> the total the response stored)."""
    answers: dict[str, str | None] = {}
    stored_totals: dict[str, float] = {}
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
        code, _raw = value_of(given[0])
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
        answers[our_id] = codes[code] if codes and code is not None else code
    return answers, stored_totals


def _check_stored_totals(stored_totals: dict[str, float], total: float, problems: list) -> None:
    for link_id, stored in stored_totals.items():
        if abs(stored - total) > 1e-9:
            problems.append(
                {
                    "severity": "warning",
                    "message": f"item '{link_id}': the "
                    f"stored total {stored:g} differs from the recomputed {total:g}",
                }
            )


def score_fhir_response(imported: FhirImport, response: Any) -> dict:
    """Score a QuestionnaireResponse against an imported Questionnaire: the recomputed total,
    per-scorecard scores, and problems (answers the questionnaire does not offer are errors;
    a stored total that disagrees with ours is a warning)."""
    if not isinstance(response, dict) or response.get("resourceType") != "QuestionnaireResponse":
        return _failed("not a FHIR QuestionnaireResponse resource")
    from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
    from pydantic import ValidationError

    try:
        QuestionnaireResponse.model_validate(response)
    except ValidationError as exc:
        return _failed(first_invalid(exc))
    problems: list[dict] = []
    found: dict[str, list] = {}
    _response_answers(response.get("item", []), found)
    answers, stored_totals = _our_answers(imported, found, problems)
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
        _check_stored_totals(stored_totals, total, problems)
    return {"total": total, "scores": scores, "problems": problems}
