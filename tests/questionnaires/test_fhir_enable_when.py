"""R4 enableWhen as FHIR defines it, applied when a FHIR response is scored: each operator,
enableBehavior, a closed parent closing its children, and a closed question counting as not
answered. Fixtures use placeholder wording."""

from __future__ import annotations

import pytest

from questionnaires.fhir import import_questionnaire, score_fhir_response
from questionnaires.fhir.enable_when import closed_items
from tests.questionnaires.fhir_support import fixture


def gated(operator: str, **answer) -> dict:
    return {
        "item": [
            {"linkId": "n", "type": "integer"},
            {
                "linkId": "later",
                "type": "group",
                "enableWhen": [{"question": "n", "operator": operator, **answer}],
                "item": [{"linkId": "inner", "type": "string"}],
            },
        ]
    }


@pytest.mark.parametrize(
    ("operator", "given", "opens"),
    [
        ("=", 3, True),
        ("=", 4, False),
        ("!=", 4, True),
        ("!=", 3, False),
        (">", 4, True),
        (">", 3, False),
        (">=", 3, True),
        ("<", 2, True),
        ("<=", 4, False),
    ],
)
def test_each_operator_compares_the_answer_as_r4_says(operator, given, opens):
    closed = closed_items(gated(operator, answerInteger=3), {"n": [{"valueInteger": given}]})
    # A closed group closes the items under it.
    assert closed == (set() if opens else {"later", "inner"})


def test_a_question_that_is_itself_closed_counts_as_not_answered():
    questionnaire = {
        "item": [
            {"linkId": "a", "type": "boolean"},
            {
                "linkId": "b",
                "type": "boolean",
                "enableWhen": [{"question": "a", "operator": "=", "answerBoolean": True}],
            },
            {
                "linkId": "c",
                "type": "string",
                "enableWhen": [{"question": "b", "operator": "exists", "answerBoolean": True}],
            },
        ]
    }
    answers = {"a": [{"valueBoolean": False}], "b": [{"valueBoolean": True}]}
    assert closed_items(questionnaire, answers) == {"b", "c"}


def test_codings_match_by_system_and_code():
    questionnaire = {
        "item": [
            {"linkId": "a", "type": "choice"},
            {
                "linkId": "b",
                "type": "string",
                "enableWhen": [
                    {
                        "question": "a",
                        "operator": "=",
                        "answerCoding": {"system": "urn:placeholder:one", "code": "1"},
                    }
                ],
            },
        ]
    }
    other = {"a": [{"valueCoding": {"system": "urn:placeholder:two", "code": "1"}}]}
    same = {"a": [{"valueCoding": {"system": "urn:placeholder:one", "code": "1"}}]}
    assert closed_items(questionnaire, other) == {"b"}
    assert closed_items(questionnaire, same) == set()


def test_an_answer_to_an_item_we_leave_out_is_not_an_error():
    # mood-shaped.json has a date item: our import leaves it out, but it is the
    # questionnaire's own item, so an answer to it is no error (LHC-Forms found this).
    imported = import_questionnaire(fixture("mood-shaped.json"))
    answered = {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "item": [
            {"linkId": "g1", "item": [{"linkId": "when", "answer": [{"valueDate": "2024-01-31"}]}]}
        ],
    }
    assert score_fhir_response(imported, answered)["problems"] == []
