"""Needs a parent states themselves, read from a preferences questionnaire's answers.

The questionnaire carries the meaning, not the code: an option that asks for something has
``meta: {preference: read-aloud}``, and a free-text item can have ``meta: {preference: language}``
so its answer "Polish" becomes ``language:polish``. The preference strings are the ones the plan
rules (screening/content/plan_rules.yaml) match on. No item id is hard-coded here.
"""

from __future__ import annotations

from collections.abc import Mapping

from questionnaires import SKIP, Questionnaire

PREFERENCE_KEY = "preference"


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def preferences_from_answers(
    questionnaire: Questionnaire, answers: Mapping[str, str | None]
) -> list[str]:
    """The preferences the answers ask for, in questionnaire order, each once.

    Answers behind a closed gate do not count, and a skipped item asks for nothing.
    """
    found: list[str] = []
    for item_id, answer in questionnaire.effective_answers(answers).items():
        if answer is None or answer == SKIP or not str(answer).strip():
            continue
        item = questionnaire.item(item_id)
        if item.options:
            option = item.option(answer)
            values = _split(option.meta.get(PREFERENCE_KEY, "")) if option else []
        elif PREFERENCE_KEY in item.meta:
            detail = " ".join(str(answer).split()).lower()
            values = [f"{key}:{detail}" for key in _split(item.meta[PREFERENCE_KEY])]
        else:
            values = []
        found.extend(v for v in values if v not in found)
    return found
