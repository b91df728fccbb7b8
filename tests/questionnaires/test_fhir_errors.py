"""Broken FHIR input gives one clear message naming the file and the problem: from the importer
(QuestionnaireError) and from ``python -m questionnaires fhir-score`` (exit status 1, no
traceback)."""

from __future__ import annotations

import json

import pytest

from questionnaires import QuestionnaireError
from questionnaires.fhir import import_questionnaire, score_fhir_response
from tests.questionnaires.fhir_support import FIXTURES, coding, fixture, response, run

BROKEN = [
    ("not-json.json", "not valid JSON (Expecting value: line 2 column 1 (char 44))"),
    ("not-a-questionnaire.json", "not a FHIR Questionnaire resource (or a Bundle holding one)"),
    ("missing-linkid.json", "item 1 > item 2 ('Placeholder question 2') has no linkId"),
    ("duplicate-linkid.json", "linkId 'Q1' is used by 2 items; each item needs its own"),
]


@pytest.mark.parametrize(("name", "problem"), BROKEN)
def test_the_command_names_the_file_and_the_problem(name, problem, tmp_path):
    answers = tmp_path / "response.json"
    answers.write_text(json.dumps(response(("Q1", {"valueString": "x"}))))
    path = str(FIXTURES / name)
    result = run("fhir-score", path, str(answers))
    assert result.returncode == 1
    assert result.stderr == f"{path}: {problem}\n"
    assert result.stdout == ""


@pytest.mark.parametrize(("name", "problem"), BROKEN[1:])
def test_the_importer_raises_one_problem_naming_the_source(name, problem):
    with pytest.raises(QuestionnaireError) as raised:
        import_questionnaire(fixture(name), source=name)
    assert [str(p) for p in raised.value.problems] == [f"{name}: {problem}"]


def test_every_missing_and_duplicate_link_id_is_reported_at_once():
    broken = fixture("duplicate-linkid.json")
    broken["item"][0]["item"] += [
        {"type": "string", "text": "Placeholder question 3"},
        {"linkId": "g2", "type": "string", "text": "Placeholder question 4"},
    ]
    with pytest.raises(QuestionnaireError) as raised:
        import_questionnaire(broken, source="q.json")
    assert [str(p) for p in raised.value.problems] == [
        "q.json: item 1 > item 2 ('Placeholder question 3') has no linkId",
        "q.json: linkId 'Q1' is used by 2 items; each item needs its own",
        "q.json: linkId 'g2' is used by 2 items; each item needs its own",
    ]


def test_a_questionnaire_that_is_not_valid_fhir_is_reported_with_where():
    broken = fixture("mood-shaped.json")
    broken["item"][0]["item"][0]["required"] = "perhaps"
    with pytest.raises(
        QuestionnaireError, match=r"^q\.json: not valid FHIR R4: item\.0\.item\.0\.required: "
    ):
        import_questionnaire(broken, source="q.json")


def test_a_file_that_cannot_be_read_is_reported(tmp_path):
    missing = str(tmp_path / "missing.json")
    result = run("fhir-score", missing, missing)
    assert result.returncode == 1
    assert result.stderr == f"{missing}: cannot read the file (No such file or directory)\n"


@pytest.mark.parametrize(
    ("broken_response", "problem"),
    [
        ({"resourceType": "Questionnaire"}, "not a FHIR QuestionnaireResponse resource"),
        # An answer that is not an object: reported, not a traceback.
        (
            {
                "resourceType": "QuestionnaireResponse",
                "status": "completed",
                "item": [{"linkId": "Q1", "answer": [3]}],
            },
            "not valid FHIR R4: item.0.answer.0",
        ),
    ],
)
def test_a_broken_response_is_an_error_without_a_traceback(broken_response, problem, tmp_path):
    path = tmp_path / "response.json"
    path.write_text(json.dumps(broken_response))
    result = run("fhir-score", str(FIXTURES / "mood-shaped.json"), str(path))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    problems = json.loads(result.stdout)["problems"]
    assert len(problems) == 1 and problems[0]["severity"] == "error"
    assert problems[0]["message"].startswith(problem)


def test_answers_the_questionnaire_does_not_have_are_errors_and_a_wrong_total_a_warning():
    imported = import_questionnaire(fixture("mood-shaped.json"))
    result = score_fhir_response(
        imported, response(("Q1", coding("f9")), ("Q9", coding("f1")), total=7)
    )
    assert result["problems"] == [
        {
            "severity": "error",
            "message": "item 'Q1': answer 'f9' is not one of the questionnaire's options",
        },
        {"severity": "error", "message": "item 'Q9' is not in the questionnaire"},
        {
            "severity": "warning",
            "message": "item 'total': the stored total 7 differs from the recomputed 0",
        },
    ]


# --- lenient reading ----------------------------------------------------------------------

LENIENT = "(read anyway: it does not touch scoring)"


def test_a_file_failing_strict_r4_only_on_details_scoring_never_reads_is_read_with_warnings():
    # An expansion without its timestamp, and an extension we do not read with a value type R4
    # does not have: strict validation fails on both, other engines read the file.
    imported = import_questionnaire(fixture("two-systems.json"), source="q.json")
    assert imported.notes == [
        "not strictly valid FHIR R4 at contained.0.expansion.timestamp: Value for the field "
        f"'timestamp' is required. {LENIENT}",
        "not strictly valid FHIR R4 at item.1.extension.0.valueInteger64: Extra inputs are not "
        f"permitted {LENIENT}",
    ]
    assert imported.scorecard["items"]["b"]["points"] == {"1": 100, "2": 200}


def test_a_fault_in_an_extension_that_scoring_reads_is_still_refused_with_the_path():
    broken = fixture("two-systems.json")
    weight = broken["contained"][0]["expansion"]["contains"][0]["extension"][0]
    weight["valueInteger64"] = weight.pop("valueDecimal")
    with pytest.raises(QuestionnaireError) as raised:
        import_questionnaire(broken, source="q.json")
    assert [str(p) for p in raised.value.problems] == [
        "q.json: not valid FHIR R4: contained.0.expansion.contains.0.extension.0."
        "valueInteger64: Extra inputs are not permitted"
    ]


def test_a_truly_broken_file_is_refused_naming_the_file_and_the_path_even_beside_details():
    broken = fixture("two-systems.json")
    broken["item"][0]["required"] = "perhaps"
    with pytest.raises(QuestionnaireError) as raised:
        import_questionnaire(broken, source="q.json")
    [problem] = raised.value.problems
    assert str(problem).startswith("q.json: not valid FHIR R4: item.0.required: ")


def test_a_value_set_file_and_a_response_are_read_leniently_too(tmp_path):
    value_set = fixture("value-set-separate.json")
    value_set["expansion"] = {"contains": value_set["compose"]["include"][0]["concept"]}
    imported = import_questionnaire(
        fixture("bundle.json"), source="b.json", value_sets=[("vs.json", value_set)]
    )
    assert (
        "vs.json: the ValueSet is not strictly valid FHIR R4 at expansion.timestamp: Value for "
        f"the field 'timestamp' is required. {LENIENT}"
    ) in imported.notes
    answers = response(("Q1", coding("f1")))
    answers["extension"] = [{"url": "http://example.org/placeholder", "valueInteger64": "1"}]
    result = score_fhir_response(import_questionnaire(fixture("mood-shaped.json")), answers)
    assert result["total"] == 1
    assert result["problems"] == [
        {
            "severity": "warning",
            "message": "not strictly valid FHIR R4 at extension.0.valueInteger64: Extra inputs "
            f"are not permitted {LENIENT}",
        }
    ]
