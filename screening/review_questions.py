"""The plan review's questions to the parent (review_questions.yaml): one easy-read question per
adjustment, whether it helped, and the words of its three answers. Read and checked with the
rest of the content, so a missing question, an unknown adjustment or a long sentence stops the
start with the file, line and adjustment."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from questionnaires import Problem
from questionnaires.readability import check_sentences
from questionnaires.yamlsource import line_of

# The answers' codes are fixed: the service stores and counts them (ReviewAnswer in the
# webapp's states); the file gives only their words.
ANSWER_CODES = ("helped", "did_not_help", "not_sure")


@dataclass(frozen=True)
class ReviewQuestions:
    # Adjustment id -> its question ("We phoned you before sending letters. Did this help?").
    questions: dict[str, str]
    # Answer code -> its words ("Yes, it helped").
    answers: dict[str, str]


def load_review_questions(
    source: str, raw: Any, adjustments: Iterable[str], problems: list[Problem]
) -> ReviewQuestions:
    """The file's mapping (``raw``, read with lines), checked against the adjustment catalogue:
    every adjustment asked about, each in plain words."""
    if not isinstance(raw, dict):
        if raw is not None:
            problems.append(Problem(source, "the file must hold 'answers' and 'questions'"))
        return ReviewQuestions({}, {})
    return ReviewQuestions(
        _questions(source, raw, list(adjustments), problems), _answers(source, raw, problems)
    )


def _plain(text: Any) -> str:
    return " ".join(text.split()) if isinstance(text, str) else ""


def _wording_problems(source: str, item: str, text: str, line: int | None) -> list[Problem]:
    return [
        Problem(source, finding.message, item=item, line=line)
        for finding in check_sentences(item, text)
    ]


def _answers(source: str, raw: dict, problems: list[Problem]) -> dict[str, str]:
    answers = raw.get("answers")
    line = line_of(raw, "answers") if "answers" in raw else None
    if not isinstance(answers, dict) or set(answers) != set(ANSWER_CODES):
        problems.append(
            Problem(source, f"answers must give the words of {', '.join(ANSWER_CODES)}", line=line)
        )
        return {}
    found = {}
    for code in ANSWER_CODES:
        words = _plain(answers[code])
        where = line_of(answers, code)
        if not words:
            problems.append(Problem(source, "an answer needs its words", item=code, line=where))
            continue
        problems.extend(_wording_problems(source, code, words, where))
        found[code] = words
    return found


def _questions(
    source: str, raw: dict, adjustments: list[str], problems: list[Problem]
) -> dict[str, str]:
    questions = raw.get("questions")
    if not isinstance(questions, dict):
        problems.append(Problem(source, "'questions' must map adjustment ids to their question"))
        return {}
    found = {}
    for adj_id, text in questions.items():
        line = line_of(questions, adj_id)
        words = _plain(text)
        if adj_id not in adjustments:
            problems.append(
                Problem(source, "is not in the adjustment catalogue", item=str(adj_id), line=line)
            )
            continue
        if not words.endswith("?"):
            problems.append(
                Problem(source, "a question ends with a question mark", item=adj_id, line=line)
            )
        problems.extend(_wording_problems(source, adj_id, words, line))
        found[adj_id] = words
    for adj_id in adjustments:
        if adj_id not in questions:
            problems.append(Problem(source, "has no question to ask the parent", item=adj_id))
    return found
