"""FHIR R4 import of referenced ValueSets: ``answerValueSet`` canonical URLs (``url|version``)
resolved against the ValueSets of a Bundle or of separate files, never over the network.
Fixtures use placeholder wording."""

from __future__ import annotations

import copy
import json

import pytest

from models import scorecard_from_dict
from questionnaires import Library, QuestionnaireError
from questionnaires.fhir import import_questionnaire, score_fhir_response
from tests.questionnaires.fhir_support import FIXTURES, coding, fixture, response, run

BUNDLE = fixture("bundle.json")
SEPARATE = fixture("value-set-separate.json")
VALUE_SET_BUNDLE = fixture("value-set-bundle.json")
REFERENCED = fixture("referenced.json")
BASE = "http://example.org/fhir/ValueSet/"
NOWHERE = (
    f"item 'B3': answerValueSet {BASE}placeholder-nowhere is not contained in the "
    "Questionnaire and none of the ValueSets given has that URL, so its options and scores "
    "are unknown; imported as a free-text item, not scored"
)
WHOLE_SYSTEM = (
    f"item 'B4': answerValueSet {BASE}placeholder-whole-system is a ValueSet that includes "
    "every code of the system urn:placeholder:whole-system without listing them, so a "
    "terminology server would be needed to expand it; imported as a free-text item, not scored"
)
SEPARATE_MISSING = (
    f"item 'B5': answerValueSet {BASE}placeholder-separate is not contained in the "
    "Questionnaire and none of the ValueSets given has that URL, so its options and scores "
    "are unknown; imported as a free-text item, not scored"
)


def with_separate():
    return import_questionnaire(
        BUNDLE, source="bundle.json", value_sets=[("value-set-separate.json", SEPARATE)]
    )


def questionnaire_item(bundle: dict, link_id: str) -> dict:
    questionnaire = bundle["entry"][0]["resource"]
    return next(i for i in questionnaire["item"][0]["item"] if i["linkId"] == link_id)


# --- a Bundle ----------------------------------------------------------------------------


def test_a_bundle_resolves_answer_value_sets_against_its_value_sets():
    imported = import_questionnaire(BUNDLE, source="bundle.json")
    q = imported.questionnaire
    assert (q.id, q.version) == ("placeholder_bundle", "1")
    assert [(o.value, o.label) for o in q.item("b1").options] == [
        ("o0", "Placeholder never"),
        ("o1", "Placeholder sometimes"),
        ("o2", "Placeholder always"),
    ]
    # ordinalValue on compose.include.concept, itemWeight on expansion.contains
    assert imported.scorecard["items"]["b1"]["points"] == {"o0": 0, "o1": 1, "o2": 3}
    assert imported.scorecard["items"]["b2"]["points"] == {"m0": 0, "m1": 2, "m2": 4.5}
    assert imported.notes == [NOWHERE, WHOLE_SYSTEM, SEPARATE_MISSING]
    assert [q.item(i).type for i in ("b3", "b4", "b5")] == ["text", "text", "text"]
    card = scorecard_from_dict(imported.scorecard, Library([q]))
    assert card.max_points == 3 + 4.5


def test_a_bundle_needs_exactly_one_questionnaire():
    empty = {"resourceType": "Bundle", "type": "collection", "entry": BUNDLE["entry"][1:]}
    with pytest.raises(QuestionnaireError) as raised:
        import_questionnaire(empty, source="empty.json")
    assert [str(p) for p in raised.value.problems] == [
        "empty.json: the Bundle holds no Questionnaire"
    ]
    two = copy.deepcopy(BUNDLE)
    two["entry"].append(copy.deepcopy(BUNDLE["entry"][0]))
    with pytest.raises(QuestionnaireError) as raised:
        import_questionnaire(two, source="two.json")
    assert [str(p) for p in raised.value.problems] == [
        "two.json: the Bundle holds 2 Questionnaires (entries 1, 6); give one per file"
    ]


def test_other_resources_in_a_bundle_are_noted_and_an_invalid_value_set_is_an_error():
    extra = copy.deepcopy(BUNDLE)
    extra["entry"].append({"resource": {"resourceType": "Patient"}})
    assert "Bundle entry 6: a Patient is not used" in import_questionnaire(extra).notes
    broken = copy.deepcopy(BUNDLE)
    del broken["entry"][1]["resource"]["status"]
    with pytest.raises(QuestionnaireError) as raised:
        import_questionnaire(broken, source="broken.json")
    [problem] = raised.value.problems
    assert str(problem).startswith(
        "broken.json (Bundle entry 2): the ValueSet is not valid FHIR R4: status:"
    )


# --- separate ValueSet files ---------------------------------------------------------------


def test_a_separate_value_set_file_resolves_a_url_the_bundle_does_not_have():
    imported = with_separate()
    assert imported.questionnaire.item("b5").option_values == ("s0", "s1", "s2")
    assert imported.scorecard["items"]["b5"]["points"] == {"s0": 0, "s1": 1, "s2": 2}
    assert imported.notes == [NOWHERE, WHOLE_SYSTEM]


def test_a_questionnaire_file_uses_value_sets_from_a_value_set_and_a_bundle_of_them():
    imported = import_questionnaire(
        REFERENCED,
        value_sets=[("separate.json", SEPARATE), ("value-sets.json", VALUE_SET_BUNDLE)],
    )
    assert imported.notes == []
    assert imported.scorecard["items"] == {
        "p1": {"points": {"s0": 0, "s1": 1, "s2": 2}},
        "p2": {"points": {"n": 0, "y": 5}},
    }
    assert [(o.value, o.label) for o in imported.questionnaire.item("p2").options] == [
        ("n", "Placeholder no"),
        ("y", "Placeholder yes"),
    ]
    without = import_questionnaire(REFERENCED, value_sets=[("separate.json", SEPARATE)])
    assert without.questionnaire.item("p2").type == "text"
    assert f"answerValueSet {BASE}placeholder-yes-no|1 is not contained" in without.notes[0]


def test_a_value_set_file_must_hold_value_sets():
    with pytest.raises(QuestionnaireError) as raised:
        import_questionnaire(REFERENCED, value_sets=[("q.json", REFERENCED)])
    assert [str(p) for p in raised.value.problems] == [
        "q.json: not a FHIR ValueSet or a Bundle of ValueSets"
    ]
    with pytest.raises(QuestionnaireError) as raised:
        import_questionnaire(REFERENCED, value_sets=[("b.json", BUNDLE | {"entry": []})])
    assert [str(p) for p in raised.value.problems] == ["b.json: the Bundle holds no ValueSet"]


def test_the_same_value_set_twice_is_fine_but_different_content_is_an_error_naming_both():
    again = import_questionnaire(
        REFERENCED,
        value_sets=[("a.json", SEPARATE), ("b.json", SEPARATE | {"id": "another-id"})],
    )
    assert again.questionnaire.item("p1").option_values == ("s0", "s1", "s2")
    assert not any("'P1'" in note for note in again.notes)
    changed = copy.deepcopy(SEPARATE)
    changed["compose"]["include"][0]["concept"][2]["display"] = "Placeholder changed"
    with pytest.raises(QuestionnaireError) as raised:
        import_questionnaire(BUNDLE, value_sets=[("a.json", SEPARATE), ("b.json", changed)])
    assert [str(p) for p in raised.value.problems] == [
        f"b.json: ValueSet {BASE}placeholder-separate is given twice with different content: "
        "in a.json and in b.json"
    ]
    versioned = copy.deepcopy(BUNDLE["entry"][3]["resource"])
    versioned["expansion"]["contains"].pop()
    with pytest.raises(QuestionnaireError) as raised:
        import_questionnaire(BUNDLE, source="bundle.json", value_sets=[("v2.json", versioned)])
    assert [str(p) for p in raised.value.problems] == [
        f"v2.json: ValueSet {BASE}placeholder-level|2 is given twice with different content: "
        "in bundle.json (Bundle entry 4) and in v2.json"
    ]


# --- versions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reference", "values", "points"),
    [
        (f"{BASE}placeholder-level|1", ("l0", "l1"), {"l0": 0, "l1": 9}),
        (f"{BASE}placeholder-level|2", ("m0", "m1", "m2"), {"m0": 0, "m1": 2, "m2": 4.5}),
    ],
)
def test_a_versioned_canonical_picks_that_version(reference, values, points):
    bundle = copy.deepcopy(BUNDLE)
    questionnaire_item(bundle, "B2")["answerValueSet"] = reference
    imported = import_questionnaire(bundle)
    assert imported.questionnaire.item("b2").option_values == values
    assert imported.scorecard["items"]["b2"]["points"] == points
    assert not any("'B2'" in note for note in imported.notes)


def test_a_version_nobody_has_is_a_note_and_no_version_takes_the_latest():
    bundle = copy.deepcopy(BUNDLE)
    questionnaire_item(bundle, "B2")["answerValueSet"] = f"{BASE}placeholder-level|3"
    imported = import_questionnaire(bundle)
    assert imported.questionnaire.item("b2").type == "text"
    assert (
        f"item 'B2': answerValueSet {BASE}placeholder-level|3 names version 3, which none of "
        "the ValueSets given has (given: 1, 2), so its options and scores are unknown; "
        "imported as a free-text item, not scored"
    ) in imported.notes
    questionnaire_item(bundle, "B2")["answerValueSet"] = f"{BASE}placeholder-level"
    imported = import_questionnaire(bundle)
    assert imported.questionnaire.item("b2").option_values == ("m0", "m1", "m2")
    assert (
        f"item 'B2': answerValueSet {BASE}placeholder-level names no version and versions "
        "1, 2 are given; the latest, 2, is used"
    ) in imported.notes


# --- ValueSets that need a terminology server ---------------------------------------------


@pytest.mark.parametrize(
    ("include", "why"),
    [
        (
            {"system": "urn:placeholder:x"},
            "includes every code of the system urn:placeholder:x without listing them",
        ),
        (
            {
                "system": "urn:placeholder:x",
                "filter": [{"property": "concept", "op": "is-a", "value": "a"}],
            },
            "includes codes chosen by a filter of the system urn:placeholder:x without listing "
            "them",
        ),
        ({"valueSet": [f"{BASE}other"]}, f"includes other ValueSets ({BASE}other)"),
    ],
)
def test_a_value_set_that_lists_no_concepts_is_a_note_naming_the_item(include, why):
    value_set = {
        "resourceType": "ValueSet",
        "url": f"{BASE}placeholder-open",
        "status": "active",
        "compose": {"include": [SEPARATE["compose"]["include"][0], include]},
    }
    questionnaire = copy.deepcopy(REFERENCED)
    questionnaire["item"][0]["item"][0]["answerValueSet"] = f"{BASE}placeholder-open"
    imported = import_questionnaire(questionnaire, value_sets=[("open.json", value_set)])
    assert imported.notes[0] == (
        f"item 'P1': answerValueSet {BASE}placeholder-open is a ValueSet that {why}, so a "
        "terminology server would be needed to expand it; imported as a free-text item, "
        "not scored"
    )
    assert imported.questionnaire.item("p1").type == "text"


def test_a_contained_value_set_by_system_only_is_a_note_too():
    questionnaire = copy.deepcopy(REFERENCED)
    questionnaire["contained"] = [
        {
            "resourceType": "ValueSet",
            "id": "open",
            "status": "active",
            "compose": {"include": [{"system": "urn:placeholder:contained"}]},
        }
    ]
    questionnaire["item"][0]["item"][0]["answerValueSet"] = "#open"
    imported = import_questionnaire(questionnaire, value_sets=[("vs.json", VALUE_SET_BUNDLE)])
    assert imported.notes == [
        "item 'P1': answerValueSet #open is a ValueSet that includes every code of the system "
        "urn:placeholder:contained without listing them, so a terminology server would be "
        "needed to expand it; imported as a free-text item, not scored"
    ]


# --- scoring ---------------------------------------------------------------------------------


def test_a_response_is_scored_with_the_weights_of_referenced_value_sets():
    imported = with_separate()
    result = score_fhir_response(
        imported,
        response(
            ("B1", coding("o2")),
            ("B2", coding("m2")),
            ("B3", {"valueString": "placeholder text"}),
            ("B5", coding("s1")),
        ),
    )
    assert result["problems"] == []
    assert result["total"] == 3 + 4.5 + 1
    assert result["scores"] == {"placeholder_bundle-fhir": 8.5}
    wrong = score_fhir_response(imported, response(("B2", coding("l1"))))
    assert wrong["problems"] == [
        {
            "severity": "error",
            "message": "item 'B2': answer 'l1' is not one of the questionnaire's options",
        }
    ]


# --- the command line ---------------------------------------------------------------------


def test_fhir_score_reads_a_bundle_and_value_set_files(tmp_path):
    answers = tmp_path / "response.json"
    answers.write_text(json.dumps(response(("B1", coding("o1")), ("B5", coding("s2")))))
    bundle = str(FIXTURES / "bundle.json")
    separate = str(FIXTURES / "value-set-separate.json")
    result = run("fhir-score", bundle, str(answers), "--value-set", separate)
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    assert output["total"] == 3 and output["problems"] == []
    assert output["notes"] == [
        NOWHERE,
        WHOLE_SYSTEM,
        *(
            f"item '{link}': answer '{code}' matched by its code alone (the response or the "
            "questionnaire gives no code system)"
            for link, code in (("B1", "o1"), ("B5", "s2"))
        ),
    ]
    # Without the file, B5 is free text and its answer is not scored.
    result = run("fhir-score", bundle, str(answers))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["total"] == 1
    referenced = str(FIXTURES / "referenced.json")
    answers.write_text(json.dumps(response(("P1", coding("s1")), ("P2", coding("y")))))
    value_set_bundle = str(FIXTURES / "value-set-bundle.json")
    args = ["--value-set", separate, "--value-set", value_set_bundle]
    result = run("fhir-score", referenced, str(answers), *args)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["total"] == 6


def test_fhir_score_names_a_bad_value_set_file_without_a_traceback(tmp_path):
    answers = tmp_path / "response.json"
    answers.write_text(json.dumps(response(("B1", coding("o1")))))
    bundle = str(FIXTURES / "bundle.json")
    missing = tmp_path / "missing.json"
    result = run("fhir-score", bundle, str(answers), "--value-set", str(missing))
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith(f"{missing}: cannot read the file")
    not_json = str(FIXTURES / "not-json.json")
    result = run("fhir-score", bundle, str(answers), "--value-set", not_json)
    assert result.returncode == 1 and result.stderr.startswith(f"{not_json}: not valid JSON")
    changed = copy.deepcopy(SEPARATE)
    changed["compose"]["include"][0]["concept"][0]["display"] = "Placeholder changed"
    one, two = tmp_path / "one.json", tmp_path / "two.json"
    one.write_text(json.dumps(SEPARATE))
    two.write_text(json.dumps(changed))
    both = ["--value-set", str(one), "--value-set", str(two)]
    result = run("fhir-score", bundle, str(answers), *both)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == (
        f"{two}: ValueSet {BASE}placeholder-separate is given twice with different content: "
        f"in {one} and in {two}\n"
    )
    assert "Traceback" not in result.stderr
