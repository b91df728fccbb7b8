"""Numbers a page accepts in its address or a JSON body, each with a ceiling, so odd input
(huge numbers, "²") gets a clear answer and never reaches the database as an overflow."""

from __future__ import annotations

import re
from typing import Any

from questionnaires.nesting import load_json

# More pages than any list will have: a bigger page number is treated as the first page.
MAX_PAGE = 100_000
_DIGITS = re.compile(r"[0-9]{1,6}")


def page_number(text: str) -> int:
    """For `request.args.get("page", 1, type=page_number)`: ValueError (so the default) for
    anything but a whole number from 1 to MAX_PAGE written in ASCII digits."""
    if not _DIGITS.fullmatch(text) or not 1 <= int(text) <= MAX_PAGE:
        raise ValueError(text)
    return int(text)


def json_body(data: bytes) -> Any:
    """A request's JSON, or None when it is not JSON we accept (bad, or nested too deeply)."""
    try:
        return load_json(data)
    except ValueError:  # UnicodeDecodeError is one
        return None
