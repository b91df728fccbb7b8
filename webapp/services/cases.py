"""Cases: reading a case reference as people type it."""

from __future__ import annotations

import re

# A reference exactly as the service writes it (Case.reference): C and six to nine digits.
REFERENCE = re.compile(r"^C(\d{6,9})$")


def case_number(reference: str | None, *, strict: bool = False) -> int | None:
    """The case id in a reference: "C000123" (and, unless ``strict``, "c123" or "123").
    None when it is not a reference."""
    if strict:
        match = REFERENCE.match(reference or "")
        return int(match.group(1)) if match else None
    digits = (reference or "").strip().upper().removeprefix("C")
    return int(digits) if digits.isdigit() else None
