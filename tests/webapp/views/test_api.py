"""The integration API, checked against its OpenAPI description and the FHIR R4 model."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from fhir.resources.R4B.bundle import Bundle
from jsonschema import Draft202012Validator
from sqlalchemy import select

from questionnaires import builtin_library
from tests.factories import create_case, create_team, create_user
from webapp.access.tokens import create_api_token
from webapp.extensions import db
from webapp.services.plans import agree_plan
from webapp.services.questions import save_answer, start_response
from webapp.services.scoring import submit_response
from webapp.storage.records import AuditEvent, Case

SPEC = yaml.safe_load((Path(__file__).resolve().parents[3] / "docs" / "openapi.yaml").read_text())


def validate(schema_name: str, body) -> None:
    schema = {**SPEC["components"]["schemas"][schema_name], "$defs": SPEC["components"]["schemas"]}
    text = yaml.safe_dump(schema).replace("#/components/schemas/", "#/$defs/")
    Draft202012Validator(yaml.safe_load(text)).validate(body)


@pytest.fixture
def world(app):
    with app.app_context():
        team, other = create_team(name="North"), create_team(name="South")
        worker = create_user(role="intake", team=team)
        case = create_case(team=team, language="Polish")
        reading = builtin_library().get("reading-writing")
        response = start_response(case, reading, "with-worker", worker)
        for item in reading.items:
            save_answer(response, item.id, item.option_values[-1])
        submit_response(response, worker)
        unplanned = create_case(team=team)
        elsewhere = create_case(team=other)
        token = create_api_token("Case system", team)
        return {
            "case": case.reference,
            "case_id": case.id,
            "unplanned": unplanned.reference,
            "elsewhere": elsewhere.reference,
            "token": token,
            "worker": worker.id,
        }


def get(client, url, token):
    return client.get(url, headers={"Authorization": f"Bearer {token}"})


def test_every_api_route_is_in_the_openapi_description(app):
    documented = set(SPEC["paths"])
    routes = {
        re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
    }
    assert routes == documented


def test_flags_match_the_schema_and_explain_themselves(client, world):
    response = get(client, f"/api/v1/cases/{world['case']}/flags", world["token"])
    assert response.status_code == 200
    validate("Flags", response.json)
    (flag,) = response.json["flags"]
    assert flag["level"] == "likely" and flag["scorecard"] == "literacy-expert@2"
    assert flag["level_label"] == "Many signs"  # the codes stay; the label is added
    assert flag["headline"].startswith("May need an assessment for reading difficulties")


def test_plan_before_and_after_agreement(app, client, world):
    response = get(client, f"/api/v1/cases/{world['case']}/plan", world["token"])
    validate("PlanResponse", response.json)
    assert response.json["plan"] is None
    with app.app_context():
        case = db.session.get(Case, world["case_id"])
        from webapp.storage.records import User

        agree_plan(case.draft_plan, db.session.get(User, world["worker"]))
    response = get(client, f"/api/v1/cases/{world['case']}/plan", world["token"])
    validate("PlanResponse", response.json)
    ids = [a["id"] for a in response.json["plan"]["adjustments"]]
    assert "phone-before-letters" in ids and "language-interpreter" in ids


def test_fhir_flags_are_valid_r4_resources(app, client, world):
    with app.app_context():
        from webapp.storage.records import User

        case = db.session.get(Case, world["case_id"])
        agree_plan(case.draft_plan, db.session.get(User, world["worker"]))
    response = get(client, f"/api/fhir/Flag?subject={world['case']}", world["token"])
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/fhir+json"
    bundle = Bundle.model_validate(response.json)
    codes = {
        entry.resource.code.coding[0].code for entry in bundle.entry if entry.resource.code.coding
    }
    assert "795661000000104" in codes  # requires contact by telephone
    assert "315594003" in codes  # interpreter needed
    assert bundle.total == len(bundle.entry)


@pytest.mark.parametrize("header", [None, "Bearer nope", "Basic abc", "Bearer "])
def test_no_valid_token_is_401(client, world, header):
    headers = {"Authorization": header} if header else {}
    response = client.get(f"/api/v1/cases/{world['case']}/flags", headers=headers)
    assert response.status_code == 401
    validate("Error", response.json)
    fhir = client.get(f"/api/fhir/Flag?subject={world['case']}", headers=headers)
    assert fhir.status_code == 401 and fhir.json["resourceType"] == "OperationOutcome"


@pytest.mark.parametrize("reference", ["elsewhere", "C999999", "banana", "C1"])
def test_other_teams_and_unknown_cases_are_404(client, world, reference):
    reference = world.get(reference, reference)
    response = get(client, f"/api/v1/cases/{reference}/flags", world["token"])
    assert response.status_code == 404
    validate("Error", response.json)


def test_reads_are_audited(app, client, world):
    get(client, f"/api/v1/cases/{world['case']}/flags", world["token"])
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "api.flags_read")
        ).one()
        assert event.case_id == world["case_id"] and event.detail == "Case system"


def test_create_api_token_command(app, world):
    result = app.test_cli_runner().invoke(args=["create-api-token", "CMS", "--team", "North"])
    assert result.exit_code == 0 and result.output.startswith("nst_")
    bad = app.test_cli_runner().invoke(args=["create-api-token", "CMS", "--team", "Nowhere"])
    assert bad.exit_code != 0 and "There is no team" in bad.output


def test_answers_as_a_fhir_questionnaire_response(app, client, world):
    from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

    from webapp.storage.records import Response

    with app.app_context():
        response_id = db.session.scalars(select(Response.id)).first()
        elsewhere = db.session.get(Case, world["case_id"])
    got = get(client, f"/api/fhir/QuestionnaireResponse/{response_id}", world["token"])
    assert got.status_code == 200 and got.headers["Content-Type"] == "application/fhir+json"
    resource = QuestionnaireResponse.model_validate(got.json)
    answered = {i.linkId for group in resource.item for i in group.item}
    assert "rw_letters" in answered and resource.subject.identifier.value == world["case"]
    assert elsewhere is not None
    assert get(client, "/api/fhir/QuestionnaireResponse/99999", world["token"]).status_code == 404


def test_the_reasonable_adjustment_flag_names_the_worker_and_the_team(app, client, world):
    url = f"/api/fhir/Flag/$reasonable-adjustment?subject={world['case']}"
    assert get(client, url, world["token"]).status_code == 404  # no agreed plan yet
    with app.app_context():
        from webapp.storage.records import User

        case = db.session.get(Case, world["case_id"])
        worker = db.session.get(User, world["worker"])
        agree_plan(case.draft_plan, worker)
        worker_name, team_name = worker.name, case.team.name
    response = get(client, url, world["token"])
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/fhir+json"
    bundle = Bundle.model_validate(response.json)
    parent, *flags = bundle.entry
    assert parent.resource.meta.profile == [
        "https://fhir.nhs.uk/England/StructureDefinition/PatientFlag"
    ]
    assert len(parent.resource.extension) == len(flags) > 0
    for entry in bundle.entry:
        [provenance] = entry.resource.contained
        [agent] = provenance.agent
        assert (agent.who.display, agent.onBehalfOf.display) == (worker_name, team_name)
    codes = {c.code for e in flags for c in (e.resource.code.coding or [])}
    assert "795661000000104" in codes  # requires contact by telephone
