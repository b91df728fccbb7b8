"""The transparent scoring model: Scorecard (points per answer, bands with named cut-offs) and
the expert scorecards shipped with the service. Imports only ``questionnaires`` of ours."""

from models.library import builtin_scorecards, load_scorecards, scorecards_for
from models.scorecard import (
    Alert,
    Band,
    Contribution,
    CriticalRule,
    Scorecard,
    ScorecardError,
    ScoreResult,
    load_scorecard,
    scorecard_from_dict,
)

__all__ = [
    "Alert",
    "Band",
    "Contribution",
    "CriticalRule",
    "ScoreResult",
    "Scorecard",
    "ScorecardError",
    "builtin_scorecards",
    "load_scorecard",
    "load_scorecards",
    "scorecard_from_dict",
    "scorecards_for",
]
