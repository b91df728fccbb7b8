"""SDC expressions evaluated when a FHIR response is scored (variables at each level, in order;
calculatedExpression; enableWhenExpression; weight() and ordinal()), and codes matched by their
system and code. Fixtures use placeholder wording."""

from __future__ import annotations

import json

import pytest

from questionnaires.fhir import import_questionnaire, score_fhir_response
from tests.questionnaires.fhir_support import fixture

GUARDED = fixture("guarded-total.json")
TWO_SYSTEMS = fixture("two-systems.json")
LOINC = "http://loinc.org"
FIRST, SECOND, WEIGHTED = (f"urn:placeholder:{s}" for s in ("first", "second", "weighted"))
CODE_ALONE = "matched by its code alone (the response or the questionnaire gives no code system)"


def answered(*answers: tuple[str, str | None, str], extra: list | None = None) -> dict:
    """A response with one coded answer per (linkId, system or None, code), at the top level."""
    items = [
        {"linkId": link, "answer": [{"valueCoding": {"code": code} | ({"system": s} if s else {})}]}
        for link, s, code in answers
    ]
    return {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "item": items + (extra or []),
    }


# --- calculatedExpression and variables ---------------------------------------------------


def test_a_total_guarded_by_all_five_answers_is_given_only_when_all_five_are_answered():
    imported = import_questionnaire(GUARDED)
    assert imported.notes == []  # every expression in it is evaluated
    three = score_fhir_response(imported, answered(*((f"q{n}", LOINC, "LA1") for n in (1, 2, 3))))
    # The weights alone would give 3; the source's own expression gives no total.
    assert three["total"] is None and three["computed"] == {"total": None}
    assert three["scores"] == {"guarded_total-fhir": 3}
    five = score_fhir_response(imported, answered(*((f"q{n}", LOINC, "LA2") for n in range(1, 6))))
    assert five["total"] == 10 and five["problems"] == []


def test_variables_are_evaluated_in_order_and_see_those_of_the_levels_above():
    # The total's own variable reads the questionnaire's, which reads the one before it.
    imported = import_questionnaire(GUARDED)
    reordered = json.loads(json.dumps(GUARDED))
    reordered["extension"].reverse()  # "answered" now comes before the "scores" it reads
    late = import_questionnaire(reordered)
    five = answered(*((f"q{n}", LOINC, "LA3") for n in range(1, 6)))
    assert score_fhir_response(imported, five)["total"] == 15
    assert score_fhir_response(late, five)["total"] is None


def test_the_stored_total_is_checked_against_the_expression_not_the_weights():
    imported = import_questionnaire(GUARDED)
    stored = [{"linkId": "total", "answer": [{"valueDecimal": 3}]}]
    result = score_fhir_response(
        imported, answered(*((f"q{n}", LOINC, "LA1") for n in (1, 2, 3)), extra=stored)
    )
    assert result["total"] is None
    assert result["problems"] == [
        {
            "severity": "warning",
            "message": "item 'total': the stored total 3 is given, but the answers give no total",
        }
    ]


def test_an_expression_that_cannot_be_evaluated_is_a_warning_naming_the_item():
    broken = json.loads(json.dumps(GUARDED))
    broken["item"][-1]["extension"][1]["valueExpression"]["expression"] = "%scores.nosuch()"
    result = score_fhir_response(import_questionnaire(broken), answered(("q1", LOINC, "LA1")))
    assert result["total"] is None
    [problem] = result["problems"]
    assert problem["severity"] == "warning"
    assert problem["message"].startswith(
        "item 'total': the expression '%scores.nosuch()' could not be evaluated"
    )


# --- enableWhenExpression -------------------------------------------------------------------


def with_enable_when(expression: str) -> dict:
    """The guarded questionnaire, its fifth question shown only when the expression holds."""
    source = json.loads(json.dumps(GUARDED))
    source["item"][4]["extension"] = [
        {
            "url": "http://hl7.org/fhir/uv/sdc/StructureDefinition/"
            "sdc-questionnaire-enableWhenExpression",
            "valueExpression": {"language": "text/fhirpath", "expression": expression},
        }
    ]
    source["item"][-1]["extension"][1]["valueExpression"]["expression"] = "%scores.sum()"
    return source


def test_an_answer_behind_a_closed_enable_when_expression_does_not_count():
    closed = import_questionnaire(
        with_enable_when("%resource.item.where(linkId='q1').answer.value.weight() > 2")
    )
    given = answered(("q1", LOINC, "LA1"), ("q5", LOINC, "LA3"))
    assert score_fhir_response(closed, given)["total"] == 1
    assert score_fhir_response(closed, given)["scores"] == {"guarded_total-fhir": 1}
    opened = answered(("q1", LOINC, "LA3"), ("q5", LOINC, "LA3"))
    assert score_fhir_response(closed, opened)["total"] == 6


# --- codes with their systems ---------------------------------------------------------------


def test_the_same_codes_in_two_systems_keep_their_own_weights():
    imported = import_questionnaire(TWO_SYSTEMS)
    assert imported.scorecard["items"]["a"]["points"] == {"1": 1, "2": 2, "1_2": 10, "2_2": 20}
    # Weights from the CodeSystem's itemWeight property, the options carrying none.
    assert imported.scorecard["items"]["b"]["points"] == {"1": 100, "2": 200}
    second = score_fhir_response(imported, answered(("a", SECOND, "1"), ("b", WEIGHTED, "2")))
    assert (second["total"], second["problems"], second["notes"]) == (210, [], [])
    first = score_fhir_response(imported, answered(("a", FIRST, "1"), ("b", WEIGHTED, "2")))
    assert first["total"] == 201


def test_a_code_alone_is_matched_only_when_no_system_is_given_and_then_reported():
    imported = import_questionnaire(TWO_SYSTEMS)
    result = score_fhir_response(imported, answered(("a", None, "1"), ("b", None, "1")))
    assert result["problems"] == [
        {
            "severity": "error",
            "message": "item 'a': answer '1' is a code of several systems the questionnaire "
            "offers; give its system",
        }
    ]
    assert result["notes"] == [f"item 'b': answer '1' {CODE_ALONE}"]
    assert result["total"] == 100
    other = score_fhir_response(imported, answered(("a", "urn:placeholder:other", "1")))
    assert other["problems"] == [
        {
            "severity": "error",
            "message": "item 'a': answer 'urn:placeholder:other|1' is not one of the "
            "questionnaire's options",
        }
    ]


# --- stored totals, whatever their type ------------------------------------------------------


@pytest.mark.parametrize(
    "stored",
    [
        {"valueQuantity": {"value": 13, "unit": "score"}},
        {"valueInteger": 13},
        {"valueDecimal": 13.0},
        {"valueString": "13"},
    ],
    ids=["quantity", "integer", "decimal", "string"],
)
def test_a_stored_total_of_any_type_that_disagrees_with_the_answers_is_reported(stored):
    imported = import_questionnaire(GUARDED)
    total = [{"linkId": "total", "answer": [stored]}]
    five = answered(*((f"q{n}", LOINC, "LA2") for n in range(1, 6)), extra=total)
    result = score_fhir_response(imported, five)
    assert result["total"] == 10
    assert result["problems"] == [
        {
            "severity": "warning",
            "message": "item 'total': the stored total 13 differs from the recomputed 10",
        }
    ]


def test_every_stored_total_that_differs_is_reported():
    imported = import_questionnaire(GUARDED)
    total = [
        {"linkId": "total", "answer": [{"valueQuantity": {"value": 13}}, {"valueInteger": 10}]},
        {"linkId": "total", "answer": [{"valueDecimal": 9.5}]},
    ]
    five = answered(*((f"q{n}", LOINC, "LA2") for n in range(1, 6)), extra=total)
    messages = [p["message"] for p in score_fhir_response(imported, five)["problems"]]
    assert messages == [
        "item 'total': the stored total 13 differs from the recomputed 10",
        "item 'total': the stored total 9.5 differs from the recomputed 10",
    ]
