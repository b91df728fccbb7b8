"""FHIR R4 import: types, value sets, hints, gates (enableWhen) and scores (ordinalValue /
itemWeight), and expressions reported rather than dropped. Fixtures use placeholder wording."""

from __future__ import annotations

import json

import pytest

from models import scorecard_from_dict
from questionnaires import Library
from questionnaires.fhir import import_questionnaire, score_fhir_response
from tests.questionnaires.fhir_support import FIXTURES, coding, fixture, response, run

MOOD = fixture("mood-shaped.json")
GATES = fixture("gates.json")
SCORES = fixture("scores.json")
EXPRESSIONS = fixture("expressions.json")


# --- the mood-shaped questionnaire -------------------------------------------------------


def test_import_maps_groups_types_value_sets_gates_and_weights():
    imported = import_questionnaire(MOOD)
    q = imported.questionnaire
    assert (q.id, q.version, q.status) == ("mood_shaped", "2", "published")
    ids = [item.id for item in q.items]
    assert ids == ["q1", "q2", "gate", "q3", "difficulty", "age", "comment"]
    assert q.item("q1").hint == "Placeholder hint."
    assert q.item("q1").option_values == ("f0", "f1", "f2", "f3")
    assert q.item("gate").type == "boolean"
    assert q.item("q3").enable_when[0].item == "gate"
    assert q.item("age").type == "integer" and q.item("comment").type == "text"
    assert imported.scorecard["items"]["q1"]["points"] == {"f0": 0, "f1": 1, "f2": 2, "f3": 3}
    assert imported.scorecard["items"]["q3"]["points"] == {"a": 0, "b": 4}
    assert "difficulty" not in imported.scorecard["items"]  # no weights: unscored
    notes = " ".join(imported.notes)
    assert "item 'total'" not in notes  # a FHIRPath calculatedExpression is evaluated
    assert "item 'when': type 'date' is not supported" in notes
    # The scorecard is our format: the models package reads it.
    card = scorecard_from_dict(imported.scorecard, Library([q]))
    assert card.max_points == 10


def test_scoring_recomputes_the_total_and_applies_the_gate():
    imported = import_questionnaire(MOOD)
    result = score_fhir_response(
        imported,
        response(
            ("Q1", coding("f3")),
            ("Q2", coding("f1")),
            ("gate", {"valueBoolean": False}),
            ("Q3", coding("b")),
            total=4,
        ),
    )
    assert result["total"] == 4  # Q3 is behind a closed gate
    assert result["problems"] == []
    opened = response(("Q1", coding("f3")), ("gate", {"valueBoolean": True}), ("Q3", coding("b")))
    assert score_fhir_response(imported, opened)["total"] == 7


def test_fhir_score_command_prints_the_total_and_fails_on_an_answer_not_offered(tmp_path):
    mood = str(FIXTURES / "mood-shaped.json")
    good = tmp_path / "good.json"
    good.write_text(json.dumps(response(("Q1", coding("f2")), ("Q2", coding("f2")))))
    result = run("fhir-score", mood, str(good))
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    assert output["total"] == 4 and output["scores"] == {"mood_shaped-fhir": 4}
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(response(("Q1", coding("nope")))))
    result = run("fhir-score", mood, str(bad))
    assert result.returncode == 1
    assert json.loads(result.stdout)["problems"] == [
        {
            "severity": "error",
            "message": "item 'Q1': answer 'nope' is not one of the questionnaire's options",
        }
    ]


# --- gates: enableWhen exists, enableBehavior any / all ---------------------------------

# Each gated item in gates.json scores its own power of two for "y", so a total says exactly
# which gated items were open.
WEIGHTS = {
    "exists-true": 1,
    "exists-false": 2,
    "exists-free-text": 4,
    "any-same-question": 8,
    "any-two-questions": 16,
    "any-with-exists-false": 32,
    "all-two-questions": 64,
    "all-same-question": 128,
    "all-with-exists-false": 256,
}
# Gates the schema cannot express: reported, and the item is shown always.
ALWAYS = {"exists-false", "exists-free-text", "any-two-questions", "any-with-exists-false"}
ALWAYS |= {"all-same-question"}


def test_gates_that_can_be_expressed_are_imported_exactly():
    q = import_questionnaire(GATES).questionnaire

    def gates(item_id):
        return [(g.item, set(g.values)) for g in q.item(item_id).enable_when]

    # exists = true: any answer the item offers opens it.
    assert gates("exists-true") == [("q1", {"a", "b", "c"})]
    # any on one question: one of its answers.
    assert gates("any-same-question") == [("q1", {"a", "b"})]
    # all across questions: every condition.
    assert gates("all-two-questions") == [("q1", {"a", "b", "c"}), ("g", {"yes"})]
    # all with an unsupported condition keeps the others.
    assert gates("all-with-exists-false") == [("q1", {"a"})]
    for item_id in ALWAYS:
        assert gates(item_id) == [], item_id


def test_gates_that_cannot_be_expressed_are_reported_with_the_item_and_the_reason():
    notes = import_questionnaire(GATES).notes
    assert notes == [
        "item 'exists-false': its enableWhen 'Q1' exists = false (a gate cannot wait for an "
        "item to be left unanswered) is not supported; that condition is left out",
        "item 'exists-free-text': its enableWhen 'T' exists = true ('T' has no fixed answers "
        "to wait for) is not supported; that condition is left out",
        "item 'any-two-questions': enableBehavior 'any' across different questions (G, Q1) is "
        "not supported; shown always",
        "item 'any-with-exists-false': its enableWhen 'Q1' exists = false (a gate cannot wait "
        "for an item to be left unanswered) is not supported; with enableBehavior 'any' the "
        "item is shown always",
        "item 'all-same-question': enableBehavior 'all' asks one answer to 'Q1' to equal "
        "several different values, which it cannot; that condition is left out",
        "item 'all-with-exists-false': its enableWhen 'T' exists = false (a gate cannot wait "
        "for an item to be left unanswered) is not supported; that condition is left out",
    ]


@pytest.mark.parametrize(
    ("given", "opened"),
    [
        # Scoring a FHIR response follows the source's enableWhen as R4 defines it, also where
        # our own gates cannot hold it (and our form shows the item always).
        # Q1 = a, G = yes, T answered: all but the "exists = false" and "a and b" items.
        (
            {"Q1": coding("a"), "G": {"valueBoolean": True}, "T": {"valueString": "x"}},
            {
                "exists-true",
                "exists-free-text",
                "any-same-question",
                "any-two-questions",
                "any-with-exists-false",
                "all-two-questions",
            },
        ),
        # Nothing answered at the gates: only the items that need Q1 unanswered.
        ({"G": {"valueBoolean": False}}, {"exists-false", "any-with-exists-false"}),
        # Q1 = c: exists, but not one of a / b; G = yes opens the two that ask for it.
        (
            {"Q1": coding("c"), "G": {"valueBoolean": True}},
            {"exists-true", "any-two-questions", "all-two-questions"},
        ),
        (
            {"Q1": coding("b"), "G": {"valueBoolean": False}},
            {"exists-true", "any-same-question"},
        ),
        (
            {"Q1": coding("a")},
            {
                "exists-true",
                "any-same-question",
                "any-two-questions",
                "any-with-exists-false",
                "all-with-exists-false",
            },
        ),
    ],
)
def test_imported_gates_decide_what_counts_when_a_response_is_scored(given, opened):
    imported = import_questionnaire(GATES)
    answers = [(link, answer) for link, answer in given.items()]
    answers += [(link, coding("y")) for link in WEIGHTS]  # "y" to every gated item
    result = score_fhir_response(imported, response(*answers))
    assert result["problems"] == []
    assert result["total"] == sum(WEIGHTS[link] for link in opened)


# --- scores: itemWeight / ordinalValue ----------------------------------------------------


def test_scores_come_from_item_weight_on_value_set_concepts_and_ordinal_value_on_options():
    imported = import_questionnaire(SCORES)
    points = {item: rule["points"] for item, rule in imported.scorecard["items"].items()}
    assert points == {
        # itemWeight on the concepts of a contained ValueSet (compose), decimal and integer
        "s1": {"c0": 0, "c1": 2, "c2": 5.5},
        # itemWeight on a contained ValueSet's expansion
        "s2": {"e0": 0, "e1": 7},
        # ordinalValue on the answerOption's coding
        "s3": {"o0": 0, "o1": 1, "o2": 3},
        # ordinalValue on an answerOption with valueInteger
        "s4": {"1": 10, "2": 20, "3": 30},
    }
    q = imported.questionnaire
    assert [(o.value, o.label) for o in q.item("s1").options] == [
        ("c0", "Placeholder none"),
        ("c1", "Placeholder some"),
        ("c2", "Placeholder lots"),
    ]
    card = scorecard_from_dict(imported.scorecard, Library([q]))
    assert card.max_points == 5.5 + 7 + 3 + 30


def test_a_value_set_that_is_not_contained_is_reported_with_the_item_and_the_url():
    imported = import_questionnaire(SCORES)
    assert imported.notes == [
        "item 'S5': answerValueSet http://example.org/fhir/ValueSet/placeholder-answers is "
        "not contained in the Questionnaire and none of the ValueSets given has that URL, so "
        "its options and scores are unknown; imported as a free-text item, not scored"
    ]
    assert imported.questionnaire.item("s5").type == "text"
    assert "s5" not in imported.scorecard["items"]
    result = score_fhir_response(
        imported,
        response(
            ("S1", coding("c2")),
            ("S2", coding("e1")),
            ("S3", coding("o2")),
            ("S4", {"valueInteger": 2}),
            ("S5", coding("anything")),
        ),
    )
    assert result == {
        "total": 5.5 + 7 + 3 + 20,
        "scores": {"placeholder_scores-fhir": 35.5},
        "problems": [],
        "computed": {},
        "notes": [
            f"item '{link}': answer '{code}' matched by its code alone (the response or the "
            "questionnaire gives no code system)"
            for link, code in (("S1", "c2"), ("S2", "e1"))
        ],
    }


# --- expressions ------------------------------------------------------------------------


def count_expressions(node) -> int:
    if isinstance(node, list):
        return sum(count_expressions(v) for v in node)
    if not isinstance(node, dict):
        return 0
    own = 1 if "valueExpression" in node else 0
    return own + sum(count_expressions(v) for v in node.values())


def test_expressions_not_evaluated_are_reported_with_their_item_and_never_dropped_silently():
    imported = import_questionnaire(EXPRESSIONS)
    # FHIRPath variables and calculatedExpressions are evaluated when a response is scored; an
    # enableWhenExpression too, but our own form cannot, which is said; the cqf-expression on a
    # prompt is not evaluated.
    assert imported.notes == [
        "item 'X2': cqf-expression is not supported, not evaluated "
        "(\"'Placeholder question ' + 2.toString()\")",
        "item 'X3': enableWhenExpression ('%placeholderGroupVariable > 0') is evaluated when "
        "a FHIR response is scored; our own form shows the item always",
    ]
    assert count_expressions(EXPRESSIONS) == 6
    # Questions that only carry an expression are still asked and scored; the computed total
    # is not a question.
    assert [i.id for i in imported.questionnaire.items] == ["x1", "x2", "x3"]
    assert imported.total_items == {"total"}
    assert imported.scorecard["items"] == {
        "x1": {"points": {"n": 0, "y": 1}},
        "x3": {"points": {"n": 0, "y": 2}},
    }


def test_expressions_in_cql_are_reported_with_their_item_and_not_evaluated():
    cql = json.loads(json.dumps(EXPRESSIONS).replace("text/fhirpath", "text/cql"))
    imported = import_questionnaire(cql)
    assert len(imported.notes) == 6
    assert imported.notes[-1] == (
        "item 'total': calculatedExpression in text/cql is not supported, not evaluated "
        "('%resource.repeat(item).answer.value.ordinal().sum()'); the total is recomputed "
        "from the answer weights"
    )
    given = response(("X1", coding("y")), ("X3", coding("y")))
    assert score_fhir_response(imported, given)["total"] == 3


def test_a_stored_total_from_an_expression_is_checked_against_the_recomputed_one():
    imported = import_questionnaire(EXPRESSIONS)
    given = (("X1", coding("y")), ("X2", {"valueString": "x"}), ("X3", coding("y")))
    assert score_fhir_response(imported, response(*given, total=3))["problems"] == []
    problems = score_fhir_response(imported, response(*given, total=2))["problems"]
    assert problems == [
        {
            "severity": "warning",
            "message": "item 'total': the stored total 2 differs from the recomputed 3",
        }
    ]


def test_the_command_reports_expressions_as_notes_without_a_traceback(tmp_path):
    answers = tmp_path / "response.json"
    answers.write_text(json.dumps(response(("X1", coding("y")), total=1)))
    result = run("fhir-score", str(FIXTURES / "expressions.json"), str(answers))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    output = json.loads(result.stdout)
    assert output["total"] == 1
    assert len(output["notes"]) == 2
    assert any(n.startswith("item 'X2': cqf-expression") for n in output["notes"])
