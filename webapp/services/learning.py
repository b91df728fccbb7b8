"""The learning loop: recorded assessment outcomes -> a fitted candidate scorecard, evaluated
beside the active one on the same data -> approved (then active) or discarded. Re-scoring old
results is never automatic: they keep the version that produced them until a lead re-scores
them explicitly (rescore), which keeps the old result, marked superseded, beside the new one."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import or_, select

from models import Scorecard, current_scorecards, scorecard_from_dict
from questionnaires import SKIP, Questionnaire
from screening import score_response
from webapp.access.audit import record_event
from webapp.extensions import db
from webapp.services.content_library import questionnaire_library, service_scorecards
from webapp.services.errors import WorkflowError
from webapp.services.plans import propose_new_plan
from webapp.services.questions import questionnaire_for
from webapp.services.results import case_flag_level, result_row, stored_scorecard
from webapp.services.review import request_review
from webapp.storage.records import Case, Outcome, Response, Result, ScorecardVersion, User, utcnow
from webapp.storage.states import ResponseStatus, ScorecardStatus

MIN_OUTCOMES = 40
MIN_EACH = 10
LABELS = {"confirmed": 1, "not_confirmed": 0}


@dataclass
class TrainingData:
    questionnaire: Questionnaire
    answers: list[dict[str, str | None]]
    labels: list[int]

    @property
    def confirmed(self) -> int:
        return sum(self.labels)

    @property
    def not_confirmed(self) -> int:
        return len(self.labels) - self.confirmed


def active_scorecard(domain: str) -> Scorecard:
    """The scorecard new responses in the domain are scored with: the one (fitted, if a fitted
    version was approved) that reads the newest version of its questionnaire. Cards for older
    versions stay in use for answers to those versions, but are not the one to refit."""
    cards = [c for c in service_scorecards() if c.domain == domain]
    if not cards:
        raise WorkflowError(f"No scorecard scores the domain {domain!r}")
    current = current_scorecards(cards, questionnaire_library())
    return (current or cards)[0]


def training_data(domain: str) -> TrainingData:
    """Each case's latest outcome in the domain (confirmed or not) with the answers of its
    latest submitted response to the questionnaire the active scorecard reads."""
    card = active_scorecard(domain)
    qid, _, version = card.questionnaires[0].partition("@")
    questionnaire = questionnaire_library().get(qid, version or None)
    latest_outcome: dict[int, str] = {}
    for case_id, finding in db.session.execute(
        select(Outcome.case_id, Outcome.finding)
        .where(Outcome.domain == domain)
        .order_by(Outcome.recorded_at, Outcome.id)
    ):
        latest_outcome[case_id] = finding
    labelled = {c: LABELS[f] for c, f in latest_outcome.items() if f in LABELS}
    answers, labels = [], []
    if labelled:
        responses = db.session.scalars(
            select(Response)
            .where(
                Response.case_id.in_(labelled),
                Response.questionnaire_id == questionnaire.id,
                Response.questionnaire_version == questionnaire.version,
                Response.status == ResponseStatus.SUBMITTED,
            )
            .order_by(Response.submitted_at)
        ).all()
        newest = {r.case_id: r for r in responses}
        for case_id, response in newest.items():
            answers.append(questionnaire.effective_answers(response.answer_map))
            labels.append(labelled[case_id])
    return TrainingData(questionnaire, answers, labels)


def _evaluate(card: Scorecard, data: TrainingData) -> dict:
    from models.evaluate import evaluate

    scores = [card.score(a).points for a in data.answers]
    result = evaluate(data.labels, scores, n_boot=200)
    return {
        "auc": round(result.auc, 3),
        "auc_interval": [round(x, 3) for x in result.auc_interval],
        "cutoff": result.chosen.cutoff,
        "sensitivity": round(result.chosen.sensitivity, 3),
        "specificity": round(result.chosen.specificity, 3),
        "flagged": round(result.chosen.flagged, 3),
    }


def fit_candidate(domain: str, user: User) -> ScorecardVersion:
    """Fit a new version from the outcomes. Refuses with too few, saying how many are needed."""
    import numpy as np
    import pandas as pd

    from models.classifier import ScorecardClassifier, answer_codes
    from models.evaluate import cutoff_for_sensitivity

    data = training_data(domain)
    _check_enough_outcomes(data)
    active = active_scorecard(domain)
    scored = [i for i in data.questionnaire.iter_items() if i.options]
    # A skipped or unasked answer counts as the lowest option: no evidence of the need.
    frame = pd.DataFrame(
        [
            {
                i.id: (a.get(i.id) if a.get(i.id) not in (None, SKIP) else i.option_values[0])
                for i in scored
            }
            for a in data.answers
        ]
    )
    codes = answer_codes(frame, data.questionnaire)
    y = np.array(data.labels)
    model = ScorecardClassifier(max_items=min(8, len(scored))).fit(codes, y)
    totals = model.points(codes)  # plain totals: decision_function adds the intercept
    likely = cutoff_for_sensitivity(y, totals, 0.80)
    possible = min(cutoff_for_sensitivity(y, totals, 0.95), likely - 1)
    number = _next_version_number(domain)
    basis = f"Fitted with ScorecardClassifier on {len(y)} recorded assessment outcomes."
    two_bands = [("none", "Few signs", "none"), ("likely", "Many signs", "likely")]
    # Cut-offs must be totals the scorecard can reach, above its lowest total.
    span = model.to_scorecard(
        data.questionnaire, id="probe", domain=domain, cutoffs=[0], bands=two_bands
    )
    likely = min(max(likely, span.min_points + 1), span.max_points)
    card = model.to_scorecard(
        data.questionnaire,
        id=f"{domain}-fitted",
        version=str(number),
        domain=domain,
        cutoffs=[likely],
        bands=two_bands,
        basis=basis,
    )
    if card.min_points < possible < likely:  # room for a "some signs" band below "likely"
        card = model.to_scorecard(
            data.questionnaire,
            id=card.id,
            version=card.version,
            domain=domain,
            cutoffs=[possible, likely],
            basis=basis,
        )
    # Safety rules are never learned away: the fitted card keeps the active one's alerts.
    card = replace(card, critical=active.critical)
    # The same checks as any scorecard file, so a bad fit is refused now, not at approval.
    scorecard_from_dict(card.to_dict(), questionnaire_library(), source=card.key)
    return _keep_candidate(card, active, data, user)


def _check_enough_outcomes(data: TrainingData) -> None:
    if (
        len(data.labels) < MIN_OUTCOMES
        or data.confirmed < MIN_EACH
        or data.not_confirmed < MIN_EACH
    ):
        raise WorkflowError(
            f"Not enough outcomes to fit a new version: {len(data.labels)} recorded "
            f"({data.confirmed} confirmed, {data.not_confirmed} not confirmed). At least "
            f"{MIN_OUTCOMES} are needed, with {MIN_EACH} or more of each."
        )


def _next_version_number(domain: str) -> int:
    existing = db.session.scalars(
        select(ScorecardVersion.version).where(ScorecardVersion.domain == domain)
    ).all()
    return max([int(v) for v in existing if v.isdigit()] + [0]) + 1


def _keep_candidate(
    card: Scorecard, active: Scorecard, data: TrainingData, user: User
) -> ScorecardVersion:
    """Store a fitted card as a candidate, with how it and the active card do on the data."""
    y = data.labels
    version = ScorecardVersion(
        domain=card.domain,
        scorecard_id=card.id,
        version=card.version,
        status=ScorecardStatus.CANDIDATE,
        definition=card.to_dict(),
        outcomes_used=len(y),
        created_by_id=user.id,
        evaluation={
            "candidate": _evaluate(card, data),
            "active": _evaluate(active, data),
            "active_key": active.key,
            "n": len(y),
            "confirmed": data.confirmed,
        },
    )
    db.session.add(version)
    record_event("scorecard.fitted", detail=f"{card.key} from {len(y)} outcomes")
    db.session.commit()
    return version


def decide(version: ScorecardVersion, user: User, approve: bool) -> None:
    if version.status != ScorecardStatus.CANDIDATE:
        raise WorkflowError("Only a candidate can be approved or discarded.")
    if approve:
        for current in db.session.scalars(
            select(ScorecardVersion).where(
                ScorecardVersion.domain == version.domain,
                ScorecardVersion.status == ScorecardStatus.ACTIVE,
            )
        ):
            current.status = ScorecardStatus.RETIRED
    version.status = ScorecardStatus.ACTIVE if approve else ScorecardStatus.DISCARDED
    version.decided_by_id, version.decided_at = user.id, utcnow()
    record_event(
        "scorecard.approved" if approve else "scorecard.discarded",
        detail=f"{version.scorecard_id}@{version.version}",
    )
    db.session.commit()


@dataclass(frozen=True)
class Outdated:
    """Results in a domain that count but were made by another scorecard version."""

    card: Scorecard
    results: list[Result]  # the active scorecard reads their questionnaire: can be re-scored
    unreadable: int  # answers to a questionnaire version the active scorecard does not read


def outdated_results(domain: str) -> Outdated:
    card = active_scorecard(domain)
    rows = db.session.scalars(
        select(Result)
        .join(Response)
        .where(
            Result.domain == domain,
            Result.superseded_at.is_(None),
            Response.status == ResponseStatus.SUBMITTED,
            or_(Result.scorecard_id != card.id, Result.scorecard_version != card.version),
        )
        .order_by(Result.id)
    ).all()
    readable = [
        r for r in rows if f"{r.questionnaire_id}@{r.questionnaire_version}" in card.questionnaires
    ]
    return Outdated(card, readable, len(rows) - len(readable))


def rescore(domain: str, user: User) -> int:
    """Score again, with the active scorecard, every result in the domain that another version
    made. Each old result stays (superseded); each case's flag follows the new results, a case
    newly flagged "likely" goes to the review queue, and a changed flag proposes a new plan."""
    outdated = outdated_results(domain)
    cases: dict[int, Case] = {}
    for old in outdated.results:
        response = old.response
        case = response.case
        before = case_flag_level(case)
        questionnaire = questionnaire_for(response)
        screening = score_response(questionnaire, response.answer_map, [outdated.card])
        (result,), (flag,) = screening.results, screening.flags
        old.superseded_at = utcnow()
        db.session.add(result_row(response, questionnaire, result, flag))
        db.session.flush()
        after = case_flag_level(case)
        case.flag_level = after
        if after != before:
            if after == "likely":
                request_review(case)
            cases[case.id] = case
        record_event(
            "result.rescored",
            case_id=case.id,
            detail=f"{old.scorecard_id}@{old.scorecard_version} -> {outdated.card.key}",
        )
    for case in cases.values():
        propose_new_plan(case)
    record_event(
        "scorecard.rescored", detail=f"{outdated.card.key}: {len(outdated.results)} results"
    )
    db.session.commit()
    return len(outdated.results)


def outcome_counts() -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for domain, finding, _case in db.session.execute(
        select(Outcome.domain, Outcome.finding, Case.id).join(Case)
    ):
        counts.setdefault(domain, {}).setdefault(finding, 0)
        counts[domain][finding] += 1
    return counts


def model_card(card: Scorecard, data: TrainingData) -> str:
    """A model card for ``card`` on the recorded outcomes (HTML with its charts inline)."""
    from models.evaluate import evaluate
    from models.modelcard import model_card_html

    scores = [card.score(a).points for a in data.answers]
    risk = [card.risk(s) for s in scores] if card.calibration else None
    return model_card_html(
        card,
        evaluate(data.labels, scores, risk=risk, n_boot=200),
        data.labels,
        scores,
        risk=risk,
        synthetic=False,
        data_description=(
            f"{len(data.labels)} cases of this service with a recorded formal "
            f"assessment outcome ({data.confirmed} confirmed)."
        ),
    )


def fitted_versions(domain: str) -> list[ScorecardVersion]:
    """Every fitted version for a domain, the newest first."""
    return list(
        db.session.scalars(
            select(ScorecardVersion)
            .where(ScorecardVersion.domain == domain)
            .order_by(ScorecardVersion.created_at.desc())
        )
    )


def fitted_version(version_id: int) -> ScorecardVersion | None:
    return db.session.get(ScorecardVersion, version_id)


def fitted_scorecard(domain: str, scorecard_id: str, version: str) -> Scorecard | None:
    """A fitted version of a domain's scorecard, as a scorecard (for its model card)."""
    stored = stored_scorecard(scorecard_id, version)
    if stored is None or stored.domain != domain:
        return None
    return scorecard_from_dict(stored.definition, questionnaire_library())
