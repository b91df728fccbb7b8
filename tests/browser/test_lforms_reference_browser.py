"""Our FHIR totals against a reference engine: LHC-Forms (lforms, pinned in the Makefile) in
Chromium computes the totals of every scored FHIR fixture and of every built-in questionnaire's
export, under several answer patterns, and ours must equal them.

A fixture is a case when it is a Questionnaire (or a Bundle holding one) that our import reads
and that has weights or a computed total: adding such a file to fhir_fixtures adds its cases.
Where the questionnaire computes its total with an expression, LHC-Forms' value of that item is
compared with ours; where the total is only our weight sum, the questionnaire is given one more
computed item summing LHC-Forms' own weight() of the answers (``lforms.with_weight_sum``).
Where LHC-Forms is wrong, the case is an explicit expected difference below, with its reason."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from questionnaires import QuestionnaireError
from questionnaires.fhir import export_questionnaire, import_questionnaire, score_fhir_response
from tests.browser.lforms import (
    LFORMS,
    PATTERNS,
    WEIGHT_SUM,
    LForms,
    answers_of,
    computed_value,
    for_lforms,
    require_lforms,
    response_for,
    with_weight_sum,
)
from tests.questionnaires.fhir_support import FIXTURES
from tests.questionnaires.test_fhir_export_roundtrip import PATTERNS as OUR_PATTERNS
from tests.questionnaires.test_fhir_export_roundtrip import cases, exported_response

pytestmark = pytest.mark.browser


def _value_sets_in(data: dict) -> list[dict]:
    if data.get("resourceType") == "ValueSet":
        return [data]
    entries = data.get("entry", []) if data.get("resourceType") == "Bundle" else []
    return [
        e["resource"] for e in entries if e.get("resource", {}).get("resourceType") == "ValueSet"
    ]


def _read(path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return None


def _questionnaire_in(data: dict) -> bool:
    if data.get("resourceType") == "Questionnaire":
        return True
    entries = data.get("entry", []) if data.get("resourceType") == "Bundle" else []
    return any(e.get("resource", {}).get("resourceType") == "Questionnaire" for e in entries)


# The ValueSet files (a ValueSet or a Bundle of ValueSets) are given to every fixture, as
# `--value-set` files are.
VALUE_SET_FILES = [
    (path.name, data)
    for path in sorted(FIXTURES.glob("*.json"))
    if (data := _read(path)) is not None and _value_sets_in(data) and not _questionnaire_in(data)
]
GIVEN_VALUE_SETS = [vs for _, data in VALUE_SET_FILES for vs in _value_sets_in(data)]


def scored_fixtures() -> list[str]:
    """Every fixture our import reads that has weights or a computed total."""
    found = []
    for path in sorted(FIXTURES.glob("*.json")):
        data = _read(path)
        if data is None or not _questionnaire_in(data):
            continue
        try:
            imported = import_questionnaire(data, source=path.name, value_sets=VALUE_SET_FILES)
        except QuestionnaireError:
            continue  # refused on purpose (the error tests use these)
        if imported.scorecard or imported.total_items:
            found.append(path.name)
    return found


@dataclass(frozen=True)
class Difference:
    """A case where LHC-Forms is wrong: its value, ours, and why."""

    lforms: float | None
    ours: float | None
    reason: str


CODING_WEIGHT = (
    "LHC-Forms reads an ordinalValue only on the answerOption, not on the answerOption's "
    "Coding (R4 allows it on Coding)"
)
INTEGER_WEIGHT = (
    "LHC-Forms reads itemWeight/ordinalValue only as valueDecimal, not valueInteger (we "
    "accept an integer weight)"
)
INTEGER_OPTION = "LHC-Forms drops an answer valueInteger to an answerOption of valueInteger"
CODE_SYSTEM = (
    "LHC-Forms' weight() asks a terminology server for a CodeSystem's itemWeight property "
    "and does not read the contained CodeSystem, so it gives no total"
)
EXPECTED_DIFFERENCES: dict[tuple[str, str], Difference] = {
    # scores.json: S1's c1 weighs 2 as valueInteger; S3's weights sit on the Coding; S4 is
    # an answerOption of valueInteger (10, 20, 30).
    ("scores.json", "lowest"): Difference(0, 10, f"{INTEGER_OPTION} (S4 = 1 weighs 10)"),
    ("scores.json", "highest"): Difference(
        12.5, 45.5, f"{CODING_WEIGHT} (S3 o2 = 3); {INTEGER_OPTION} (S4 = 3 weighs 30)"
    ),
    ("scores.json", "alternating"): Difference(
        7, 37, f"{INTEGER_WEIGHT} (S1 c0 0); {INTEGER_OPTION} (S4 = 3 weighs 30)"
    ),
    ("scores.json", "first-three-highest"): Difference(12.5, 15.5, f"{CODING_WEIGHT} (S3 o2 = 3)"),
    **{
        ("two-systems.json", pattern): Difference(None, ours, CODE_SYSTEM)
        for pattern, ours in (
            ("lowest", 101),
            ("highest", 220),
            ("alternating", 201),
            ("first-three-highest", 220),
        )
    },
}
EMPTY_SUM = (
    "nothing answered: the questionnaire's own expression ends in sum(); FHIRPath defines "
    "sum() as aggregate($this + $total, 0), which is 0 (fhirpathpy), but fhirpath.js in "
    "LHC-Forms gives nothing"
)


@pytest.fixture(scope="module")
def lforms(browser):
    # The suite's one Chromium (tests/browser/conftest.py): a second sync Playwright in the
    # same worker would refuse to start inside the first one's event loop.
    files = require_lforms()
    page = browser.new_page()
    yield LForms(page, files)
    page.close()


def test_the_scored_fixtures_are_found():
    # The glob must keep finding them (a filter that dropped them all would pass every case).
    assert {"guarded-total.json", "scores.json", "two-systems.json", "mood-shaped.json"} <= set(
        scored_fixtures()
    )


def test_a_missing_lforms_fails_the_run_and_says_how_to_get_it(tmp_path):
    with pytest.raises(pytest.fail.Exception, match=r"run `make lforms` \(make test does this\)"):
        require_lforms(tmp_path / "no-lforms")


def test_every_expected_difference_is_a_case_that_runs():
    # A difference recorded for a fixture or pattern that no longer exists would excuse nothing.
    assert {name for name, _ in EXPECTED_DIFFERENCES} <= set(scored_fixtures())
    assert {pattern for _, pattern in EXPECTED_DIFFERENCES} <= set(PATTERNS)


def test_lforms_is_the_pinned_version_and_computes_a_total(lforms):
    # The harness itself: a five-answer guarded total that LHC-Forms must compute.
    guarded = json.loads((FIXTURES / "guarded-total.json").read_text(encoding="utf-8"))
    imported = import_questionnaire(guarded)
    answered = response_for(guarded, imported, PATTERNS["highest"])
    assert computed_value(lforms.respond(guarded, answered), "total") == 15
    # The engine loaded is the one the Makefile pinned (its rule leaves this stamp).
    assert (LFORMS / f".version-{lforms.version}").is_file()


@pytest.mark.parametrize("pattern", list(PATTERNS))
@pytest.mark.parametrize("name", scored_fixtures())
def test_our_fixture_totals_equal_lhc_forms(lforms, name, pattern):
    data = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    imported = import_questionnaire(data, source=name, value_sets=VALUE_SET_FILES)
    source = imported.source
    answers = response_for(source, imported, PATTERNS[pattern])
    ours = score_fhir_response(imported, json.loads(json.dumps(answers)))
    assert [p for p in ours["problems"] if p["severity"] == "error"] == []
    shown = for_lforms(source, _value_sets_in(data) + GIVEN_VALUE_SETS)
    theirs_response = lforms.respond(with_weight_sum(shown), answers)
    assert lforms.errors == []
    if imported.total_items:
        # The questionnaire's own computed items, each against ours.
        theirs = {link: computed_value(theirs_response, link) for link in imported.total_items}
        ours_by_item = ours["computed"]
    else:
        theirs = {WEIGHT_SUM: computed_value(theirs_response, WEIGHT_SUM)}
        ours_by_item = {WEIGHT_SUM: ours["total"]}
    expected = EXPECTED_DIFFERENCES.get((name, pattern))
    if expected is not None:
        assert (list(theirs.values()), ours["total"]) == ([expected.lforms], expected.ours), (
            expected.reason
        )
        return
    if pattern == "none" and imported.total_items and set(theirs.values()) == {None}:
        assert set(ours_by_item.values()) <= {0, None}, EMPTY_SUM
        return
    assert theirs == ours_by_item


def export_cases():
    """Every built-in questionnaire with each scorecard that reads it, and the round-trip
    tests' own two-scorecard questionnaire (its gates use enableBehavior any and all)."""
    for param in cases():
        if param.values[1] is not None:
            yield param


BUILTIN_PATTERNS = {
    **OUR_PATTERNS,
    # Partly answered: the first half of the questions the session asks, at their highest.
    "first-half": lambda items: {
        k: v
        for n, (k, v) in enumerate(OUR_PATTERNS["highest"](items).items())
        if n < len(items) // 2
    },
}


@pytest.mark.parametrize("pattern", list(BUILTIN_PATTERNS))
@pytest.mark.parametrize(("questionnaire", "card"), list(export_cases()))
def test_builtin_exports_total_the_same_in_lhc_forms(lforms, questionnaire, card, pattern):
    exported = export_questionnaire(questionnaire, dict(card.points))
    answers = BUILTIN_PATTERNS[pattern](questionnaire.items)
    fhir_response = exported_response(questionnaire, card, answers)
    ours = score_fhir_response(
        import_questionnaire(json.loads(json.dumps(exported))), fhir_response
    )
    assert ours["problems"] == []
    assert ours["total"] == card.score(questionnaire.effective_answers(answers)).points
    theirs = lforms.respond(with_weight_sum(exported), fhir_response)
    assert lforms.errors == []
    if _answered_without_weight(exported, fhir_response):
        assert computed_value(theirs, WEIGHT_SUM) is None, UNWEIGHTED_OPTION
        return
    assert computed_value(theirs, WEIGHT_SUM) == ours["total"]


UNWEIGHTED_OPTION = (
    "an answer whose option has no weight (a scorecard gives it no points, so we count 0): "
    "LHC-Forms' weight() then asks a terminology server for the option's code and, without "
    "one, gives no total at all"
)


def _answered_without_weight(questionnaire: dict, response: dict) -> bool:
    """Whether a coded answer picks an option that carries no ordinalValue."""
    unweighted: dict[str, set[str]] = {}

    def walk(items: list) -> None:
        for item in items or []:
            for option in item.get("answerOption", []) or []:
                if not option.get("extension"):
                    code = option.get("valueCoding", {}).get("code")
                    unweighted.setdefault(item["linkId"], set()).add(code)
            walk(item.get("item", []))

    walk(questionnaire["item"])
    return any(
        answer.get("valueCoding", {}).get("code") in unweighted.get(item["linkId"], set())
        for item in answers_of(response)
        for answer in item["answer"]
    )
