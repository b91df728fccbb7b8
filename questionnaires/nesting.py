"""How deeply data may nest. Parsers and our own walkers recurse, so a file or a request body
nested thousands deep would exhaust Python's stack: everything read from outside is checked
against one limit, far above any real questionnaire, answer or FHIR resource."""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 40
TOO_DEEP = f"nested more than {MAX_DEPTH} levels deep"


def too_deep(data: Any, limit: int = MAX_DEPTH) -> bool:
    """True when lists and mappings in ``data`` nest more than ``limit`` levels. Walks without
    recursion, so it is safe on any depth."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = list(value.values())
        elif isinstance(value, list | tuple):
            children = list(value)
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def load_json(text: str | bytes) -> Any:
    """json.loads that refuses data nested too deeply with a ValueError, as for any bad JSON."""
    try:
        data = json.loads(text)
    except RecursionError:  # the parser itself recurses
        raise ValueError(TOO_DEEP) from None
    if too_deep(data):
        raise ValueError(TOO_DEEP)
    return data
