"""Strict FHIR R4 validation (fhir.resources), read leniently.

Files from other engines often fail strict validation on details that do not touch scoring: a
ValueSet expansion without its ``timestamp``, an extension we do not read carrying a value type
R4 does not know. Those are read, with a warning naming the path. Anything else is refused,
with the file and the path named."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from questionnaires.errors import Problem, QuestionnaireError
from questionnaires.fhir.common import (
    DECLINED,
    ITEM_CONTROL,
    ITEM_WEIGHT,
    MAX_VALUE,
    MIN_VALUE,
    ORDINAL,
    OUR_TYPE,
)
from questionnaires.fhir.expressions import CALCULATED, ENABLE_WHEN, SDC, VARIABLE

# Extensions whose values we read: a fault in one of these touches scoring.
READ = {
    ORDINAL,
    ITEM_WEIGHT,
    OUR_TYPE,
    MIN_VALUE,
    MAX_VALUE,
    DECLINED,
    ITEM_CONTROL,
    VARIABLE,
    CALCULATED,
    ENABLE_WHEN,
    f"{SDC}initialExpression",
    f"{SDC}answerExpression",
    "http://hl7.org/fhir/StructureDefinition/cqf-expression",
}


def _where(loc: tuple) -> str:
    return ".".join(str(part) for part in loc)


def _extension_url(data: Any, loc: tuple) -> str | None | bool:
    """The url of the outermost extension on the error's path; False when the path has none."""
    node = data
    for n, part in enumerate(loc):
        if part == "extension" and n + 1 < len(loc) and isinstance(node, dict):
            extensions = node.get("extension")
            index = loc[n + 1]
            if isinstance(extensions, list) and isinstance(index, int) and index < len(extensions):
                extension = extensions[index]
                url = extension.get("url") if isinstance(extension, dict) else None
                return url if isinstance(url, str) else None
            return None
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            return False
    return False


def harmless(data: Any, error: Mapping[str, Any]) -> bool:
    """A strict-validation error on a detail that scoring never reads."""
    loc = tuple(error["loc"])
    if loc[-2:] == ("expansion", "timestamp") and error["type"].endswith("missing"):
        return True
    url = _extension_url(data, loc)
    return isinstance(url, str) and url not in READ


def validated(model: Any, data: Any, source: str, what: str = "") -> list[str]:
    """Validate ``data`` against the fhir.resources ``model``; the warnings for details read
    anyway. Raises QuestionnaireError naming the file and the path of the first real fault."""
    from pydantic import ValidationError

    try:
        model.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        broken = [e for e in errors if not harmless(data, e)]
        if broken:
            where = _where(broken[0]["loc"])
            raise QuestionnaireError(
                [Problem(source, f"{what}not valid FHIR R4: {where}: {broken[0]['msg']}")]
            ) from None
        prefix = f"{source}: " if what else ""
        return [
            f"{prefix}{what}not strictly valid FHIR R4 at {_where(e['loc'])}: {e['msg']} "
            "(read anyway: it does not touch scoring)"
            for e in errors
        ]
    return []
