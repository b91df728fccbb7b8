"""Consent: to a screening done with a worker (no screening starts without it), to sharing the
answers with the clinicians' team, and to each referral (a referral without it is refused).
Each is recorded with who, when and how; each can be withdrawn. All of it is audited, on the
case timeline and in the subject access export."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from questionnaires import builtin_library
from tests.factories import create_case, create_team, create_user, sign_in_as
from tests.pages import check_page, csrf_token, get_page, post_page
from webapp.extensions import db
from webapp.services.data_protection import subject_record
from webapp.services.questions import save_answer, start_response
from webapp.services.scoring import submit_response
from webapp.storage.records import AuditEvent, Case, Consent, Response, Review, User


@pytest.fixture
def people(app):
    """A North worker and clinician, a South worker, and a North case screened and flagged."""
    with app.app_context():
        north, south = create_team(name="North"), create_team(name="South")
        worker = create_user(role="intake", team=north)
        worker.name = "Ash Worker"
        clinician = create_user(role="clinician", team=north)
        other = create_user(role="intake", team=south)
        case = create_case(team=north, parent_name="Jo Example")
        reading = builtin_library().get("reading-writing")
        response = start_response(case, reading, "with-worker", worker)
        for item in reading.items:
            save_answer(response, item.id, item.option_values[-1])
        submit_response(response, worker)
        db.session.commit()
        return {
            "worker": worker.get_id(),
            "worker_id": worker.id,
            "clinician": clinician.get_id(),
            "other": other.get_id(),
            "case": case.id,
        }


def signed_in(app, user: str):
    client = app.test_client()
    sign_in_as(client, user)
    return client


def said(page) -> str:
    return " ".join(page.get_text(" ").split())


def errors(page) -> str:
    assert page.title.get_text().startswith("Error: ")
    return page.select_one(".govuk-error-summary").get_text(" ", strip=True)


def consents(app) -> list[Consent]:
    with app.app_context():
        rows = list(db.session.scalars(select(Consent).order_by(Consent.id)))
        db.session.expunge_all()
        return rows


def audit(app, action: str) -> list[str | None]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(AuditEvent.detail).where(AuditEvent.action == action).order_by(AuditEvent.id)
            )
        )


# --- 1. A screening with a worker -----------------------------------------------------------


def test_a_screening_does_not_start_without_the_parents_consent(app, people):
    client = signed_in(app, people["worker"])
    url = f"/cases/{people['case']}/screenings/new"
    page = get_page(client, url)
    for bad in ({}, {"consent": "parent_link"}, {"consent": "yes"}, {"consent": ""}):
        page = post_page(
            client,
            url,
            {
                "csrf_token": csrf_token(page),
                "questionnaire": "mood-worry",
                "mode": "with-worker",
                **bad,
            },
        )
        assert "Select how the parent agreed to this screening" in errors(page), bad
        # What the worker chose is kept.
        assert page.select_one("input[name=questionnaire][value=mood-worry]").has_attr("checked")
    with app.app_context():
        assert db.session.scalars(select(Response)).all() == [db.session.get(Response, 1)]
    assert consents(app) == []


@pytest.mark.parametrize(("mode", "method"), [("with-worker", "phone"), ("paper", "in_writing")])
def test_a_screening_with_a_worker_or_on_paper_records_the_consent(app, people, mode, method):
    client = signed_in(app, people["worker"])
    url = f"/cases/{people['case']}/screenings/new"
    page = get_page(client, url)
    response = client.post(
        url,
        data={
            "csrf_token": csrf_token(page),
            "questionnaire": "mood-worry",
            "mode": mode,
            "consent": method,
        },
    )
    assert response.status_code == 302
    (consent,) = consents(app)
    with app.app_context():
        started = db.session.scalars(select(Response).order_by(Response.id.desc())).first()
        assert (consent.kind, consent.method, consent.response_id) == (
            "screening",
            method,
            started.id,
        )
    assert consent.recorded_by_id == people["worker_id"] and consent.recorded_at is not None
    assert audit(app, "consent.recorded") == [f"screening ({method})"]


# --- 2. Sharing with the clinicians' team ---------------------------------------------------


def test_the_worker_records_consent_to_share_and_the_clinician_sees_it(app, people):
    clinician = signed_in(app, people["clinician"])
    review_url = f"/review/cases/{people['case']}"
    # Not recorded: the case is still in the queue (for safety), and the page says so.
    assert "Jo Example" in get_page(clinician, "/review").get_text()
    notice = get_page(clinician, review_url).select_one("[data-testid=consent-for-clinicians]")
    assert "Consent to share with the clinicians' team is not recorded" in notice.get_text()

    client = signed_in(app, people["worker"])
    case_page = get_page(client, f"/cases/{people['case']}")
    summary = case_page.select_one("[data-testid=consent-summary]").get_text(" ", strip=True)
    assert "Consent to share with the clinicians' team is not recorded" in summary
    url = case_page.find("a", string="Record or withdraw consent")["href"]
    page = get_page(client, url)
    page = post_page(
        client, url, {"csrf_token": csrf_token(page), "what": "sharing", "method": "in_person"}
    )
    assert "Consent recorded." in page.get_text()
    assert "Sharing their answers with the clinicians' team: in person" in said(page)
    # Recorded once: the choice is no longer offered.
    assert page.select_one("input[name=what][value=sharing]") is None

    notice = get_page(clinician, review_url).select_one("[data-testid=consent-for-clinicians]")
    assert "The parent agreed to share their answers" in notice.get_text()


def test_bad_input_on_the_consent_form_is_refused_with_a_message(app, people):
    client = signed_in(app, people["worker"])
    url = f"/cases/{people['case']}/consent"
    page = get_page(client, url)
    cases = [
        ({}, ["Select what the parent agreed to", "Select how the parent gave consent"]),
        ({"what": "sharing"}, ["Select how the parent gave consent"]),
        ({"what": "sharing", "method": "parent_link"}, ["Select how the parent gave consent"]),
        ({"what": "sharing", "method": "x" * 5000}, ["Select how the parent gave consent"]),
        ({"method": "phone"}, ["Select what the parent agreed to"]),
        ({"what": "referral-no-such-service", "method": "phone"}, ["Select what the parent"]),
        ({"what": "screening", "method": "phone"}, ["Select what the parent agreed to"]),
    ]
    for data, messages in cases:
        page = post_page(client, url, {"csrf_token": csrf_token(page), **data})
        shown = errors(page)
        for message in messages:
            assert message in shown, (data, shown)
    assert consents(app) == []


def test_the_parents_link_records_consent_to_share(app, people):
    from webapp.services.invitations import create_invitation, record_consent

    with app.app_context():
        case = db.session.get(Case, people["case"])
        invitation, _token = create_invitation(
            case, [builtin_library().get("mood-worry")], db.session.get(User, people["worker_id"])
        )
        record_consent(invitation)
        record_consent(invitation)  # a second start records no second consent
    (consent,) = consents(app)
    assert (consent.kind, consent.method, consent.recorded_by_id) == (
        "sharing",
        "parent_link",
        None,
    )


# --- 3. Each referral -----------------------------------------------------------------------


def refer(client, review_url: str, pathway: str = "dyslexia-assessment"):
    """A referral of reading and writing to `pathway`, from the decision page."""
    page = get_page(client, review_url + "/decision")
    return post_page(
        client,
        review_url + "/decision",
        {
            "csrf_token": csrf_token(page),
            "decision": "refer",
            "pathway_literacy": pathway,
            "note": "Clear signs.",
        },
    )


def record(client, case_id: int, what: str, method: str = "phone"):
    url = f"/cases/{case_id}/consent"
    page = get_page(client, url)
    return post_page(client, url, {"csrf_token": csrf_token(page), "what": what, "method": method})


def test_a_referral_without_consent_is_refused_with_a_clear_message(app, people):
    clinician = signed_in(app, people["clinician"])
    review_url = f"/review/cases/{people['case']}"
    page = refer(clinician, review_url)
    assert "The parent's consent to a referral to Dyslexia assessment is not recorded" in errors(
        page
    )
    with app.app_context():
        assert db.session.scalars(select(Review)).all() == []
        assert db.session.get(Case, people["case"]).referred_at is None

    # Consent to another service does not allow this one.
    worker = signed_in(app, people["worker"])
    record(worker, people["case"], "referral-adult-adhd")
    assert "is not recorded" in errors(refer(clinician, review_url))

    page = record(worker, people["case"], "referral-dyslexia-assessment")
    assert "A referral to Dyslexia assessment: by phone" in said(page)
    page = refer(clinician, review_url)
    assert "Decision recorded." in page.get_text()
    with app.app_context():
        (review,) = db.session.scalars(select(Review))
        assert review.decision == "refer"
        assert [(p.domain, p.pathway) for p in review.pathways] == [
            ("literacy", "dyslexia-assessment")
        ]


def test_a_decision_that_is_not_a_referral_needs_no_referral_consent(app, people):
    clinician = signed_in(app, people["clinician"])
    decision_url = f"/review/cases/{people['case']}/decision"
    page = get_page(clinician, decision_url)
    page = post_page(
        clinician,
        decision_url,
        {"csrf_token": csrf_token(page), "decision": "no_further_action", "note": "Seen."},
    )
    assert "Decision recorded." in page.get_text()


# --- Withdrawal, timeline, subject access, teams --------------------------------------------


def test_consent_can_be_withdrawn_recorded_and_audited(app, people):
    worker = signed_in(app, people["worker"])
    record(worker, people["case"], "referral-dyslexia-assessment")
    (consent,) = consents(app)
    url = f"/cases/{people['case']}/consent/{consent.id}/withdraw"
    page = get_page(worker, f"/cases/{people['case']}/consent")
    assert page.find("a", href=url) is not None
    page = get_page(worker, url)
    for bad in ({}, {"method": "parent_link"}, {"method": "by pigeon"}):
        page = post_page(worker, url, {"csrf_token": csrf_token(page), **bad})
        assert "Select how the parent withdrew consent" in errors(page), bad
    assert consents(app)[0].withdrawn_at is None
    page = post_page(worker, url, {"csrf_token": csrf_token(page), "method": "in_writing"})
    assert "Withdrawal of consent recorded." in page.get_text()
    assert "Withdrawn in writing or on a paper form" in said(page)
    (consent,) = consents(app)  # the row stays, marked withdrawn
    assert (consent.withdrawn_method, consent.withdrawn_by_id) == (
        "in_writing",
        people["worker_id"],
    )
    assert audit(app, "consent.withdrawn") == ["referral:dyslexia-assessment (in_writing)"]
    # Withdrawn twice: a clear message, nothing changed.
    page = post_page(worker, url, {"csrf_token": csrf_token(page), "method": "phone"})
    assert "This consent has already been withdrawn" in errors(page)
    assert consents(app)[0].withdrawn_method == "in_writing"

    # The referral is refused again.
    clinician = signed_in(app, people["clinician"])
    assert "is not recorded" in errors(refer(clinician, f"/review/cases/{people['case']}"))
    # And the parent can agree again: a new consent.
    record(worker, people["case"], "referral-dyslexia-assessment", "in_person")
    assert len(consents(app)) == 2
    assert "Decision recorded." in refer(clinician, f"/review/cases/{people['case']}").get_text()


def test_consent_is_on_the_timeline_and_in_the_subject_access_export(app, people):
    worker = signed_in(app, people["worker"])
    record(worker, people["case"], "sharing", "in_person")
    (consent,) = consents(app)
    url = f"/cases/{people['case']}/consent/{consent.id}/withdraw"
    page = get_page(worker, url)
    post_page(worker, url, {"csrf_token": csrf_token(page), "method": "phone"})
    timeline = [
        li.get_text(" ", strip=True)
        for li in get_page(worker, f"/cases/{people['case']}").select(".app-timeline li")
    ]
    assert any("Consent withdrawn: sharing their answers" in t for t in timeline), timeline
    assert any("Consent given: sharing their answers" in t for t in timeline), timeline
    with app.app_context():
        exported = subject_record(db.session.get(Case, people["case"]))["consents"]
    assert exported == [
        {
            "to": "sharing",
            "pathway": None,
            "how": "in_person",
            "recorded": exported[0]["recorded"],
            "recorded_by": "Ash Worker",
            "withdrawn": exported[0]["withdrawn"],
            "withdrawn_how": "phone",
            "withdrawn_recorded_by": "Ash Worker",
        }
    ]
    assert exported[0]["recorded"] and exported[0]["withdrawn"]


def test_another_teams_worker_cannot_see_or_change_consent(app, people):
    worker = signed_in(app, people["worker"])
    record(worker, people["case"], "sharing")
    (consent,) = consents(app)
    other = signed_in(app, people["other"])
    assert other.get(f"/cases/{people['case']}/consent").status_code == 404
    assert other.get(f"/cases/{people['case']}/consent/{consent.id}/withdraw").status_code == 404
    # A consent of another case is not found through this one.
    with app.app_context():
        second = create_case(team=db.session.get(Case, people["case"]).team).id
    assert worker.get(f"/cases/{second}/consent/{consent.id}/withdraw").status_code == 404


def test_a_closed_case_shows_consent_and_still_takes_a_withdrawal(app, people):
    worker = signed_in(app, people["worker"])
    record(worker, people["case"], "sharing")
    (consent,) = consents(app)
    with app.app_context():
        from webapp.services.lifecycle import close_case

        close_case(db.session.get(Case, people["case"]), "other", "Moved")
    page = get_page(worker, f"/cases/{people['case']}/consent")
    assert page.select_one("form input[name=what]") is None  # nothing new on a closed case
    response = worker.post(
        f"/cases/{people['case']}/consent",
        data={"csrf_token": csrf_token(page), "what": "referral-dyslexia-assessment"},
    )
    assert response.status_code == 302  # sent back: the case is closed
    url = f"/cases/{people['case']}/consent/{consent.id}/withdraw"
    page = get_page(worker, url)
    page = post_page(worker, url, {"csrf_token": csrf_token(page), "method": "phone"})
    assert "Withdrawal of consent recorded." in page.get_text()
    check_page(worker.get(f"/cases/{people['case']}").get_data(as_text=True))


def test_erasing_a_case_erases_its_consents(app, people):
    from webapp.services.data_protection import erase_case

    record(signed_in(app, people["worker"]), people["case"], "sharing")
    assert len(consents(app)) == 1
    with app.app_context():
        erase_case(db.session.get(Case, people["case"]), "Opened by mistake")
    assert consents(app) == []
