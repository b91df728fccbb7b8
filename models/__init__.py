"""The transparent scoring model: Scorecard (points per answer, bands with named cut-offs) and
the expert scorecards shipped with the service. Imports only ``questionnaires`` of ours.

``models.evaluate`` and ``models.explain`` are the functions (they shadow their modules' names;
import other names from ``models.evaluate`` / ``models.explain`` with ``from ... import``).
``ScorecardClassifier`` and batch scoring are loaded on first use, so scoring a response never
imports scikit-learn or pandas. The model card (``models.modelcard``) is imported on its own:
it loads matplotlib.
"""

from models.evaluate import Evaluation, evaluate
from models.explain import Explanation, explain
from models.library import (
    builtin_scorecards,
    current_scorecards,
    load_scorecards,
    scorecards_for,
)
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
    "BatchSummary",
    "Evaluation",
    "Explanation",
    "RowProblem",
    "ScorecardClassifier",
    "evaluate",
    "explain",
    "score_csv",
    "score_frame",
    "Band",
    "Contribution",
    "CriticalRule",
    "ScoreResult",
    "Scorecard",
    "ScorecardError",
    "builtin_scorecards",
    "current_scorecards",
    "load_scorecard",
    "load_scorecards",
    "scorecard_from_dict",
    "scorecards_for",
]


_BATCH = ("BatchSummary", "RowProblem", "score_csv", "score_frame")


def __getattr__(name: str):
    # Loaded on first use: scikit-learn (the classifier) and pandas (batch scoring) stay out of
    # the web app's start-up and out of scoring a single response.
    if name == "ScorecardClassifier":
        from models.classifier import ScorecardClassifier

        return ScorecardClassifier
    if name in _BATCH:
        from models import batch

        return getattr(batch, name)
    raise AttributeError(f"module 'models' has no attribute {name!r}")
