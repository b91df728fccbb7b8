"""A questionnaire as a paper copy for a parent to fill in by hand: its sections, each
question numbered, its answer choices, and when a question applies. A worker then records
the answers with the paper mode of a screening."""

from __future__ import annotations

from dataclasses import dataclass

from questionnaires import Questionnaire

# How big the print is: easy read is already large; large print is larger still.
PRINT_SIZES = {"standard": "14pt", "large": "20pt"}


@dataclass(frozen=True)
class PaperQuestion:
    number: int
    prompt: str
    hint: str | None
    choices: list[str]  # empty: the parent writes the answer
    only_if: str | None  # when the question applies, in words


@dataclass(frozen=True)
class PaperSection:
    title: str | None
    intro: str | None
    questions: list[PaperQuestion]


def paper_copy(questionnaire: Questionnaire) -> list[PaperSection]:
    numbers = {item.id: n for n, item in enumerate(questionnaire.items, start=1)}
    sections = []
    for section in questionnaire.sections:
        questions = []
        for item in section.items:
            only_if = None
            for condition in item.enable_when:
                gate = questionnaire.item(condition.item)
                said = " or ".join(f"“{gate.label_for(v)}”" for v in sorted(condition.values))
                only_if = f"Answer this only if you said {said} to question {numbers[gate.id]}."
            questions.append(
                PaperQuestion(
                    number=numbers[item.id],
                    prompt=item.prompt,
                    hint=item.hint,
                    choices=[option.label for option in item.options or []],
                    only_if=only_if,
                )
            )
        sections.append(PaperSection(section.title, section.intro, questions))
    return sections
