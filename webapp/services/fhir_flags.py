"""A case's agreed communication plan as FHIR R4 Flag resources: the plain Flag search Bundle,
and England's Reasonable Adjustment flag (``questionnaires.fhir.reasonable_adjustments``).
The mapping from our records to the resources lives here; the API views only parse the
request, check the token and send what these give."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fhir.resources.R4B.bundle import Bundle

from questionnaires.fhir.reasonable_adjustments import (
    PlannedAdjustment,
    Recorder,
    reasonable_adjustment_flag,
)
from screening import AIS_CATEGORY_NAMES, builtin_content

if TYPE_CHECKING:
    from webapp.storage.records import Case, Plan

SNOMED = "http://snomed.info/sct"
AIS_SYSTEM = "urn:screening-service:accessible-information-category"
CASE_SYSTEM = "urn:screening-service:case-reference"


def plan_items(case: Case) -> tuple[Plan | None, list[Any]]:
    """The case's agreed plan and its active adjustments (from the content catalogue)."""
    plan = case.agreed_plan
    catalogue = builtin_content().adjustments
    return plan, [catalogue[item.adjustment_id] for item in plan.active_items] if plan else []


def fhir_flags(case: Case) -> dict:
    """The agreed communication needs as a FHIR R4 searchset Bundle of Flag resources,
    checked against the FHIR model before it is sent."""
    plan, adjustments = plan_items(case)
    agreed = plan.agreed_at if plan is not None else None
    entries = []
    for adjustment in adjustments:
        coding = (
            [
                {
                    "system": SNOMED,
                    "code": adjustment.snomed_code,
                    "display": adjustment.snomed_display,
                }
            ]
            if adjustment.snomed_code
            else []
        )
        flag = {
            "resourceType": "Flag",
            "id": f"{case.reference}-{adjustment.id}",
            "status": "active",
            "category": [
                {
                    "coding": [
                        {
                            "system": AIS_SYSTEM,
                            "code": adjustment.ais_category,
                            "display": AIS_CATEGORY_NAMES[adjustment.ais_category],
                        }
                    ]
                }
            ],
            "code": {"coding": coding, "text": adjustment.title},
            "subject": {"identifier": {"system": CASE_SYSTEM, "value": case.reference}},
            "period": {"start": agreed.isoformat(timespec="seconds") + "Z"} if agreed else {},
        }
        entries.append(
            {
                "fullUrl": f"urn:uuid:{case.reference}-{adjustment.id}",
                "resource": flag,
                "search": {"mode": "match"},
            }
        )
    bundle = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(entries),
        "entry": entries,
    }
    Bundle.model_validate(bundle)
    return bundle


def reasonable_adjustment_resource(case: Case) -> dict | None:
    """The agreed plan as England's Reasonable Adjustment flag (docs/fhir.md), or None when the
    case has no agreed plan."""
    plan, adjustments = plan_items(case)
    if plan is None or plan.agreed_at is None:
        return None
    worker = plan.agreed_by
    recorder = Recorder(
        worker_id=str(worker.id) if worker else "unknown",
        worker_name=worker.name if worker else "unknown",
        organisation=case.team.name,
        recorded=plan.agreed_at.isoformat(timespec="seconds") + "+00:00",
    )
    planned = [
        PlannedAdjustment(
            a.id,
            a.title,
            a.staff_action,
            a.ais_category,
            a.ais_category_name,
            a.snomed_code,
            a.snomed_display,
        )
        for a in adjustments
    ]
    return reasonable_adjustment_flag(case.reference, planned, recorder)
