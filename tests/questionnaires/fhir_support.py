"""Helpers shared by the FHIR tests: fixtures, small QuestionnaireResponses, the command line."""

from __future__ import annotations

import json
from pathlib import Path

from tests.questionnaires.command_line import run

__all__ = ["FIXTURES", "coding", "fixture", "response", "run"]

FIXTURES = Path(__file__).parent / "fhir_fixtures"


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def response(*answers, total=None, group="g1"):
    """A QuestionnaireResponse with one answer per (linkId, FHIR answer) in one group."""
    items = [{"linkId": link, "answer": [answer]} for link, answer in answers]
    if total is not None:
        items.append({"linkId": "total", "answer": [{"valueDecimal": total}]})
    return {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "item": [{"linkId": group, "item": items}],
    }


def coding(code):
    return {"valueCoding": {"code": code}}
