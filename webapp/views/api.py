"""A read-only JSON API for case-management systems: a case's flags and communication plan, and
the communication needs as FHIR R4 ``Flag`` resources. Each token belongs to one team and sees
only that team's cases; every read is audited. Described in docs/openapi.yaml."""

from __future__ import annotations

from functools import wraps
from typing import TYPE_CHECKING

from flask import Blueprint, jsonify, request

from screening import builtin_content
from webapp.access.audit import record_event
from webapp.access.tokens import find_api_token
from webapp.services.cases import case_by_id, case_number, response_by_id
from webapp.services.fhir_flags import (
    CASE_SYSTEM,
    fhir_flags,
    plan_items,
    reasonable_adjustment_resource,
)
from webapp.services.results import latest_results

if TYPE_CHECKING:
    from webapp.storage.records import ApiToken, Case
from webapp.storage.states import ResponseStatus

bp = Blueprint("api", __name__, url_prefix="/api")


def _error(status: int, message: str, fhir: bool = False):
    if fhir:
        body = {
            "resourceType": "OperationOutcome",
            "issue": [
                {
                    "severity": "error",
                    "code": "security" if status == 401 else "not-found",
                    "diagnostics": message,
                }
            ],
        }
        return jsonify(body), status, {"Content-Type": "application/fhir+json"}
    return jsonify(error=message), status


def api_token_required(fhir: bool = False):
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            scheme, _, token = request.headers.get("Authorization", "").partition(" ")
            api_token = None
            if scheme.lower() == "bearer" and token:
                api_token = find_api_token(token.strip())
            if api_token is None or api_token.revoked_at is not None:
                record_event("api.denied", outcome="denied")
                return _error(401, "Send a valid token: Authorization: Bearer <token>", fhir)
            return view(api_token, *args, **kwargs)

        wrapped.required_roles = ("api",)
        return wrapped

    return decorator


def _case(api_token: ApiToken, reference: str) -> Case | None:
    number = case_number(reference, strict=True)
    case = case_by_id(number)
    if case is None or case.team_id != api_token.team_id:
        return None
    return case


@bp.route("/v1/cases/<reference>/flags")
@api_token_required()
def case_flags(api_token: ApiToken, reference: str):
    case = _case(api_token, reference)
    if case is None:
        return _error(404, "No case with that reference for this token's team")
    record_event("api.flags_read", case_id=case.id, detail=api_token.name, commit=True)
    return jsonify(
        case=case.reference,
        safety_alert=case.critical_alert,
        review_state=case.review_state,
        flags=[
            {
                "domain": r.domain,
                "level": r.flag_level,
                # The level's one name, as staff pages show it; the code above stays.
                "level_label": builtin_content().flag_levels[r.flag_level].label,
                "band": r.band_label,
                "headline": r.headline,
                "reasons": r.reasons,
                "points": r.points,
                "suggested_pathway": r.pathway,
                "questionnaire": f"{r.questionnaire_id}@{r.questionnaire_version}",
                "scorecard": f"{r.scorecard_id}@{r.scorecard_version}",
            }
            for r in latest_results(case)
        ],
    )


@bp.route("/v1/cases/<reference>/plan")
@api_token_required()
def case_plan(api_token: ApiToken, reference: str):
    case = _case(api_token, reference)
    if case is None:
        return _error(404, "No case with that reference for this token's team")
    record_event("api.plan_read", case_id=case.id, detail=api_token.name, commit=True)
    plan, adjustments = plan_items(case)
    if plan is None:
        return jsonify(case=case.reference, plan=None)
    return jsonify(
        case=case.reference,
        plan={
            "version": plan.version,
            "agreed_at": plan.agreed_at.isoformat(timespec="seconds"),
            "review_date": plan.review_date.isoformat(),
            "adjustments": [
                {
                    "id": a.id,
                    "title": a.title,
                    "staff_action": a.staff_action,
                    "why": a.why,
                    "ais_category": a.ais_category,
                    "snomed_code": a.snomed_code,
                    "snomed_display": a.snomed_display,
                }
                for a in adjustments
            ],
        },
    )


@bp.route("/fhir/Flag")
@api_token_required(fhir=True)
def fhir_flag_search(api_token: ApiToken):
    case = _case(api_token, request.args.get("subject", "").removeprefix(CASE_SYSTEM + "|"))
    if case is None:
        return _error(404, "Give subject=<case reference> of this token's team", fhir=True)
    record_event("api.fhir_flags_read", case_id=case.id, detail=api_token.name, commit=True)
    return jsonify(fhir_flags(case)), 200, {"Content-Type": "application/fhir+json"}


@bp.route("/fhir/Flag/$reasonable-adjustment")
@api_token_required(fhir=True)
def fhir_reasonable_adjustment_flag(api_token: ApiToken):
    """The agreed plan as England's Reasonable Adjustment flag (docs/fhir.md)."""
    case = _case(api_token, request.args.get("subject", "").removeprefix(CASE_SYSTEM + "|"))
    if case is None:
        return _error(404, "Give subject=<case reference> of this token's team", fhir=True)
    resource = reasonable_adjustment_resource(case)
    if resource is None:
        return _error(404, "This case has no agreed plan", fhir=True)
    record_event("api.fhir_ra_flag_read", case_id=case.id, detail=api_token.name, commit=True)
    return jsonify(resource), 200, {"Content-Type": "application/fhir+json"}


@bp.route("/fhir/QuestionnaireResponse/<int:response_id>")
@api_token_required(fhir=True)
def fhir_questionnaire_response(api_token: ApiToken, response_id: int):
    """A submitted response's answers as a FHIR R4 QuestionnaireResponse."""
    from questionnaires.fhir import export_response
    from webapp.services.questions import questionnaire_for

    record = response_by_id(response_id)
    if record is None or record.status != ResponseStatus.SUBMITTED:
        return _error(404, "No submitted response with that id", fhir=True)
    case = record.case
    if case.team_id != api_token.team_id:
        return _error(404, "No submitted response with that id", fhir=True)
    record_event("api.fhir_answers_read", case_id=case.id, detail=api_token.name, commit=True)
    resource = export_response(questionnaire_for(record), record.answer_map)
    resource["id"] = str(record.id)
    resource["subject"] = {"identifier": {"system": CASE_SYSTEM, "value": case.reference}}
    return jsonify(resource), 200, {"Content-Type": "application/fhir+json"}
