"""FHIR R4 export: valid resources, FHIR's own gate semantics, and import(export(q)) giving back
the same questionnaire and the same points and band, for every built-in questionnaire and every
scorecard that reads it."""

from __future__ import annotations

import json

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire as FhirQuestionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from models import builtin_scorecards, scorecard_from_dict, scorecards_for
from questionnaires import SKIP, Library, QuestionnaireError, builtin_library, parse_questionnaire
from questionnaires.fhir import (
    export_questionnaire,
    export_response,
    import_questionnaire,
    score_fhir_response,
)

# A test-only questionnaire with two scorecards: a gate that one scorecard scores (exported as a
# coded yes/no) and the other does not (exported as a FHIR boolean), a gate with several answers
# (enableBehavior any) and an item behind two gates (enableBehavior all).
LEVELS = ["never", "sometimes", "often", "always"]
TWO_CARDS = parse_questionnaire(
    {
        "id": "two-cards",
        "version": "1",
        "title": "Placeholder",
        "kind": "instrument",
        "sections": [
            {
                "id": "main",
                "title": "Placeholder section",
                "items": [
                    {"id": "gate", "type": "boolean", "prompt": "Placeholder question 1"},
                    *[
                        {
                            "id": f"f{n}",
                            "prompt": f"Placeholder question {n + 1}",
                            "hint": f"Placeholder hint {n + 1}",
                            "options": [{"value": v, "label": f"Placeholder {v}"} for v in LEVELS],
                            "enable_when": {"item": "gate", "in": ["yes"]},
                        }
                        for n in (1, 2, 3)
                    ],
                    {
                        "id": "f4",
                        "prompt": "Placeholder question 5",
                        "options": [{"value": v, "label": f"Placeholder {v}"} for v in LEVELS],
                        "enable_when": {"item": "f1", "in": ["often", "always"]},
                    },
                    {
                        "id": "f5",
                        "type": "boolean",
                        "prompt": "Placeholder question 6",
                        "enable_when": [
                            {"item": "gate", "in": ["yes"]},
                            {"item": "f2", "in": ["always"]},
                        ],
                    },
                    {"id": "note", "type": "text", "prompt": "Placeholder question 7"},
                    {
                        "id": "count",
                        "type": "integer",
                        "prompt": "Placeholder 8",
                        "min": 0,
                        "max": 9,
                    },
                ],
            }
        ],
    },
    source="two-cards.yaml",
)
TWO_CARDS_LIBRARY = Library([TWO_CARDS])


def two_cards_scorecard(card_id, method, items, bands):
    return scorecard_from_dict(
        {
            "id": card_id,
            "version": "1",
            "domain": "test",
            "questionnaires": [TWO_CARDS.key],
            "method": method,
            "items": items,
            "bands": [{"name": n, "label": n, "min": m, "flag": f} for n, m, f in bands],
        },
        TWO_CARDS_LIBRARY,
    )


TWO_CARDS_SCORECARDS = (
    two_cards_scorecard(
        "two-cards-sum",
        "sum",
        {
            "gate": {"points": {"yes": 1}},
            **{f"f{n}": {"scale": [0, 1, 2, 3]} for n in (1, 2, 3, 4)},
            "f5": {"points": {"yes": 2}},
        },
        [("low", 0, "none"), ("some", 4, "possible"), ("high", 9, "likely")],
    ),
    two_cards_scorecard(
        "two-cards-proportion",
        "proportion",
        {
            "f1": {"threshold": "often"},
            "f2": {"threshold": "sometimes", "weight": 2},
            "f3": {"scale": [3, 2, 1, 0]},
        },
        [("low", 0, "none"), ("high", 0.5, "likely")],
    ),
)


def cases():
    for q in builtin_library():
        cards = scorecards_for(q.key, builtin_scorecards())
        yield from [pytest.param(q, card, id=f"{q.key}-{card.key}") for card in cards]
        if not cards:
            yield pytest.param(q, None, id=f"{q.key}-unscored")
    for card in TWO_CARDS_SCORECARDS:
        yield pytest.param(TWO_CARDS, card, id=f"{TWO_CARDS.key}-{card.key}")
    yield pytest.param(TWO_CARDS, None, id=f"{TWO_CARDS.key}-unscored")


def test_every_builtin_scorecard_is_covered():
    covered = {card.key for _, card in (p.values for p in cases()) if card is not None}
    assert {card.key for card in builtin_scorecards()} <= covered


# --- answer patterns ----------------------------------------------------------------------


def answer(item, position: str) -> str:
    """The lowest or highest answer an item offers (a number or words for open items)."""
    if item.type == "boolean" and position == "yes":
        return "yes"
    if item.options:
        return item.option_values[0 if position == "low" else -1]
    if item.type == "integer":
        return str(int(item.minimum if position == "low" and item.minimum is not None else 0))
    if item.type == "decimal":
        return "0.5" if position == "low" else "9.5"
    return "Placeholder answer"


def asked(items, choose) -> dict[str, str]:
    """Answers as a session gives them: item by item, only to the items a gate lets through
    (a question not asked has no answer)."""
    answers: dict[str, str] = {}
    for n, item in enumerate(items):
        if item.is_enabled(answers):
            answers[item.id] = choose(n, item)
    return answers


PATTERNS = {
    "lowest": lambda items: asked(items, lambda n, i: answer(i, "low")),
    "highest": lambda items: asked(items, lambda n, i: answer(i, "high")),
    # The highest option, but "yes" to yes/no items, so gates open.
    "yes-and-highest": lambda items: asked(items, lambda n, i: answer(i, "yes")),
    "alternating": lambda items: asked(items, lambda n, i: answer(i, "high" if n % 2 else "low")),
    "skipped": lambda items: asked(items, lambda n, i: SKIP),
}


# --- round trip ---------------------------------------------------------------------------


def round_trip(questionnaire, card):
    points = dict(card.points) if card else None
    exported = export_questionnaire(questionnaire, points)
    FhirQuestionnaire.model_validate(exported)
    return exported, import_questionnaire(json.loads(json.dumps(exported)))


@pytest.mark.parametrize(("questionnaire", "card"), list(cases()))
def test_export_then_import_gives_the_same_items_options_gates_and_points(questionnaire, card):
    _exported, back = round_trip(questionnaire, card)
    again = back.questionnaire
    assert back.notes == []
    assert (again.id, again.version, again.title) == (
        questionnaire.id,
        questionnaire.version,
        questionnaire.title,
    )
    assert [s.id for s in again.sections] == [s.id for s in questionnaire.sections]
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
        assert copy.enable_when == original.enable_when, original.id
    if card is None:
        assert back.scorecard is None
    else:
        assert {i: r["points"] for i, r in back.scorecard["items"].items()} == {
            item: dict(table) for item, table in card.points.items() if table
        }


def exported_response(questionnaire, card, answers) -> dict:
    """The answers as a FHIR QuestionnaireResponse, booleans the scorecard scores as codes."""
    scored_booleans = {
        i for i in (card.points if card else {}) if questionnaire.item(i).type == "boolean"
    }
    return export_response(questionnaire, answers, scored_booleans=scored_booleans)


@pytest.mark.parametrize("pattern", list(PATTERNS))
@pytest.mark.parametrize(("questionnaire", "card"), list(cases()))
def test_the_round_trip_scores_every_answer_pattern_the_same(questionnaire, card, pattern):
    _exported, back = round_trip(questionnaire, card)
    answers = PATTERNS[pattern](questionnaire.items)
    fhir_response = exported_response(questionnaire, card, answers)
    QuestionnaireResponse.model_validate(fhir_response)
    fhir_result = score_fhir_response(back, json.loads(json.dumps(fhir_response)))
    assert fhir_result["problems"] == []
    # The same items are asked on both sides.
    assert [i.id for i in back.questionnaire.enabled_items(answers)] == [
        i.id for i in questionnaire.enabled_items(answers)
    ]
    if card is None:
        assert fhir_result["total"] is None
        return
    expected = card.score(questionnaire.effective_answers(answers))
    # FHIR carries the points but not the bands or the method: give the imported points the
    # original's bands and method and the results must agree.
    rebuilt = scorecard_from_dict(
        {
            **back.scorecard,
            "method": card.method,
            "bands": [
                {"name": b.name, "label": b.label, "min": b.min, "flag": b.flag} for b in card.bands
            ],
        },
        Library([back.questionnaire]),
    )
    got = rebuilt.score(back.questionnaire.effective_answers(answers))
    assert (got.points, got.total, got.band.name, sorted(got.skipped)) == (
        expected.points,
        expected.total,
        expected.band.name,
        sorted(expected.skipped),
    )
    # Scoring the exported QuestionnaireResponse gives the same points.
    assert fhir_result["total"] == expected.points


def test_the_answer_patterns_reach_different_bands():
    # Otherwise "the same band" would prove little.
    card = TWO_CARDS_SCORECARDS[0]
    results = {
        name: card.score(TWO_CARDS.effective_answers(make(TWO_CARDS.items)))
        for name, make in PATTERNS.items()
    }
    assert {name: (r.points, r.band.name) for name, r in results.items()} == {
        "lowest": (1, "low"),  # yes at the gate (1), the lowest option everywhere else
        "highest": (0, "low"),  # no at the gate: nothing behind it is asked
        "yes-and-highest": (15, "high"),  # 1 + 3 * 3 + 3 (f4) + 2 (f5)
        "alternating": (7, "some"),  # yes (1); always (3), never, always (3); f4 never; no f5
        "skipped": (0, "low"),
    }


# --- FHIR's own reading of the exported gates ----------------------------------------------


def fhir_enabled(resource: dict, response: dict) -> list[str]:
    """The question items FHIR R4 enables (enableWhen = / exists, enableBehavior all / any),
    read from the exported resources alone."""
    given = {}
    for group in response["item"]:
        for entry in group["item"]:
            if entry.get("answer"):
                given[entry["linkId"]] = entry["answer"][0]
    enabled: list[str] = []

    def holds(condition):
        value = given.get(condition["question"]) if condition["question"] in enabled else None
        if condition["operator"] == "exists":
            return (value is not None) == condition["answerBoolean"]
        assert condition["operator"] == "="
        if value is None:
            return False
        if "answerBoolean" in condition:
            return value.get("valueBoolean") == condition["answerBoolean"]
        return value.get("valueCoding", {}).get("code") == condition["answerCoding"]["code"]

    for group in resource["item"]:
        for item in group["item"]:
            conditions = item.get("enableWhen", [])
            combine = any if item.get("enableBehavior") == "any" else all
            if not conditions or combine(holds(c) for c in conditions):
                enabled.append(item["linkId"])
    return enabled


@pytest.mark.parametrize("pattern", list(PATTERNS))
@pytest.mark.parametrize(("questionnaire", "card"), list(cases()))
def test_exported_gates_mean_the_same_in_fhir(questionnaire, card, pattern):
    exported, _back = round_trip(questionnaire, card)
    answers = PATTERNS[pattern](questionnaire.items)
    fhir_response = exported_response(questionnaire, card, answers)
    assert fhir_enabled(exported, fhir_response) == [
        i.id for i in questionnaire.enabled_items(answers)
    ]


def test_gates_fhir_r4_cannot_write_are_refused_with_the_item_named():
    # (f1 often or always) and (gate yes): R4 has one enableBehavior for all conditions.
    q = parse_questionnaire(
        {
            "id": "mixed-gates",
            "version": "1",
            "title": "Placeholder",
            "sections": [
                {
                    "id": "main",
                    "title": "Placeholder",
                    "items": [
                        {"id": "gate", "type": "boolean", "prompt": "Placeholder question 1"},
                        {
                            "id": "f1",
                            "prompt": "Placeholder question 2",
                            "options": [{"value": v, "label": v} for v in LEVELS],
                        },
                        {
                            "id": "f2",
                            "type": "boolean",
                            "prompt": "Placeholder question 3",
                            "enable_when": [
                                {"item": "f1", "in": ["often", "always"]},
                                {"item": "gate", "in": ["yes"]},
                            ],
                        },
                    ],
                }
            ],
        },
        source="mixed-gates.yaml",
    )
    with pytest.raises(QuestionnaireError) as raised:
        export_questionnaire(q)
    assert str(raised.value) == (
        "mixed-gates.yaml: item 'f2': its gates wait for one of several answers to one item and "
        "also for another item; FHIR R4 enableWhen cannot write that"
    )


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
