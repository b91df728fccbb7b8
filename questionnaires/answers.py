"""What counts as an answer to an item, by item type: one rule for every way an answer arrives
(a page post, the page script's autosave, a paper copy typed in, an import).

``check_answer`` returns the value to store, or an ``AnswerProblem`` saying what is wrong in
terms a page can turn into its own words. Numbers are read strictly: digits with an optional
sign, comma thousands separators and (for decimals) one decimal point. Python's own ``float``
would also take "nan", "inf" and "1e400", none of which a person means as an answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from questionnaires.schema import SKIP, Item

MAX_TEXT_LENGTH = 500
# No bound in the file still means a number a person could type and a database could hold.
LARGEST_NUMBER = 10**12
_WHOLE = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
# Digits beyond this are out of any range a person means, whatever the bounds.
_MOST_DIGITS = 30


@dataclass(frozen=True)
class AnswerProblem:
    """Why a value is not an answer to an item.

    ``kind`` is one of: missing, not_a_choice, too_long, not_a_number, not_whole, too_small,
    too_big. ``minimum`` and ``maximum`` are the item's own bounds (None where it has none)."""

    kind: str
    minimum: float | None = None
    maximum: float | None = None


def check_answer(item: Item, raw: object) -> str | AnswerProblem:
    """The stored form of ``raw`` as an answer to ``item``, or the problem with it."""
    if raw == SKIP:
        return SKIP
    if isinstance(raw, str):
        raw = raw.replace("\x00", "")  # no text means a NUL, and databases refuse them
    if not isinstance(raw, str) or not raw.strip():
        return AnswerProblem("missing")
    if item.options:
        return raw if raw in item.option_values else AnswerProblem("not_a_choice")
    text = raw.strip()
    if item.type == "integer":
        return _number(item, text, whole=True)
    if item.type == "decimal":
        return _number(item, text, whole=False)
    return text if len(text) <= MAX_TEXT_LENGTH else AnswerProblem("too_long")


def bounds(item: Item) -> tuple[float, float]:
    low = item.minimum if item.minimum is not None else -LARGEST_NUMBER
    high = item.maximum if item.maximum is not None else LARGEST_NUMBER
    return low, high


def _number(item: Item, text: str, *, whole: bool) -> str | AnswerProblem:
    cleaned = text.replace(",", "").replace(" ", "")
    if not (_WHOLE if whole else _DECIMAL).match(cleaned):
        looks_decimal = whole and _DECIMAL.match(cleaned)
        return AnswerProblem("not_whole" if looks_decimal else "not_a_number")
    if len(cleaned) > _MOST_DIGITS:
        kind = "too_small" if cleaned.startswith("-") else "too_big"
        return AnswerProblem(kind, minimum=item.minimum, maximum=item.maximum)
    try:
        value = Decimal(cleaned)
    except InvalidOperation:  # the patterns above should make this unreachable
        return AnswerProblem("not_a_number")
    low, high = bounds(item)
    if not low <= value <= high:
        kind = "too_small" if value < low else "too_big"
        return AnswerProblem(kind, minimum=item.minimum, maximum=item.maximum)
    # As the person wrote it, less separators, a plus sign and leading zeros ("2.50" stays).
    return str(int(value)) if whole else format(value, "f")
