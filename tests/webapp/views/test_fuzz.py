"""Fuzzing: hypothesis-generated form posts, query strings and JSON bodies against every route,
as each kind of user. Bad input must get a clear 4xx or a page with errors, never a 500.
CSRF is switched off here so the generated input reaches the views (CSRF has its own tests)."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from flask import url_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from questionnaires import builtin_library
from tests.factories import (
    create_case,
    create_team,
    create_user,
    screen_with_a_safety_answer,
    sign_in_as,
)
from webapp.extensions import db
from webapp.services.invitations import create_invitation, session_key_for
from webapp.services.meetings import MeetingDetails, book_meeting, meeting_tasks
from webapp.services.plans import editable_plan
from webapp.services.questions import save_answer, start_response
from webapp.services.scoring import submit_response
from webapp.storage.records import utcnow
from webapp.views.parent import SESSION_KEY

FIELD_NAMES = [
    "answer",
    "skip",
    "agree",
    "parent_name",
    "phone",
    "email",
    "address",
    "contact_method",
    "language",
    "previously_diagnosed",
    "questionnaire",
    "mode",
    "questionnaires",
    "reason",
    "adjustment",
    "decision",
    "pathway_literacy",
    "note",
    "domain",
    "finding",
    "case",
    "action",
    "search",
    "code",
    "text",
    "spacing",
    "background",
    "font",
    "date_from",
    "date_to",
    "team",
    "page",
    "status",
    "flag",
    "action_taken",
]
text = st.text(max_size=300)
form_data = st.dictionaries(
    st.sampled_from(FIELD_NAMES) | st.text(max_size=20),
    text
    | st.sampled_from(["", "0", "-1", "99999999999", "y", "skip", "refer", "paper", "2026-02-30"]),
    max_size=8,
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
    max_leaves=12,
)
json_bodies = (
    st.fixed_dictionaries(
        {},
        optional={
            "questionnaire": st.sampled_from(["reading-writing", "x"]) | text,
            "item": st.sampled_from(["rw_letters", "rw_school"]) | text,
            "value": st.sampled_from(["often", "skip", "yes"]) | json_values,
            "seq": st.integers(min_value=-5, max_value=2**70) | json_values,
        },
    )
    | json_values
)
FUZZ = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def world(app):
    app.config["WTF_CSRF_ENABLED"] = False
    app.config["PROPAGATE_EXCEPTIONS"] = True  # a server error fails the test loudly
    with app.app_context():
        team = create_team()
        users = {
            r: create_user(role=r, team=None if r == "admin" else team)
            for r in ("intake", "clinician", "admin")
        }
        case = create_case(team=team)
        reading = builtin_library().get("reading-writing")
        done = start_response(case, reading, "with-worker", users["intake"])
        for item in reading.items:
            save_answer(done, item.id, item.option_values[-1])
        submit_response(done, users["intake"])
        draft = start_response(case, reading, "paper", users["intake"])
        alert = screen_with_a_safety_answer(case=case, worker=users["intake"])
        plan = editable_plan(case)
        invitation, _token = create_invitation(case, [reading], users["intake"])
        invitation.consent_at = utcnow()
        parent_session = session_key_for(invitation)
        from webapp.services.consent import record_consent

        consent = record_consent(case, "sharing", "in_person", users["intake"])
        db.session.commit()
        day = (utcnow() + timedelta(days=10)).date()
        meeting = book_meeting(
            case,
            users["intake"],
            MeetingDetails(day, time(14), "phone", "", "The parent", "Plan"),
            reason="The parent asked for a text",
        )
        values = {
            "case_id": case.id,
            "response_id": draft.id,
            "item_id": "rw_letters",
            "invitation_id": invitation.id,
            "questionnaire_id": "reading-writing",
            "reference": case.reference,
            "version": "staff",
            "token": "nope",
            "domain": "literacy",
            "decision": "discard",
            "version_id": 1,
            "scorecard_id": "literacy-expert",
            "user_id": 1,
            "alert_id": alert.id,
            "message_id": 1,  # the alert's first email: not a letter, so the letter is 404
            "meeting_id": meeting.id,
            "task_id": meeting_tasks(meeting)[0].id,
            "consent_id": consent.id,
        }
        with app.test_request_context():
            urls = {}
            for rule in app.url_map.iter_rules():
                if rule.endpoint in ("static", "auth.sign_out"):
                    continue
                args = {name: values[name] for name in rule.arguments}
                if rule.endpoint in ("intake.remove_plan_item", "intake.keep_plan_item"):
                    args["item_id"] = plan.items[0].id
                urls[rule.endpoint] = (url_for(rule.endpoint, **args), rule.methods)
        sessions = {r: u.get_id() for r, u in users.items()}
    return {"urls": urls, "sessions": sessions, "invitation": parent_session}


def client_for(app, world, persona):
    client = app.test_client()
    if persona == "parent":
        with client.session_transaction() as session:
            session[SESSION_KEY] = world["invitation"]
    else:
        sign_in_as(client, world["sessions"][persona])
    return client


@pytest.mark.parametrize("persona", ["intake", "clinician", "admin", "parent"])
def test_generated_form_posts_and_queries_never_cause_a_server_error(app, world, persona):
    client = client_for(app, world, persona)

    def fuzz(url: str, methods: set[str]) -> None:
        @FUZZ
        @given(data=form_data)
        def hit(data):
            if "POST" in methods:
                status = client.post(url, data=data).status_code
            else:
                status = client.get(url, query_string=data).status_code
            assert status < 500, (url, data)

        hit()

    for _endpoint, (url, methods) in sorted(world["urls"].items()):
        fuzz(url, methods)


@given(body=json_bodies)
@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_generated_json_never_causes_a_server_error(app, world, body):
    client = client_for(app, world, "parent")
    response = client.post("/p/answers", json=body)
    assert response.status_code in (200, 400, 409, 415), (body, response.status_code)
    assert response.is_json
