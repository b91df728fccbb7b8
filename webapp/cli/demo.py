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
    Team,
    User,
    utcnow,
)
from webapp.storage.states import Decision, PlanStatus, ResponseMode, ResponseStatus, ReviewState

BATCH = 2000


def _next_id(model) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def bulk_cases(
    team: Team, worker: User, clinician: User, count: int, seed: int = 7, outcomes: bool = False
) -> int:
    """``outcomes`` also records a synthetic assessment outcome for about half the cases,
    confirmed with a probability that rises with the (hidden) need behind the answers, so
    the learning loop has something to learn from."""
    rng = random.Random(seed)  # noqa: S311 - repeatable synthetic data, not security
    questionnaire = builtin_library().get("reading-writing")
    (card,) = scorecards_for(questionnaire.key, builtin_scorecards())
    content = builtin_content()
    domain = content.domains[card.domain]
    plans_by_level: dict[str, list] = {}
    ids = {
        m: _next_id(m) for m in (Case, Response, Answer, Result, Plan, PlanItem, Review, Outcome)
    }
    now = utcnow()
    rows: dict[type, list[dict]] = {m: [] for m in ids}

    def flush() -> None:
        for model in (Case, Response, Answer, Result, Plan, PlanItem, Review, Outcome):
            if rows[model]:
                db.session.execute(insert(model), rows[model])
                rows[model].clear()
        db.session.commit()

    for n in range(count):
        opened = now - timedelta(minutes=rng.randrange(0, 60 * 24 * 365))
        case_id, response_id = ids[Case], ids[Response]
        ids[Case] += 1
        ids[Response] += 1
        need = rng.random()  # a latent "how much reading is hard" for plausible answers
        answers = {}
        for item in questionnaire.items:
            values = item.option_values
            level = min(len(values) - 1, int(rng.random() * need * len(values) * 1.6))
            answers[item.id] = values[level]
        result = card.score(answers)
        flag = flag_for(result, domain)
        awaiting = flag.level == "likely" and rng.random() < 0.5
        reviewed = flag.level == "likely" and not awaiting
        rows[Case].append(
            {
                "id": case_id,
                "team_id": team.id,
                "parent_name": f"Demo Parent {case_id:06d}",
                "phone": "07700 900000",
                "contact_method": rng.choice(("phone", "text", "letter")),
                "language": "English",
                "created_by_id": worker.id,
                "created_at": opened,
                "flag_level": flag.level,
                "critical_alert": False,
                "legal_hold": False,
                "previously_diagnosed": rng.choice(("yes", "no", "unknown")),
                "review_state": ReviewState.AWAITING
                if awaiting
                else (ReviewState.REVIEWED if reviewed else ReviewState.NOT_NEEDED),
                "review_requested_at": opened + timedelta(hours=1)
                if flag.level == "likely"
                else None,
                "referred_at": opened + timedelta(days=1) if reviewed else None,
            }
        )
        rows[Response].append(
            {
                "id": response_id,
                "case_id": case_id,
                "questionnaire_id": questionnaire.id,
                "questionnaire_version": questionnaire.version,
                "mode": ResponseMode.WITH_WORKER,
                "status": ResponseStatus.SUBMITTED,
                "started_by_id": worker.id,
                "created_at": opened,
                "submitted_at": opened + timedelta(minutes=10),
            }
        )
        for item_id, value in answers.items():
            rows[Answer].append(
                {
                    "id": ids[Answer],
                    "response_id": response_id,
                    "item_id": item_id,
                    "value": value,
                    "seq": 0,
                    "updated_at": opened,
                }
            )
            ids[Answer] += 1
        rows[Result].append(
            {
                "id": ids[Result],
                "response_id": response_id,
                "created_at": opened,
                **result_fields(questionnaire, result, flag),
            }
        )
        ids[Result] += 1
        if flag.level not in plans_by_level:
            plans_by_level[flag.level] = propose_plan(
                [flag], preferences_from_contact("phone", "English"), content
            )
        plan_id = ids[Plan]
        ids[Plan] += 1
        agreed = rng.random() < 0.6
        rows[Plan].append(
            {
                "id": plan_id,
                "case_id": case_id,
                "version": 1,
                "status": PlanStatus.AGREED if agreed else PlanStatus.DRAFT,
                "created_at": opened,
                "agreed_at": opened + timedelta(days=1) if agreed else None,
                "agreed_by_id": worker.id if agreed else None,
                "review_date": (opened + timedelta(days=183)).date() if agreed else None,
            }
        )
        for proposed in plans_by_level[flag.level]:
            rows[PlanItem].append(
                {
                    "id": ids[PlanItem],
                    "plan_id": plan_id,
                    "adjustment_id": proposed.adjustment.id,
                    "source": "rule",
                    "reasons": list(proposed.reasons),
                    "removed": False,
                }
            )
            ids[PlanItem] += 1
        if reviewed:
            rows[Review].append(
                {
                    "id": ids[Review],
                    "case_id": case_id,
                    "clinician_id": clinician.id,
                    "decision": Decision.REFER,
                    "pathway": domain.pathway,
                    "note": "Demo referral.",
                    "created_at": opened + timedelta(days=rng.randrange(1, 20)),
                }
            )
            ids[Review] += 1
        if outcomes and rng.random() < 0.5:
            rows[Outcome].append(
                {
                    "id": ids[Outcome],
                    "case_id": case_id,
                    "domain": card.domain,
                    "finding": "confirmed" if rng.random() < need**2 else "not_confirmed",
                    "recorded_by_id": clinician.id,
                    "note": "Synthetic outcome.",
                    "recorded_at": opened + timedelta(days=30),
                }
            )
            ids[Outcome] += 1
        if (n + 1) % BATCH == 0:
            flush()
    flush()
    if db.engine.dialect.name == "postgresql":
        # Ids were given explicitly: move each table's sequence past them.
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
    return count
