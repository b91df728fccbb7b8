"""Turn a domain score into a flag that always says why, in words a social worker uses."""

from __future__ import annotations

from dataclasses import dataclass

from models import ScoreResult
from screening.content import Content, Domain, FlagLevel, builtin_content

LEVEL_ORDER = {"none": 0, "possible": 1, "likely": 2}


@dataclass(frozen=True)
class Flag:
    domain: str
    level: str  # none / possible / likely
    headline: str
    reasons: tuple[str, ...]
    pathway: str | None

    @property
    def raised(self) -> bool:
        return self.level != "none"


def _points(value: float) -> str:
    number = int(value) if float(value).is_integer() else round(value, 2)
    return f"{number} point" if number == 1 else f"{number} points"


def explain_reasons(result: ScoreResult) -> tuple[str, ...]:
    """One line per contributing answer, then what was skipped; never a diagnosis."""
    reasons = [f"{_points(c.points)} from {c.summary}" for c in result.contributions]
    if result.skipped:
        count = len(result.skipped)
        reasons.append(
            f"{count} question{'s were' if count != 1 else ' was'} not answered, "
            "so the score may be lower than it would otherwise be"
        )
    return tuple(reasons)


def flag_for(
    result: ScoreResult, domain: Domain, levels: dict[str, FlagLevel] | None = None
) -> Flag:
    """The flag, its headline in the one vocabulary of flag levels (flag_levels.yaml)."""
    level = result.band.flag
    label = (levels or builtin_content().flag_levels)[level].label
    total = _points(result.points)
    if level == "none":
        headline = f"{label} of {domain.need}"
    else:
        headline = f"May need an assessment for {domain.need}"
    maximum = _points(result.max_points)
    headline = f"{headline} ({label.lower()}: {total.split()[0]} of {maximum})"
    return Flag(
        domain=domain.id,
        level=level,
        headline=headline,
        reasons=explain_reasons(result),
        pathway=domain.pathway if level != "none" else None,
    )


def flags_for(results: list[ScoreResult], content: Content) -> list[Flag]:
    return [flag_for(r, content.domains[r.domain], content.flag_levels) for r in results]


def highest_level(flags: list[Flag]) -> str:
    return max((f.level for f in flags), key=LEVEL_ORDER.__getitem__, default="none")
