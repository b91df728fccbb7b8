"""The FHIR Flag mapping of a case's plan, as a service (the API views only send it): a case
without an agreed plan gives an empty Flag search Bundle and no Reasonable Adjustment flag."""

from __future__ import annotations

from tests.factories import create_case, create_team
from webapp.services.fhir_flags import fhir_flags, reasonable_adjustment_resource


def test_a_case_without_an_agreed_plan_has_no_flags(app):
    with app.app_context():
        case = create_case(team=create_team(name="North"))
        assert fhir_flags(case) == {
            "resourceType": "Bundle",
            "type": "searchset",
            "total": 0,
            "entry": [],
        }
        assert reasonable_adjustment_resource(case) is None
