"""A communication plan as England's Reasonable Adjustment flag: valid R4 (fhir.resources), and
the Patient Flag FHIR API profiles' fixed values and bindings (PatientFlag, ProgrammeFlag,
FlagProvenance; NHS England draft 0.1.0, Feb 2024), written out here as data."""

from __future__ import annotations

from fhir.resources.R4B.flag import Flag
from fhir.resources.R4B.provenance import Provenance

from questionnaires.fhir.reasonable_adjustments import (
    PlannedAdjustment,
    Recorder,
    reasonable_adjustment_flag,
)

ENGLAND = "https://fhir.nhs.uk/England"
# The codes each binding allows (required bindings), copied from the profiles' CodeSystems.
PATIENT_FLAG_CATEGORY = {f"{ENGLAND}/CodeSystem/PatientFlagCategory": {"NRAF", "CP-IS", "FGM"}}
RA_FLAG_CATEGORY = {f"{ENGLAND}/CodeSystem/RA-FlagCategory": {f"{n:03}" for n in range(1, 12)}}
SNOMED = "http://snomed.info/sct"

RECORDER = Recorder("7", "Placeholder Worker", "Placeholder Team", "2026-01-05T10:00:00+00:00")
CODED = PlannedAdjustment(
    "offer-advocate",
    "Offer an independent advocate",
    "Offer an advocate.",
    "communication_support",
    "Communication support",
    "225835008",
    "Needs an advocate",
)
UNCODED = PlannedAdjustment(
    "phone-before-letters",
    "Phone before sending any letter",
    "Phone the parent first.",
    "contact_method",
    "Contact method",
)


def codes_of(concept: dict) -> set[tuple[str, str]]:
    return {(c["system"], c["code"]) for c in concept.get("coding", [])}


def in_binding(concept: dict, binding: dict[str, set[str]]) -> bool:
    return any(code in binding.get(system, set()) for system, code in codes_of(concept))


def check_provenance(flag: dict) -> None:
    [provenance] = [r for r in flag["contained"] if r["resourceType"] == "Provenance"]
    Provenance.model_validate(provenance)
    assert provenance["meta"]["profile"] == [f"{ENGLAND}/StructureDefinition/FlagProvenance"]
    assert provenance["target"] == [{"reference": "#"}]
    [agent] = provenance["agent"]
    assert agent["who"]["type"] == "Practitioner" and agent["who"]["display"]
    assert agent["onBehalfOf"] == {"type": "Organization", "display": "Placeholder Team"}
    assert codes_of(provenance["activity"]) == {
        ("http://terminology.hl7.org/CodeSystem/v3-DataOperation", "CREATE")
    }


def test_the_plan_is_a_patient_flag_pointing_at_one_programme_flag_per_adjustment():
    bundle = reasonable_adjustment_flag("C000042", [CODED, UNCODED], RECORDER)
    parent, *flags = [entry["resource"] for entry in bundle["entry"]]
    for flag in (parent, *flags):
        Flag.model_validate(flag)
        check_provenance(flag)
        assert flag["subject"]["identifier"]["value"] == "C000042"
    # PatientFlag: code from PatientFlagCategory (required), flag-detail to each Flag.
    assert parent["meta"]["profile"] == [f"{ENGLAND}/StructureDefinition/PatientFlag"]
    assert in_binding(parent["code"], PATIENT_FLAG_CATEGORY)
    assert codes_of(parent["code"]) == {(f"{ENGLAND}/CodeSystem/PatientFlagCategory", "NRAF")}
    details = [
        e["valueReference"]["reference"]
        for e in parent["extension"]
        if e["url"] == "http://hl7.org/fhir/StructureDefinition/flag-detail"
    ]
    assert details == [f"Flag/{flag['id']}" for flag in flags]
    # ProgrammeFlag: a patientFlag category slice and a programmeFlag (RA) one, both required.
    for flag in flags:
        assert flag["meta"]["profile"] == [f"{ENGLAND}/StructureDefinition/ProgrammeFlag"]
        assert any(in_binding(c, PATIENT_FLAG_CATEGORY) for c in flag["category"])
        assert any(in_binding(c, RA_FLAG_CATEGORY) for c in flag["category"])
        # Our own category coding is kept alongside.
        assert any(
            s == "urn:screening-service:accessible-information-category"
            for c in flag["category"]
            for s, _ in codes_of(c)
        )
    coded, uncoded = flags
    assert codes_of(coded["code"]) == {(SNOMED, "225835008")}
    assert "extension" not in coded
    assert (f"{ENGLAND}/CodeSystem/RA-FlagCategory", "001") in codes_of(coded["category"][1])
    # No SNOMED CT code: the flag notes say what the adjustment is.
    assert "coding" not in uncoded["code"]
    [notes] = uncoded["extension"]
    assert notes["url"] == f"{ENGLAND}/StructureDefinition/Extension-FlagNotes"
    assert notes["valueAnnotation"]["text"] == (
        "Phone before sending any letter. Phone the parent first."
    )
    assert (f"{ENGLAND}/CodeSystem/RA-FlagCategory", "003") in codes_of(uncoded["category"][1])


def test_every_category_of_ours_has_an_ra_category():
    from screening.content import AIS_CATEGORIES

    for category in AIS_CATEGORIES:
        adjustment = PlannedAdjustment("a", "A", "Do a.", category, category)
        [_, flag] = [
            e["resource"] for e in reasonable_adjustment_flag("C1", [adjustment], RECORDER)["entry"]
        ]
        assert in_binding(flag["category"][1], RA_FLAG_CATEGORY)
