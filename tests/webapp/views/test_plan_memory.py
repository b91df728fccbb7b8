"""Plans that remember: an adjustment a worker removed with a reason stays removed in later
versions unless what proposes it has changed, and the page says so; an adjustment the parent
said no to is marked, and the worker chooses before the plan can be agreed."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from questionnaires import builtin_library
from tests.factories import create_case, create_team, create_user, sign_in_as
from tests.pages import csrf_token, get_page, post_page
from webapp.extensions import db
from webapp.services.plans import propose_new_plan
from webapp.services.questions import save_answer, start_response
from webapp.services.scoring import submit_response
from webapp.storage.records import AuditEvent, Case, User

PHONE_FIRST = "Phone before sending any letter"


def submit(case_id: int, worker_id: int, questionnaire_id: str, answers) -> None:
    case, worker = db.session.get(Case, case_id), db.session.get(User, worker_id)
    questionnaire = builtin_library().get(questionnaire_id)
    response = start_response(case, questionnaire, "with-worker", worker)
    for item in questionnaire.items:
        answer = answers(item)
        if answer is not None:
            save_answer(response, item.id, answer)
    submit_response(response, worker)


def highest(item):
    return item.option_values[-1]


@pytest.fixture
def people(app):
    """A case flagged in reading and writing: its plan proposes a phone call before letters."""
    with app.app_context():
        team = create_team(name="North")
        worker = create_user(role="intake", team=team)
        case = create_case(team=team)
        submit(case.id, worker.id, "reading-writing", highest)
        return {"intake": worker.get_id(), "worker": worker.id, "case": case.id}


def plan_url(people) -> str:
    return f"/cases/{people['case']}/plan"


def card(page, adjustment_id: str):
    return page.select_one(f"[data-adjustment={adjustment_id}]")


def remove(client, people, adjustment_id: str, reason: str):
    page = get_page(client, plan_url(people))
    href = card(page, adjustment_id).select_one("a[href$='/remove']")["href"]
    page = get_page(client, href)
    return post_page(client, href, {"csrf_token": csrf_token(page), "reason": reason})


def agree(client, people):
    page = get_page(client, plan_url(people))
    return post_page(client, f"{plan_url(people)}/agree", {"csrf_token": csrf_token(page)})


def test_a_removed_adjustment_stays_removed_when_proposed_again_for_the_same_reasons(
    app, client, people
):
    sign_in_as(client, people["intake"])
    remove(client, people, "phone-before-letters", "Her partner reads letters to her.")
    agree(client, people)
    with app.app_context():  # a new screening of the same area: the same reasons again
        submit(people["case"], people["worker"], "reading-writing", highest)
        assert [p.version for p in db.session.get(Case, people["case"]).plans] == [1, 2]
    page = get_page(client, plan_url(people))
    assert "Version 2" in page.get_text()
    assert card(page, "phone-before-letters") is None
    (line,) = [li.get_text(" ", strip=True) for li in page.select("[data-testid=removed]")]
    assert line == (
        f"{PHONE_FIRST}: Her partner reads letters to her. (removed in version 1; proposed"
        " again for the same reasons, so it stays removed)"
    )


def test_it_is_proposed_again_when_what_proposes_it_changes(app, client, people):
    sign_in_as(client, people["intake"])
    remove(client, people, "phone-before-letters", "Her partner reads letters to her.")
    agree(client, people)
    with app.app_context():  # the parent now asks for it herself: a new reason
        submit(
            people["case"],
            people["worker"],
            "communication-preferences",
            lambda item: "yes" if item.id == "cp_phone_first" else None,
        )
    page = get_page(client, plan_url(people))
    shown = card(page, "phone-before-letters")
    assert shown is not None
    again = shown.select_one("[data-testid=proposed-again]").get_text(" ", strip=True)
    assert "Removed in version 1 because “Her partner reads letters to her.”" in again
    assert "The parent asked for a phone call before any letter." in shown.get_text()
    assert not page.select("[data-testid=removed]")


def test_a_proposal_the_parent_said_no_to_is_marked_and_must_be_chosen(app, client, people):
    with app.app_context():
        submit(
            people["case"],
            people["worker"],
            "communication-preferences",
            lambda item: "no" if item.id == "cp_phone_first" else None,
        )
    sign_in_as(client, people["intake"])
    page = get_page(client, plan_url(people))
    warning = card(page, "phone-before-letters").select_one("[data-testid=conflict]")
    assert "The parent said: “Should we phone you before we send you a letter? No, a letter is" in (
        warning.get_text(" ", strip=True)
    )
    assert card(page, "text-reminders").select_one("[data-testid=conflict]") is None
    # Agreeing before choosing is refused with a clear message, and nothing is agreed.
    page = agree(client, people)
    banner = page.select_one("[data-banner=error]").get_text(" ", strip=True)
    assert "Choose to keep or remove each adjustment the parent said no to" in banner
    with app.app_context():
        assert db.session.get(Case, people["case"]).agreed_plan is None
    # Keep it: the plan can be agreed, and the choice is audited.
    keep = card(page, "phone-before-letters").find("form")["action"]
    page = post_page(client, keep, {"csrf_token": csrf_token(page)})
    assert "Kept after checking" in card(page, "phone-before-letters").get_text()
    page = agree(client, people)
    assert "Plan version 1 agreed" in page.select_one("[data-banner=success]").get_text()
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action)).all()
        assert "plan.conflict_kept" in actions


def test_removing_the_marked_adjustment_also_lets_the_plan_be_agreed(app, client, people):
    with app.app_context():
        submit(
            people["case"],
            people["worker"],
            "communication-preferences",
            lambda item: "no" if item.id == "cp_phone_first" else None,
        )
    sign_in_as(client, people["intake"])
    remove(client, people, "phone-before-letters", "The parent said a letter is fine.")
    page = agree(client, people)
    assert "Plan version 1 agreed" in page.get_text()


def test_a_kept_choice_is_remembered_while_the_parent_says_the_same(app, client, people):
    with app.app_context():
        submit(
            people["case"],
            people["worker"],
            "communication-preferences",
            lambda item: "no" if item.id == "cp_phone_first" else None,
        )
    sign_in_as(client, people["intake"])
    page = get_page(client, plan_url(people))
    keep = card(page, "phone-before-letters").find("form")["action"]
    post_page(client, keep, {"csrf_token": csrf_token(page)})
    with app.app_context():
        case = db.session.get(Case, people["case"])
        propose_new_plan(case)  # the draft proposed again, as a contact change does
        db.session.commit()
        (item,) = [i for i in case.draft_plan.items if i.adjustment_id == "phone-before-letters"]
        assert item.conflict and item.conflict_kept


@pytest.mark.parametrize("item_id", ["other-adjustment", "unknown"])
def test_keeping_something_with_nothing_to_choose_is_refused(app, client, people, item_id):
    sign_in_as(client, people["intake"])
    page = get_page(client, plan_url(people))
    if item_id == "unknown":
        url = f"{plan_url(people)}/items/999999/keep"
    else:  # a real adjustment of the draft that the parent did not say no to
        href = card(page, "text-reminders").select_one("a[href$='/remove']")["href"]
        url = href.removesuffix("/remove") + "/keep"
    page = post_page(client, url, {"csrf_token": csrf_token(page)})
    assert "That adjustment has nothing to choose." in page.select_one("[data-banner=error]").text
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action)).all()
        assert "plan.conflict_kept" not in actions


def test_keeping_without_the_form_token_changes_nothing(app, client, people):
    with app.app_context():
        submit(
            people["case"],
            people["worker"],
            "communication-preferences",
            lambda item: "no" if item.id == "cp_phone_first" else None,
        )
    app.config["WTF_CSRF_ENABLED"] = True
    sign_in_as(client, people["intake"])
    page = get_page(client, plan_url(people))
    keep = card(page, "phone-before-letters").find("form")["action"]
    client.post(keep, data={})
    with app.app_context():
        case = db.session.get(Case, people["case"])
        (item,) = [i for i in case.draft_plan.items if i.adjustment_id == "phone-before-letters"]
        assert not item.conflict_kept
