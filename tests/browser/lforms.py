"""LHC-Forms (the npm package lforms) as a reference engine for our FHIR totals.

``make lforms`` (which ``make test`` runs) fetches the pinned lforms tarball, checks its
checksum and unpacks only the prebuilt bundles used here into .cache/lforms (never committed).
One Chromium page loads them once; each case then renders a Questionnaire with a
QuestionnaireResponse merged in and reads back the response LHC-Forms builds, whose computed
items hold the values LHC-Forms calculated.

The answer patterns are built from the FHIR Questionnaire and our import of it (which options
an item offers, and their weights), so any fixture can be answered without hand-written
responses."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from questionnaires.fhir import FhirImport
from tests.browser.harness import ROOT

LFORMS = ROOT / ".cache" / "lforms"
# In load order: Angular's zone, the web component, then LHC-Forms' FHIR R4 support.
BUNDLES = ("webcomponent/assets/lib/zone.min.js", "webcomponent/lhc-forms.js")
FHIR_SUPPORT = "fhir/R4/lformsFHIR.min.js"
CALCULATED = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression"
# The item we add where a total is only our weight sum: LHC-Forms' own weight() gives its sum.
WEIGHT_SUM = "lforms-weight-sum"
# Coded answers only: fhirpath.js's weight() gives nothing at all for a collection that holds
# an unweighted boolean or number (the two-scorecard questionnaire's free items).
_ANSWERS = f"%resource.repeat(item).where(linkId != '{WEIGHT_SUM}').answer.value.ofType(Coding)"
# Nothing answered sums to 0, as our weight sum does (fhirpath.js's sum() of nothing is empty).
WEIGHT_SUM_EXPRESSION = f"iif({_ANSWERS}.weight().exists(), {_ANSWERS}.weight().sum(), 0)"


def require_lforms(folder: Path = LFORMS) -> list[Path]:
    """The bundle files, or a failure (never a skip) saying how to get them."""
    files = [folder / name for name in (*BUNDLES, FHIR_SUPPORT)]
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        pytest.fail(
            f"LHC-Forms is missing ({', '.join(missing)}): run `make lforms` (make test does this)"
        )
    return files


class LForms:
    """One Chromium page with LHC-Forms loaded, rendering one form at a time."""

    def __init__(self, page, files: list[Path]):
        self.page = page
        self.errors: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.set_content("<!doctype html><html><body><div id='form'></div></body></html>")
        for path in files:
            page.add_script_tag(path=str(path))
        self.version = page.evaluate("LForms.lformsVersion")

    def respond(self, questionnaire: Mapping, response: Mapping) -> dict:
        """The QuestionnaireResponse LHC-Forms gives back once it has rendered the questionnaire
        with these answers merged in (its calculated items computed)."""
        # A fresh element for each form: one that failed to render leaves its element unusable.
        return self.page.evaluate(
            """async ([questionnaire, response]) => {
              document.body.replaceChildren();
              const element = document.createElement('div');
              document.body.append(element);
              try {
                await LForms.Util.addFormToPage(questionnaire, element,
                  {fhirVersion: 'R4', questionnaireResponse: response});
              } catch (errors) {
                throw new Error([errors].flat().map(e => e.message || String(e)).join('; '));
              }
              return LForms.Util.getFormFHIRData('QuestionnaireResponse', 'R4', element);
            }""",
            [questionnaire, response],
        )


def answers_of(response: Mapping) -> Iterator[dict]:
    """Every item of a response that has answers, at any depth."""
    for item in response.get("item", []) or []:
        if item.get("answer"):
            yield item
        yield from answers_of(item)
        for answer in item.get("answer", []) or []:
            yield from answers_of(answer)


def computed_value(response: Mapping, link_id: str) -> float | None:
    """The number LHC-Forms put in a computed item (None when it gave none)."""
    for item in answers_of(response):
        if item["linkId"] == link_id:
            answer = item["answer"][0]
            for key in ("valueDecimal", "valueInteger"):
                if key in answer:
                    return float(answer[key])
            if "valueQuantity" in answer:
                return float(answer["valueQuantity"]["value"])
    return None


def with_weight_sum(questionnaire: Mapping) -> dict:
    """The questionnaire with one more read-only item whose calculatedExpression sums the
    answers' weights by LHC-Forms' own weight() (for totals that are only our weight sum)."""
    copied = copy.deepcopy(dict(questionnaire))
    copied.setdefault("item", []).append(
        {
            "linkId": WEIGHT_SUM,
            "type": "decimal",
            "text": "Sum of the answer weights",
            "readOnly": True,
            "extension": [
                {
                    "url": CALCULATED,
                    "valueExpression": {
                        "language": "text/fhirpath",
                        "expression": WEIGHT_SUM_EXPRESSION,
                    },
                }
            ],
        }
    )
    return copied


# --- ValueSets as LHC-Forms reads them ---------------------------------------------------


def _value_set_for(reference: str, given: list[dict], contained: dict[str, dict]) -> dict | None:
    if reference.startswith("#"):
        return contained.get(reference[1:])
    url, _, version = reference.partition("|")
    found = [
        v for v in given if v.get("url") == url and (not version or v.get("version") == version)
    ]
    return found[-1] if found else None


def _expansion(value_set: Mapping) -> list[dict] | None:
    """The codes a ValueSet lists, as expansion entries (each concept as written, with its
    system), or None when only a terminology server could list them."""
    if (value_set.get("expansion") or {}).get("contains"):
        return list(value_set["expansion"]["contains"])
    contains = []
    for include in (value_set.get("compose") or {}).get("include", []) or []:
        if not include.get("concept") or include.get("filter") or include.get("valueSet"):
            return None
        contains += [{"system": include.get("system"), **c} for c in include["concept"]]
    return contains or None


def for_lforms(questionnaire: Mapping, value_sets: list[dict]) -> dict:
    """The questionnaire as LHC-Forms can read it without a terminology server: it reads only
    contained ValueSets that hold an expansion. So each ValueSet an item names (contained, in
    the Bundle or a ValueSet file) is contained with its listed concepts as the expansion,
    each concept as written (its weight extensions too). An item whose ValueSet cannot be
    listed without a server becomes free text, as our import makes it."""
    copied = copy.deepcopy(dict(questionnaire))
    contained = {str(r.get("id")): r for r in copied.get("contained", []) or []}
    added: list[dict] = []

    def walk(items: list) -> None:
        for item in items or []:
            reference = item.get("answerValueSet")
            if reference:
                value_set = _value_set_for(str(reference), value_sets, contained)
                contains = _expansion(value_set) if value_set else None
                del item["answerValueSet"]
                if contains is None:
                    item["type"] = "string"
                else:
                    own = f"lforms-{len(added)}"
                    added.append(
                        {
                            "resourceType": "ValueSet",
                            "id": own,
                            "status": "active",
                            "expansion": {
                                "timestamp": "2024-01-01T00:00:00Z",
                                "contains": contains,
                            },
                        }
                    )
                    item["answerValueSet"] = f"#{own}"
            walk(item.get("item", []))

    walk(copied.get("item", []))
    copied["contained"] = [
        r for r in copied.get("contained", []) or [] if r.get("resourceType") != "ValueSet"
    ] + added
    return copied


# --- answer patterns ----------------------------------------------------------------------


def _options(imported: FhirImport, item: Mapping) -> list[dict]:
    """The answers an item offers (the answerOption's own value, or a coding of its
    ValueSet), lowest weight first (in their order when unweighted)."""
    link_id = str(item["linkId"])
    our_id = imported.link_ids.get(link_id)
    keys = list((imported.options_by_item.get(our_id or "") or {}).keys())
    values = {
        key: {"valueCoding": {"code": key[1]} | ({"system": key[0]} if key[0] else {})}
        for key in keys
    }
    for option in item.get("answerOption", []) or []:
        kind = next(k for k in option if k.startswith("value"))
        raw = option[kind]
        if kind == "valueCoding":
            key = (raw.get("system"), str(raw.get("code")))
            raw = {k: v for k, v in raw.items() if k in ("system", "code")}
        else:
            key = (None, str(raw))
        values[key] = {kind: raw}
    weights = {key: imported.weights.get((link_id, *key)) for key in keys}
    keys.sort(key=lambda key: weights[key] if weights[key] is not None else 0)
    return [values[key] for key in keys]


def _answer(imported: FhirImport, item: Mapping, high: bool) -> dict | None:
    kind = item.get("type")
    if kind in ("choice", "open-choice"):
        options = _options(imported, item)
        return options[-1 if high else 0] if options else None
    simple = {
        "boolean": {"valueBoolean": high},
        "integer": {"valueInteger": 3 if high else 0},
        "decimal": {"valueDecimal": 9.5 if high else 0.5},
        "string": {"valueString": "Placeholder answer"},
        "text": {"valueString": "Placeholder answer"},
        "date": {"valueDate": "2024-01-31"},
    }
    return simple.get(str(kind))


def _is_question(item: Mapping, imported: FhirImport) -> bool:
    return item.get("type") not in ("group", "display") and (
        str(item["linkId"]) not in imported.total_items and str(item["linkId"]) != WEIGHT_SUM
    )


def response_for(questionnaire: Mapping, imported: FhirImport, choose: Callable) -> dict:
    """A QuestionnaireResponse in the questionnaire's own shape: ``choose(n, item)`` says, for
    the n-th question, "high", "low" or None (not answered). Answers to items behind closed
    gates are given too: both engines must leave them out."""
    count = 0

    def items(source: list) -> list[dict]:
        nonlocal count
        out = []
        for item in source or []:
            entry: dict[str, Any] = {"linkId": item["linkId"]}
            if _is_question(item, imported):
                position = choose(count)
                count += 1
                answer = _answer(imported, item, position == "high") if position else None
                if answer is not None:
                    entry["answer"] = [answer]
            nested = items(item.get("item", []))
            if nested and entry.get("answer"):
                entry["answer"][0]["item"] = nested
            elif nested:
                entry["item"] = nested
            if entry.get("answer") or entry.get("item"):
                out.append(entry)
        return out

    return {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "item": items(questionnaire.get("item", [])),
    }


PATTERNS: dict[str, Callable[[int], str | None]] = {
    "lowest": lambda n: "low",
    "highest": lambda n: "high",
    "alternating": lambda n: "high" if n % 2 else "low",
    "first-three-highest": lambda n: "high" if n < 3 else None,
    "none": lambda n: None,
}
