"""Deny by default, tested exhaustively: every route for every kind of user.

The expectations below are written out by hand, not read from the decorators, so a wrong
decorator fails the matrix. A new route fails the structural test until it is added here."""

from __future__ import annotations

from datetime import time, timedelta

import pytest

from questionnaires import builtin_library
from tests.factories import (
    create_case,
    create_team,
    create_user,
    screen_with_a_safety_answer,
    sign_in_as,
)
from webapp import create_app
from webapp.extensions import db
from webapp.services.invitations import create_invitation, session_key_for
from webapp.services.meetings import MeetingDetails, book_meeting, meeting_tasks
from webapp.services.plans import editable_plan
from webapp.services.questions import save_answer, start_response
from webapp.services.scoring import submit_response
from webapp.storage.records import utcnow
from webapp.views.parent import SESSION_KEY

# Public: they check their own state (a half-finished sign-in, a parent's token).
PUBLIC = {
    "auth.sign_in",
    "auth.enter_code",
    "auth.set_up_code",
    # Council sign-in: 404 unless configured; the callback checks its own state and token
    # (tests/webapp/views/test_council_sign_in.py).
    "auth.council_start",
    "auth.council_callback",
    "pages.healthz",
    "parent.open_link",
    "static",
    "auth.set_up_account",  # an invitee's one-time link: it checks its own token
}
STAFF = {"intake", "clinician", "admin"}
# endpoint -> (roles allowed, is the URL about one case, so other teams get 404?)
EXPECTED = {
    "pages.index": (STAFF, False),
    "auth.sign_out": (STAFF, False),
    "intake.cases": ({"intake"}, False),
    "intake.new_case": ({"intake"}, False),
    "intake.case": ({"intake"}, True),
    "intake.start_screening": ({"intake"}, True),
    "intake.question": ({"intake"}, True),
    "intake.check_answers": ({"intake"}, True),
    "intake.result": ({"intake"}, True),
    "intake.plan": ({"intake"}, True),
    "intake.remove_plan_item": ({"intake"}, True),
    "intake.add_plan_item": ({"intake"}, True),
    "intake.agree": ({"intake"}, True),
    "intake.invite": ({"intake"}, True),
    "intake.plan_pdf": ({"intake"}, True),
    "intake.revoke": ({"intake"}, True),
    "intake.phoned": ({"intake"}, True),
    "intake.resend": ({"intake"}, True),
    "intake.letter": ({"intake"}, True),
    "intake.post_plan": ({"intake"}, True),
    "intake.edit_contact": ({"intake"}, True),
    "intake.transfer": ({"intake"}, True),
    "intake.close": ({"intake"}, True),
    "intake.reopen": ({"intake"}, True),
    "intake.keep_plan_item": ({"intake"}, True),
    "intake.paper_pdf": ({"intake"}, True),
    "intake.consent": ({"intake"}, True),
    "intake.withdraw_consent_page": ({"intake"}, True),
    "safety.check": ({"intake"}, True),
    "parent.start": ({"parent"}, False),
    "parent.question": ({"parent"}, False),
    "parent.save": ({"parent"}, False),
    "parent.check": ({"parent"}, False),
    "parent.done": ({"parent"}, False),
    "parent.save_for_later": ({"parent"}, False),
    "parent.help": ({"parent"}, False),
    "parent.display": ({"parent"}, False),
    "review.queue": ({"clinician"}, False),
    "review.case": ({"clinician"}, True),
    "review.outcomes": ({"clinician"}, True),
    "review.summary_pdf": ({"clinician"}, True),
    "review.decide": ({"clinician"}, True),
    "admin.users": ({"admin"}, False),
    "admin.audit": ({"admin"}, False),
    "admin.audit_csv": ({"admin"}, False),
    "admin.subject_access": ({"admin"}, False),
    "admin.set_access": ({"admin"}, False),
    "admin.unlock_user": ({"admin"}, False),
    "dashboard.index": (STAFF, False),
    "dashboard.csv": (STAFF, False),
    "dashboard.plan_csv": (STAFF, False),
    "learning.index": ({"clinician", "admin"}, False),
    "learning.domain": ({"clinician", "admin"}, False),
    "learning.fit": ({"clinician", "admin"}, False),
    "learning.decide_version": ({"clinician", "admin"}, False),
    "learning.rescore_results": ({"clinician", "admin"}, False),
    "learning.card": ({"clinician", "admin"}, False),
    # The API takes tokens only (tested in test_api.py): no session opens it.
    "api.case_flags": ({"api"}, False),
    # Notify's callbacks carry a bearer token, as the API's requests do: 401 for everyone else.
    "notify.callback": ({"api"}, False),
    "api.case_plan": ({"api"}, False),
    "api.fhir_flag_search": ({"api"}, False),
    "api.fhir_reasonable_adjustment_flag": ({"api"}, False),
    "api.fhir_questionnaire_response": ({"api"}, False),
    "admin.invite_user": ({"admin"}, False),
    "admin.account": ({"admin"}, False),
    "admin.reset_second_factor": ({"admin"}, False),
    "meetings.new_meeting": ({"intake"}, True),
    "meetings.meeting": ({"intake"}, True),
    "meetings.tasks": ({"intake"}, False),
    "meetings.close": ({"intake"}, True),
    "meetings.contacts": ({"intake"}, True),
    "admin.new_set_up_link": ({"admin"}, False),
    "intake.plan_review": ({"intake"}, True),
}
PERSONAS = (
    "anonymous",
    "parent",
    "intake",
    "intake-other-team",
    "clinician",
    "clinician-other-team",
    "admin",
)


def route_problems(app) -> tuple[list[str], list[str]]:
    unguarded, unlisted = [], []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if rule.endpoint in PUBLIC:
            assert rule.endpoint == "static" or getattr(view, "public", False), rule.endpoint
            continue
        if not getattr(view, "required_roles", None):
            unguarded.append(rule.endpoint)
        if rule.endpoint not in EXPECTED:
            unlisted.append(rule.endpoint)
    return unguarded, unlisted


def test_every_route_requires_a_role_or_is_deliberately_public():
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    unguarded, unlisted = route_problems(app)
    assert not unguarded, f"routes without a role requirement: {unguarded}"
    assert not unlisted, f"routes missing from the permission matrix: {unlisted}"


def test_the_structural_check_catches_an_unguarded_route():
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    app.add_url_rule("/forgotten", "forgotten", lambda: "case data")
    unguarded, unlisted = route_problems(app)
    assert unguarded == ["forgotten"] and unlisted == ["forgotten"]


@pytest.fixture
def world(app):
    """Two teams; a screened case with a draft plan in the first."""
    app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context():
        team, other = create_team(name="North"), create_team(name="South")
        users = {
            "intake": create_user(role="intake", team=team),
            "intake-other-team": create_user(role="intake", team=other),
            "clinician": create_user(role="clinician", team=team),
            "clinician-other-team": create_user(role="clinician", team=other),
            "admin": create_user(role="admin", team=None),
        }
        case = create_case(team=team)
        questionnaire = builtin_library().get("reading-writing")
        done = start_response(case, questionnaire, "with-worker", users["intake"])
        for item in questionnaire.items:
            save_answer(done, item.id, item.option_values[-1])
        submit_response(done, users["intake"])
        draft = start_response(case, questionnaire, "with-worker", users["intake"])
        # A second screened case, and outcomes for both, so model cards can be drawn.
        from webapp.storage.records import Outcome

        other = create_case(team=team, parent_name="Second Parent")
        low = start_response(other, questionnaire, "with-worker", users["intake"])
        for item in questionnaire.items:
            save_answer(low, item.id, item.option_values[0])
        submit_response(low, users["intake"])
        for outcome_case, finding in ((case, "confirmed"), (other, "not_confirmed")):
            db.session.add(
                Outcome(
                    case_id=outcome_case.id,
                    domain="literacy",
                    finding=finding,
                    recorded_by_id=users["clinician"].id,
                )
            )
        alert = screen_with_a_safety_answer(case=case, worker=users["intake"])
        plan = editable_plan(case)
        invitation, _token = create_invitation(case, [questionnaire], users["intake"])
        from models import builtin_scorecards
        from webapp.storage.records import ScorecardVersion

        literacy = next(c for c in builtin_scorecards() if c.domain == "literacy")
        candidate = ScorecardVersion(
            domain="literacy",
            scorecard_id="literacy-fitted",
            version="1",
            definition=literacy.to_dict(),
            evaluation={},
            outcomes_used=0,
        )
        db.session.add(candidate)
        invitation.consent_at = utcnow()
        from webapp.storage.records import Message

        letter = Message(
            case_id=case.id,
            kind="plan_copy",
            channel="letter",
            recipient="Matrix Parent\n1 High Street\nAB1 2CD",
            subject="A letter",
            body="Hello.",
            reference="matrix-letter",
            status="to_copy",
        )
        db.session.add(letter)
        from webapp.services.consent import record_consent

        consent = record_consent(case, "sharing", "in_person", users["intake"])
        db.session.commit()
        meeting = book_meeting(
            case,
            users["intake"],
            MeetingDetails(
                (utcnow() + timedelta(days=10)).date(), time(14), "phone", "", "Both", "Plan"
            ),
            reason="The parent asked for a text",
        )
        args = {
            "case_id": case.id,
            "response_id": draft.id,
            "item_id": questionnaire.items[0].id,
            "invitation_id": invitation.id,
            "questionnaire_id": questionnaire.id,
            "reference": case.reference,
            "version_id": candidate.id,
            "alert_id": alert.id,
            "message_id": letter.id,
            "meeting_id": meeting.id,
            "task_id": meeting_tasks(meeting)[0].id,
            "consent_id": consent.id,
        }
        plan_item = plan.items[0].id
        sessions = {name: user.get_id() for name, user in users.items()}
        other_user = create_user(role="intake", team=team).id  # one the matrix may disable
        sessions["parent"] = session_key_for(invitation)
        db.session.commit()
        db.session.remove()
    return {"args": args, "plan_item": plan_item, "sessions": sessions, "other_user": other_user}


def url_for_rule(app, rule, world) -> str:
    values = {}
    for name in rule.arguments:
        if (
            rule.endpoint in ("intake.remove_plan_item", "intake.keep_plan_item")
            and name == "item_id"
        ):
            values[name] = world["plan_item"]
        elif rule.endpoint == "learning.card" and name == "version":
            values[name] = "2"  # the active literacy-expert: the one for reading-writing@1.1
        elif name == "version":
            values[name] = "staff"
        elif name == "domain":
            values[name] = "literacy"
        elif name == "decision":
            values[name] = "discard"
        elif name == "user_id":
            values[name] = world["other_user"]
        elif name == "scorecard_id":
            values[name] = "literacy-expert"
        else:
            values[name] = world["args"][name]
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **values)


def test_role_by_route_matrix(app, world):
    cells, unexpected = 0, []
    # Signing out ends every session of that user, and closing the parent's link ends the
    # parent's session (both by design), so they are walked last.
    last = {"intake.revoke": 1, "auth.sign_out": 2}
    rules = sorted(app.url_map.iter_rules(), key=lambda r: last.get(r.endpoint, 0))
    for rule in rules:
        if rule.endpoint in PUBLIC:
            continue
        allowed, case_scoped = EXPECTED[rule.endpoint]
        url = url_for_rule(app, rule, world)
        method = "GET" if "GET" in rule.methods else "POST"
        for persona in PERSONAS:
            client = app.test_client()
            if persona == "parent":
                with client.session_transaction() as session:
                    session[SESSION_KEY] = world["sessions"]["parent"]
            elif persona != "anonymous":
                sign_in_as(client, world["sessions"][persona])
            response = client.open(url, method=method)
            status, location = response.status_code, response.headers.get("Location", "")
            role = persona.removesuffix("-other-team")
            if "api" in allowed:
                ok = status == 401
            elif "parent" in allowed:
                # Parent pages need the parent's link session; staff sign-in does not open them.
                ok = status in (200, 302, 415) if persona == "parent" else status == 403
            elif persona in ("anonymous", "parent"):
                ok = status == 302 and location.startswith("/sign-in")
            elif role not in allowed:
                ok = status == 403
            elif case_scoped and persona.endswith("other-team"):
                ok = status == 404
            else:
                ok = status in (200, 302)
            cells += 1
            if not ok:
                unexpected.append(f"{persona} {method} {url} -> {status} {location}")
    assert not unexpected, "\n".join(unexpected)
    assert cells == len(PERSONAS) * (len(EXPECTED)), cells


def test_anonymous_users_are_sent_to_sign_in(app, world):
    response = app.test_client().get("/cases")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_council_sign_in_routes_are_open_to_everyone_and_check_their_own_state(app):
    """The two council sign-in routes (public above), with council sign-in configured: every
    kind of user may start one, and a callback without our state is refused (400) for all."""
    from tests.conftest import TEST_CONFIG
    from tests.council_provider import council_provider, council_settings

    with app.app_context():
        team = create_team(name="North")
        sessions = {role: create_user(role=role, team=team).get_id() for role in sorted(STAFF)}
    with council_provider() as provider:
        council_app = create_app(
            {
                **TEST_CONFIG,
                "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                **council_settings(provider),
            }
        )
        for persona in ("anonymous", *sessions):
            client = council_app.test_client()
            if persona != "anonymous":
                sign_in_as(client, sessions[persona])
            start = client.get("/sign-in/council")
            assert start.status_code == 302, persona
            assert start.location.startswith(provider.url), persona
            callback = client.get("/sign-in/council/callback?code=made-up&state=made-up")
            assert callback.status_code == 400, persona
        with council_app.app_context():
            db.session.remove()
            db.engine.dispose()
