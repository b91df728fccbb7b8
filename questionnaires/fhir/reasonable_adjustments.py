"""A communication plan as England's Reasonable Adjustment flag (the Patient Flag FHIR API).

A parent ``PatientFlag`` (code NRAF) whose ``flag-detail`` extensions point at one
``ProgrammeFlag`` per adjustment; each adjustment Flag has the NRAF category, its RA category,
our own category coding kept alongside, and its SNOMED CT code, or flag notes where no code
exists. Every Flag carries one contained ``FlagProvenance`` naming the worker and the
organisation. The subject is the case, not yet a Patient: a receiver adds the NHS number it
has verified against PDS (docs/fhir.md)."""

from __future__ import annotations

from dataclasses import dataclass

ENGLAND = "https://fhir.nhs.uk/England"
PATIENT_FLAG = f"{ENGLAND}/StructureDefinition/PatientFlag"
PROGRAMME_FLAG = f"{ENGLAND}/StructureDefinition/ProgrammeFlag"
FLAG_PROVENANCE = f"{ENGLAND}/StructureDefinition/FlagProvenance"
FLAG_NOTES = f"{ENGLAND}/StructureDefinition/Extension-FlagNotes"
FLAG_DETAIL = "http://hl7.org/fhir/StructureDefinition/flag-detail"
PATIENT_FLAG_CATEGORY = f"{ENGLAND}/CodeSystem/PatientFlagCategory"
RA_CATEGORY = f"{ENGLAND}/CodeSystem/RA-FlagCategory"
DATA_OPERATION = "http://terminology.hl7.org/CodeSystem/v3-DataOperation"
SNOMED = "http://snomed.info/sct"
AIS_SYSTEM = "urn:screening-service:accessible-information-category"
CASE_SYSTEM = "urn:screening-service:case-reference"
USER_SYSTEM = "urn:screening-service:user"
NRAF = {
    "system": PATIENT_FLAG_CATEGORY,
    "code": "NRAF",
    "display": "National Reasonable Adjustments Flag",
}
# Our Accessible Information Standard category -> the RA adjustment category (RA-FlagCategory).
RA_CATEGORIES = {
    "communication_support": ("001", "Communication support"),
    "communication_professional": ("002", "Requires communication professional"),
    "contact_method": ("003", "Requires specific contact method"),
    "information_format": ("004", "Requires specific information format"),
    "local": ("011", "Bespoke Reasonable adjustments"),
}


@dataclass(frozen=True)
class PlannedAdjustment:
    id: str
    title: str
    staff_action: str
    ais_category: str
    ais_category_name: str
    snomed_code: str | None = None
    snomed_display: str | None = None


@dataclass(frozen=True)
class Recorder:
    """Who recorded the plan, for the Provenance: the worker and their organisation."""

    worker_id: str
    worker_name: str
    organisation: str
    recorded: str  # the time the plan was agreed, ISO 8601 with its zone


def _provenance(recorder: Recorder) -> dict:
    return {
        "resourceType": "Provenance",
        "id": "provenance",
        "meta": {"profile": [FLAG_PROVENANCE]},
        "target": [{"reference": "#"}],
        "recorded": recorder.recorded,
        "activity": {"coding": [{"system": DATA_OPERATION, "code": "CREATE", "display": "create"}]},
        "agent": [
            {
                "who": {
                    "type": "Practitioner",
                    "identifier": {"system": USER_SYSTEM, "value": recorder.worker_id},
                    "display": recorder.worker_name,
                },
                "onBehalfOf": {"type": "Organization", "display": recorder.organisation},
            }
        ],
    }


def _subject(case_reference: str) -> dict:
    return {"type": "Patient", "identifier": {"system": CASE_SYSTEM, "value": case_reference}}


def _adjustment_flag(
    case_reference: str, adjustment: PlannedAdjustment, recorder: Recorder
) -> dict:
    ra_code, ra_display = RA_CATEGORIES[adjustment.ais_category]
    flag: dict = {
        "resourceType": "Flag",
        "id": f"{case_reference}-{adjustment.id}",
        "meta": {"profile": [PROGRAMME_FLAG]},
        "contained": [_provenance(recorder)],
        "status": "active",
        "category": [
            {"coding": [NRAF]},
            {"coding": [{"system": RA_CATEGORY, "code": ra_code, "display": ra_display}]},
            {
                "coding": [
                    {
                        "system": AIS_SYSTEM,
                        "code": adjustment.ais_category,
                        "display": adjustment.ais_category_name,
                    }
                ]
            },
        ],
        "code": {"text": adjustment.title},
        "subject": _subject(case_reference),
        "period": {"start": recorder.recorded},
    }
    if adjustment.snomed_code:
        flag["code"]["coding"] = [
            {"system": SNOMED, "code": adjustment.snomed_code, "display": adjustment.snomed_display}
        ]
    else:  # no SNOMED CT code says it: the notes say what to do
        flag["extension"] = [
            {
                "url": FLAG_NOTES,
                "valueAnnotation": {"text": f"{adjustment.title}. {adjustment.staff_action}"},
            }
        ]
    return flag


def reasonable_adjustment_flag(
    case_reference: str, adjustments: list[PlannedAdjustment], recorder: Recorder
) -> dict:
    """A collection Bundle: the parent PatientFlag first, then one Flag per adjustment."""
    flags = [_adjustment_flag(case_reference, a, recorder) for a in adjustments]
    parent = {
        "resourceType": "Flag",
        "id": f"{case_reference}-reasonable-adjustments",
        "meta": {"profile": [PATIENT_FLAG]},
        "contained": [_provenance(recorder)],
        "extension": [
            {"url": FLAG_DETAIL, "valueReference": {"reference": f"Flag/{f['id']}", "type": "Flag"}}
            for f in flags
        ],
        "status": "active",
        "code": {"coding": [NRAF]},
        "subject": _subject(case_reference),
        "period": {"start": recorder.recorded},
    }
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": resource} for resource in [parent, *flags]],
    }
    from fhir.resources.R4B.bundle import Bundle

    Bundle.model_validate(bundle)
    return bundle
