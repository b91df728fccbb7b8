"""Bulk demo referrals for load tests and benchmarks: N screened cases with answers, results
scored by the real scorecard, plans and reviews, inserted in batches (100,000 in about a
minute on SQLite). The data is synthetic and means nothing about real people."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import func, insert, select, text

from models import builtin_scorecards, scorecards_for
from questionnaires import builtin_library
from screening import builtin_content, flag_for, preferences_from_contact, propose_plan
from webapp.extensions import db
from webapp.services.results import result_fields
from webapp.storage.records import (
    Answer,
    Case,
    Outcome,
    Plan,
    PlanItem,
    Response,
    Result,
    Review,
    ReviewPathway,
    Team,
    User,
    utcnow,
)
from webapp.storage.states import (
    Decision,
    PathwayStatus,
    PlanStatus,
    ResponseMode,
    ResponseStatus,
    ReviewState,
)

BATCH = 2000


def _next_id(model) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


MODELS = (Case, Response, Answer, Result, Plan, PlanItem, Review, Outcome, ReviewPathway)


def bulk_cases(
    team: Team, worker: User, clinician: User, count: int, seed: int = 7, outcomes: bool = False
) -> int:
    """``outcomes`` also records a synthetic assessment outcome for about half the cases,
    confirmed with a probability that rises with the (hidden) need behind the answers, so
    the learning loop has something to learn from."""
    bulk = _Bulk(team, worker, clinician, seed)
    for n in range(count):
        bulk.add_case(outcomes)
        if (n + 1) % BATCH == 0:
            bulk.flush()
    bulk.flush()
    if db.engine.dialect.name == "postgresql":
        _move_sequences_past(bulk.ids)
    return count


class _Bulk:
    """The rows of synthetic cases, numbered by hand and inserted in batches. Every random
    draw happens in the same order as ever, so a seed gives the same data."""

    def __init__(self, team: Team, worker: User, clinician: User, seed: int) -> None:
        self.team, self.worker, self.clinician = team, worker, clinician
        self.rng = random.Random(seed)  # noqa: S311 - repeatable synthetic data, not security
        self.questionnaire = builtin_library().get("reading-writing")
        (self.card,) = scorecards_for(self.questionnaire.key, builtin_scorecards())
        self.content = builtin_content()
        self.domain = self.content.domains[self.card.domain]
        self.plans_by_level: dict[str, list] = {}
        self.ids = {m: _next_id(m) for m in MODELS}
        self.now = utcnow()
        self.rows: dict[type, list[dict]] = {m: [] for m in MODELS}

    def take_id(self, model) -> int:
        taken = self.ids[model]
        self.ids[model] += 1
        return taken

    def flush(self) -> None:
        for model in MODELS:
            if self.rows[model]:
                db.session.execute(insert(model), self.rows[model])
                self.rows[model].clear()
        db.session.commit()

    def add_case(self, outcomes: bool) -> None:
        rng = self.rng
        opened = self.now - timedelta(minutes=rng.randrange(0, 60 * 24 * 365))
        case_id, response_id = self.take_id(Case), self.take_id(Response)
        need = rng.random()  # a latent "how much reading is hard" for plausible answers
        answers = self.answers(need)
        result = self.card.score(answers)
        flag = flag_for(result, self.domain)
        awaiting = flag.level == "likely" and rng.random() < 0.5
        reviewed = flag.level == "likely" and not awaiting
        self.add_case_row(case_id, opened, flag.level, awaiting, reviewed)
        self.add_response(case_id, response_id, opened, answers)
        self.rows[Result].append(
            {
                "id": self.take_id(Result),
                "response_id": response_id,
                "created_at": opened,
                **result_fields(self.questionnaire, result, flag),
            }
        )
        self.add_plan(case_id, opened, flag)
        if reviewed:
            self.add_review(case_id, opened)
        if outcomes and rng.random() < 0.5:
            self.add_outcome(case_id, opened, need)

    def answers(self, need: float) -> dict[str, str]:
        answers = {}
        for item in self.questionnaire.items:
            values = item.option_values
            level = min(len(values) - 1, int(self.rng.random() * need * len(values) * 1.6))
            answers[item.id] = values[level]
        return answers

    def add_case_row(
        self, case_id: int, opened, level: str, awaiting: bool, reviewed: bool
    ) -> None:
        rng = self.rng
        self.rows[Case].append(
            {
                "id": case_id,
                "team_id": self.team.id,
                "parent_name": f"Demo Parent {case_id:06d}",
                "phone": "07400 900000",
                "contact_method": rng.choice(("phone", "text", "letter")),
                "language": "English",
                "created_by_id": self.worker.id,
                "assigned_to_id": self.worker.id,
                "created_at": opened,
                "flag_level": level,
                "critical_alert": False,
                "legal_hold": False,
                "previously_diagnosed": rng.choice(("yes", "no", "unknown")),
                "review_state": ReviewState.AWAITING
                if awaiting
                else (ReviewState.REVIEWED if reviewed else ReviewState.NOT_NEEDED),
                "review_requested_at": opened + timedelta(hours=1) if level == "likely" else None,
                "referred_at": opened + timedelta(days=1) if reviewed else None,
            }
        )

    def add_response(self, case_id: int, response_id: int, opened, answers) -> None:
        self.rows[Response].append(
            {
                "id": response_id,
                "case_id": case_id,
                "questionnaire_id": self.questionnaire.id,
                "questionnaire_version": self.questionnaire.version,
                "mode": ResponseMode.WITH_WORKER,
                "status": ResponseStatus.SUBMITTED,
                "started_by_id": self.worker.id,
                "created_at": opened,
                "submitted_at": opened + timedelta(minutes=10),
            }
        )
        for item_id, value in answers.items():
            self.rows[Answer].append(
                {
                    "id": self.take_id(Answer),
                    "response_id": response_id,
                    "item_id": item_id,
                    "value": value,
                    "seq": 0,
                    "updated_at": opened,
                }
            )

    def add_plan(self, case_id: int, opened, flag) -> None:
        if flag.level not in self.plans_by_level:
            self.plans_by_level[flag.level] = propose_plan(
                [flag], preferences_from_contact("phone", "English"), self.content
            )
        plan_id = self.take_id(Plan)
        agreed = self.rng.random() < 0.6
        self.rows[Plan].append(
            {
                "id": plan_id,
                "case_id": case_id,
                "version": 1,
                "status": PlanStatus.AGREED if agreed else PlanStatus.DRAFT,
                "created_at": opened,
                "agreed_at": opened + timedelta(days=1) if agreed else None,
                "agreed_by_id": self.worker.id if agreed else None,
                "review_date": (opened + timedelta(days=183)).date() if agreed else None,
            }
        )
        for proposed in self.plans_by_level[flag.level]:
            self.rows[PlanItem].append(
                {
                    "id": self.take_id(PlanItem),
                    "plan_id": plan_id,
                    "adjustment_id": proposed.adjustment.id,
                    "source": "rule",
                    "reasons": list(proposed.reasons),
                    "removed": False,
                }
            )

    def add_review(self, case_id: int, opened) -> None:
        review_id = self.take_id(Review)
        self.rows[Review].append(
            {
                "id": review_id,
                "case_id": case_id,
                "clinician_id": self.clinician.id,
                "decision": Decision.REFER,
                "note": "Demo referral.",
                "created_at": opened + timedelta(days=self.rng.randrange(1, 20)),
            }
        )
        self.rows[ReviewPathway].append(
            {
                "id": self.take_id(ReviewPathway),
                "review_id": review_id,
                "domain": self.card.domain,
                "pathway": self.domain.pathway,
                "status": PathwayStatus.REFERRED,
            }
        )

    def add_outcome(self, case_id: int, opened, need: float) -> None:
        self.rows[Outcome].append(
            {
                "id": self.take_id(Outcome),
                "case_id": case_id,
                "domain": self.card.domain,
                "finding": "confirmed" if self.rng.random() < need**2 else "not_confirmed",
                "recorded_by_id": self.clinician.id,
                "note": "Synthetic outcome.",
                "recorded_at": opened + timedelta(days=30),
            }
        )


def _move_sequences_past(ids: dict) -> None:
    """Ids were given explicitly: move each PostgreSQL table's sequence past them."""
    for model in ids:
        table = model.__tablename__
        db.session.execute(
            text(
                # Table names come from our own models, not from input.
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608  # nosec B608
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
        )
    db.session.commit()
