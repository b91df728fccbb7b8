"""R4 ``enableWhen`` evaluated as FHIR defines it, when a FHIR response is scored.

Our own gates cannot hold every R4 condition: the importer notes those it leaves out, and our
form shows such an item always. Scoring a FHIR response follows the source instead: operators
``=``, ``!=``, ``>``, ``<``, ``>=``, ``<=`` and ``exists``; ``enableBehavior`` all or any; an
item under a closed item is closed too; and a question that is itself closed counts as not
answered (so closing one item may close another: evaluated again until nothing changes)."""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any

MAX_PASSES = 10
ORDERED: dict[str, Callable[[Any, Any], bool]] = {
    ">": operator.gt,
    "<": operator.lt,
    ">=": operator.ge,
    "<=": operator.le,
}


def _value(holder: Mapping, prefix: str) -> tuple[str, Any] | None:
    """(type, value) of an answer (prefix "value") or a condition (prefix "answer")."""
    for key, value in holder.items():
        if key.startswith(prefix) and len(key) > len(prefix):
            return key[len(prefix) :], value
    return None


def _comparable(kind: str, value: Any) -> Any:
    if kind == "Quantity" and isinstance(value, Mapping):
        return value.get("value")
    if kind in ("Integer", "Decimal") and not isinstance(value, bool):
        return float(value)
    return value


def _equal(kind: str, given: tuple[str, Any], wanted: Any) -> bool:
    given_kind, value = given
    if kind == "Coding" or given_kind == "Coding":
        if not (isinstance(value, Mapping) and isinstance(wanted, Mapping)):
            return False
        systems = (value.get("system"), wanted.get("system"))
        same_system = None in systems or systems[0] == systems[1]
        return same_system and str(value.get("code")) == str(wanted.get("code"))
    try:
        return _comparable(given_kind, value) == _comparable(kind, wanted)
    except (TypeError, ValueError):
        return False


def _holds(condition: Mapping, answers: list[dict]) -> bool:
    how = condition.get("operator")
    expected = _value(condition, "answer")
    if expected is None:
        return False
    kind, wanted = expected
    given = [v for v in (_value(a, "value") for a in answers) if v is not None]
    if how == "exists":
        return bool(given) == bool(wanted)
    if how == "=":
        return any(_equal(kind, g, wanted) for g in given)
    if how == "!=":
        return not any(_equal(kind, g, wanted) for g in given)
    compare = ORDERED.get(str(how))
    if compare is None:
        return False
    for given_kind, value in given:
        try:
            if compare(_comparable(given_kind, value), _comparable(kind, wanted)):
                return True
        except TypeError:
            continue
    return False


def _enabled(item: Mapping, answers: Mapping[str, list[dict]], closed: set[str]) -> bool:
    conditions = item.get("enableWhen") or []
    if not conditions:
        return True
    results = [
        _holds(
            c, [] if str(c.get("question")) in closed else answers.get(str(c.get("question")), [])
        )
        for c in conditions
    ]
    return any(results) if item.get("enableBehavior") == "any" else all(results)


def _closed_by(
    items: list, answers: Mapping[str, list[dict]], before: set[str], parent_closed: bool
) -> set[str]:
    """What closes when the items in ``before`` count as not answered."""
    closed: set[str] = set()
    for item in items or []:
        shut = parent_closed or not _enabled(item, answers, before)
        if shut:
            closed.add(str(item.get("linkId")))
        closed |= _closed_by(item.get("item", []) or [], answers, before, shut)
    return closed


def closed_items(questionnaire: Mapping, answers: Mapping[str, list[dict]]) -> set[str]:
    """The linkIds the source's enableWhen closes, for these answers (linkId -> its FHIR
    answers)."""
    closed: set[str] = set()
    for _ in range(MAX_PASSES):
        again = _closed_by(questionnaire.get("item", []) or [], answers, closed, False)
        if again == closed:
            break
        closed = again
    return closed
