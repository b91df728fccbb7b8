"""FHIR R4: import with scores from ordinalValue/itemWeight, scoring responses with problems
reported, the fhir-score command, and export that round-trips every built-in questionnaire."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire as FhirQuestionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from models import builtin_scorecards, scorecard_from_dict, scorecards_for
from questionnaires import Library, QuestionnaireError, builtin_library
from questionnaires.fhir import (
    export_questionnaire,
    export_response,
    import_questionnaire,
    score_fhir_response,
)

FIXTURES = Path(__file__).parent / "fhir_fixtures"
ROOT = Path(__file__).resolve().parents[2]
SOURCE = json.loads((FIXTURES / "mood-shaped.json").read_text())


def response(*answers, total=None):
    items = [{"linkId": link, "answer": [answer]} for link, answer in answers]
    if total is not None:
        items.append({"linkId": "total", "answer": [{"valueDecimal": total}]})
    return {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "item": [{"linkId": "g1", "item": items}],
    }


def coding(code):
    return {"valueCoding": {"code": code}}


def test_import_maps_groups_types_value_sets_gates_and_weights():
    imported = import_questionnaire(SOURCE)
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
    assert "calculatedExpression not evaluated" in notes and "type 'date'" in notes
    # The scorecard is our format: the models package reads it.
    card = scorecard_from_dict(imported.scorecard, Library([q]))
    assert card.max_points == 10


def test_scoring_recomputes_the_total_and_applies_the_gate():
    imported = import_questionnaire(SOURCE)
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


def test_an_answer_code_not_offered_is_an_error_and_a_wrong_stored_total_is_reported():
    imported = import_questionnaire(SOURCE)
    result = score_fhir_response(imported, response(("Q1", coding("f9")), total=7))
    messages = [(p["severity"], p["message"]) for p in result["problems"]]
    assert ("error", "item 'Q1': answer 'f9' is not one of the questionnaire's options") in messages
    assert any(s == "warning" and "stored total 7 differs" in m for s, m in messages)


def test_a_broken_questionnaire_is_reported_clearly():
    with pytest.raises(QuestionnaireError, match="not a FHIR Questionnaire"):
        import_questionnaire({"resourceType": "Patient"})
    broken = {**SOURCE, "item": [{"type": "string", "text": "no linkId"}]}
    with pytest.raises(QuestionnaireError, match="not valid FHIR R4"):
        import_questionnaire(broken)


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "questionnaires", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_fhir_score_command(tmp_path):
    good = tmp_path / "good.json"
    good.write_text(json.dumps(response(("Q1", coding("f2")), ("Q2", coding("f2")))))
    result = run("fhir-score", str(FIXTURES / "mood-shaped.json"), str(good))
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    assert output["total"] == 4 and output["scores"] == {"mood_shaped-fhir": 4}
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(response(("Q1", coding("nope")))))
    assert run("fhir-score", str(FIXTURES / "mood-shaped.json"), str(bad)).returncode == 1
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    result = run("fhir-score", str(broken), str(good))
    assert result.returncode == 1 and "not valid JSON" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("questionnaire", list(builtin_library()), ids=lambda q: q.key)
def test_export_is_valid_fhir_and_round_trips(questionnaire):
    cards = scorecards_for(questionnaire.key, builtin_scorecards())
    points = {item: table for card in cards[:1] for item, table in card.points.items()}
    exported = export_questionnaire(questionnaire, points)
    FhirQuestionnaire.model_validate(exported)
    back = import_questionnaire(json.loads(json.dumps(exported)))
    again = back.questionnaire
    assert [i.id for i in again.items] == [i.id for i in questionnaire.items]
    for original, copy in zip(questionnaire.items, again.items, strict=True):
        assert (copy.type, copy.prompt, copy.hint) == (
            original.type,
            original.prompt,
            original.hint,
        )
        assert [(o.value, o.label) for o in copy.options] == [
            (o.value, o.label) for o in original.options
        ]
        assert copy.enable_when == original.enable_when
    if points:
        assert {i: r["points"] for i, r in back.scorecard["items"].items()} == {
            item: {k: v for k, v in table.items()} for item, table in points.items()
        }


def test_responses_export_as_valid_questionnaire_responses():
    preferences = builtin_library().get("communication-preferences")
    answers = {
        "cp_contact": "text",
        "cp_interpreter": "spoken",
        "cp_language": "Polish",
        "cp_phone_first": "skip",
    }
    exported = export_response(preferences, answers)
    QuestionnaireResponse.model_validate(exported)
    items = {i["linkId"]: i for g in exported["item"] for i in g["item"]}
    assert items["cp_contact"]["answer"][0]["valueCoding"]["code"] == "text"
    assert items["cp_language"]["answer"][0]["valueString"] == "Polish"
    assert "answer" not in items["cp_phone_first"]  # "I'd rather not say": declined
    assert items["cp_phone_first"]["extension"][0]["valueBoolean"] is True
