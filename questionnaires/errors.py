"""Errors that say where the problem is: the file, the line (for YAML) and the item."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a content file, located as precisely as we can."""

    source: str
    message: str
    item: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        what = f"item '{self.item}': " if self.item else ""
        return f"{where}: {what}{self.message}"


class ContentError(ValueError):
    """Raised with every problem found in a content file, so an author fixes them in one pass."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class QuestionnaireError(ContentError):
    """A questionnaire file (or the data given for one) is not valid."""
