"""SDC expressions in FHIRPath, evaluated over a QuestionnaireResponse with fhirpathpy.

``variable`` (in order, at each level, each seeing those above it and before it),
``calculatedExpression`` and ``enableWhenExpression``, with ``%resource`` (the response),
``%questionnaire`` and ``%context`` (the response item the expression sits on) supplied, and
``weight()`` / ``ordinal()`` answering from the imported weights (fhirpathpy leaves these two
unimplemented). Expressions in other languages (CQL) are not evaluated: the importer reports them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

SDC = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-"
VARIABLE = "http://hl7.org/fhir/StructureDefinition/variable"
CALCULATED = f"{SDC}calculatedExpression"
ENABLE_WHEN = f"{SDC}enableWhenExpression"
FHIRPATH = "text/fhirpath"
# The kinds of expression scoring evaluates (when they are FHIRPath).
EVALUATED = ("variable", "calculatedExpression", "enableWhenExpression")

# A weight for one answer or coding: (linkId of its item or None, system, code) -> weight.
WeightOf = Callable[[str | None, str | None, str], float | None]


def language_of(expression: Mapping) -> str:
    return str(expression.get("language") or FHIRPATH)


def _expression(node: Mapping, url: str) -> dict | None:
    for extension in node.get("extension", []) or []:
        if extension.get("url") == url and isinstance(extension.get("valueExpression"), dict):
            expression = extension["valueExpression"]
            if language_of(expression) == FHIRPATH and expression.get("expression"):
                return expression
    return None


def _variables(node: Mapping) -> list[dict]:
    return [
        e["valueExpression"]
        for e in node.get("extension", []) or []
        if e.get("url") == VARIABLE
        and isinstance(e.get("valueExpression"), dict)
        and language_of(e["valueExpression"]) == FHIRPATH
        and e["valueExpression"].get("name")
    ]


def has_expressions(questionnaire: Mapping) -> bool:
    def walk(node: Mapping) -> bool:
        if _variables(node) or _expression(node, CALCULATED) or _expression(node, ENABLE_WHEN):
            return True
        return any(walk(child) for child in node.get("item", []) or [])

    return walk(questionnaire)


def children(node: Mapping) -> list[dict]:
    """A response item's child items, whether directly under it or under its answers."""
    found = list(node.get("item", []) or [])
    for answer in node.get("answer", []) or []:
        found += answer.get("item", []) or []
    return found


@dataclass
class Evaluation:
    disabled: set[str] = field(default_factory=set)  # linkIds an enableWhenExpression closed
    computed: dict[str, float | None] = field(default_factory=dict)  # linkId -> calculated value
    problems: list[str] = field(default_factory=list)


class _Run:
    """One evaluation of a Questionnaire's expressions over one response."""

    def __init__(self, questionnaire: dict, response: dict, weight_of: WeightOf):
        from fhirpathpy.models import models

        self.questionnaire = questionnaire
        self.response = response
        self.weight_of = weight_of
        self.model = models["r4"]
        self.result = Evaluation()
        # The same answer and coding objects reach weight(): by their identity we know the
        # item they answer, so a code weighs what its own item says.
        self.item_of: dict[int, str] = {}
        self._index(response.get("item", []) or [])
        table = {"fn": self._weights}
        self.functions = {"weight": table, "ordinal": table}

    def _index(self, items: list) -> None:
        for item in items:
            for answer in item.get("answer", []) or []:
                self.item_of[id(answer)] = str(item.get("linkId"))
                if isinstance(answer.get("valueCoding"), dict):
                    self.item_of[id(answer["valueCoding"])] = str(item.get("linkId"))
            self._index(children(item))

    def _weights(self, inputs: list) -> list[float]:
        weights = []
        for node in inputs:
            if not isinstance(node, dict):
                continue
            coding = node.get("valueCoding", node)
            if not isinstance(coding, dict) or "code" not in coding:
                continue
            link_id = self.item_of.get(id(node), self.item_of.get(id(coding)))
            weight = self.weight_of(link_id, coding.get("system"), str(coding["code"]))
            if weight is not None:
                weights.append(weight)
        return weights

    def evaluate(self, expression: dict, context: Any, scope: dict, where: str) -> list:
        from fhirpathpy import evaluate

        try:
            return evaluate(
                context,
                str(expression["expression"]),
                dict(scope, context=context),
                self.model,
                {"userInvocationTable": self.functions},
            )
        except Exception as exc:  # fhirpathpy raises bare Exceptions for bad expressions
            self.result.problems.append(
                f"{where}: the expression {expression['expression']!r} could not be "
                f"evaluated ({exc})"
            )
            return []

    def with_variables(self, node: Mapping, context: Any, scope: dict, where: str) -> dict:
        scope = dict(scope)
        for variable in _variables(node):
            scope[str(variable["name"])] = self.evaluate(variable, context, scope, where)
        return scope

    def walk(self, items: list, parents: list[dict], scope: dict, closed: bool) -> None:
        for item in items or []:
            link_id = str(item.get("linkId"))
            where = f"item '{link_id}'"
            nodes = [c for p in parents for c in children(p) if c.get("linkId") == link_id]
            context = nodes[0] if nodes else {"linkId": link_id}
            own = self.with_variables(item, context, scope, where)
            shown = not closed
            enable_when = _expression(item, ENABLE_WHEN)
            if shown and enable_when is not None:
                shown = self.evaluate(enable_when, context, own, where) == [True]
            if not shown:
                self.result.disabled.add(link_id)
            calculated = _expression(item, CALCULATED)
            if calculated is not None and shown:
                value = self.evaluate(calculated, context, own, where)
                self.result.computed[link_id] = number_of(value)
            self.walk(item.get("item", []) or [], nodes, own, not shown)

    def run(self) -> Evaluation:
        scope = {"resource": self.response, "questionnaire": self.questionnaire}
        scope = self.with_variables(self.questionnaire, self.response, scope, "questionnaire")
        self.walk(self.questionnaire.get("item", []) or [], [self.response], scope, False)
        return self.result


def number_of(value: list) -> float | None:
    """The number an expression gave: a number, or a Quantity's value; None for nothing."""
    if len(value) != 1:
        return None
    first = value[0]
    if isinstance(first, dict):
        first = first.get("value")
    if isinstance(first, bool) or not isinstance(first, (int, float)):
        try:
            return float(str(first)) if first is not None else None
        except ValueError:
            return None
    return float(first)


def evaluate_expressions(questionnaire: dict, response: dict, weight_of: WeightOf) -> Evaluation:
    """Which items the enableWhenExpressions close, and what each calculatedExpression gives,
    for this response."""
    return _Run(questionnaire, response, weight_of).run()
