"""Every item type in real Chromium, with the page script on and off, on 375 and 320 px wide
phones: a walk through every built-in questionnaire and an imported FHIR one with text, whole
number and decimal questions. Typed answers carry "%", quotes and markup; a slip (letters in a
number) is refused with the page's own error and never traps the parent. The stored answers
and check-your-answers show exactly what was typed."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from questionnaires import builtin_library
from tests.browser.harness import check_accessible, go
from tests.browser.walk import choice_for, fresh_link
from webapp.extensions import db
from webapp.storage.records import Response

pytestmark = pytest.mark.browser
LIBRARY = builtin_library()
FIXTURES = Path(__file__).resolve().parents[1] / "questionnaires" / "fhir_fixtures"
TYPED = 'Urdu, about 50% of the time "mostly" <b>not bold</b> & it\'s <i>fine</i>'
NUMBERS = {"integer": ("abc", "Type a number, like 3.", "3"), "decimal": ("7,5x", None, "7.5")}


def imported(app):
    result = app.test_cli_runner().invoke(
        args=["import-questionnaire", str(FIXTURES / "item-types.json")]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        from webapp.services.content_library import questionnaire_library

        return questionnaire_library().get("placeholder_item_types")


def answer_page(page, questionnaire, item, *, script: bool, seen_slip: set) -> str:
    """Answer the question on screen; returns the value that should be stored."""
    if item.options:
        value = choice_for(questionnaire, item)
        radio = page.locator(f"input[name=answer][value='{value}']")
        page.locator(f"label[for='{radio.get_attribute('id')}']").click()
        go(page, page.get_by_role("button", name="Continue"))
        return value
    box = page.locator("input#answer")
    if item.type in NUMBERS and item.type not in seen_slip:
        seen_slip.add(item.type)
        slip, words, _good = NUMBERS[item.type]
        box.fill(slip)
        if script:  # the autosave is refused with the reason, and the page does not stick
            box.blur()
            status = page.locator("[data-save-status].govuk-error-message")
            status.wait_for()
            assert "offline" not in status.inner_text()
        go(page, page.get_by_role("button", name="Continue"))
        assert page.title().startswith("Error:"), page.url
        if words:
            assert words in page.locator(".govuk-error-summary").inner_text()
        if script:  # axe runs as a script: the pages without one are the same markup
            check_accessible(page, f"{item.type} slip")
        box = page.locator("input#answer")
    stored = NUMBERS[item.type][2] if item.type in NUMBERS else TYPED
    box.fill(stored)
    go(page, page.get_by_role("button", name="Continue"))
    return stored


@pytest.mark.parametrize("width", [375, 320])
@pytest.mark.parametrize("script", [True, False], ids=["script-on", "script-off"])
def test_every_item_type_with_and_without_the_script(app, live_server, browser, script, width):
    questionnaires = [imported(app), *(q for q in LIBRARY.latest() if q.status == "published")]
    by_id = {q.id: q for q in questionnaires}
    context = browser.new_context(
        bypass_csp=True,
        java_script_enabled=script,
        viewport={"width": width, "height": 667},
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.goto(fresh_link(app, live_server.url, questionnaires))
    page.get_by_label("I have read this and I want to start").check()
    go(page, page.get_by_role("button", name="Start"))
    expected: dict[str, dict[str, str]] = {}
    types, seen_slip = set(), set()
    while "/p/questions/" in page.url:
        questionnaire_id, item_id = page.url.split("/p/questions/")[1].split("/")[:2]
        questionnaire = by_id[questionnaire_id]
        item = questionnaire.item(item_id)
        types.add(item.type)
        stored = answer_page(page, questionnaire, item, script=script, seen_slip=seen_slip)
        expected.setdefault(questionnaire_id, {})[item_id] = stored
        if "/p/help" in page.url:
            go(page, page.get_by_role("link", name="Go on to the next question"))
    assert types == {"choice", "boolean", "text", "integer", "decimal"}
    assert page.url.endswith("/p/check")
    for summary in page.locator("details summary").all():  # details open without a script
        summary.click()
    assert TYPED in page.locator("main").inner_text()  # as typed: not markup, not an error
    assert page.locator("main b, main i").count() == 0
    if script:
        check_accessible(page, f"check your answers, {width} px")
    with app.app_context():
        stored = {r.questionnaire_id: r.answer_map for r in db.session.scalars(select(Response))}
        db.session.remove()
    assert stored == expected
    context.close()


def test_the_kind_pages_and_the_confirmation_pass_axe(app, live_server, page):
    app.config["ORGANISATION_PHONE"] = "0300 123 4567"
    for url in ("/p/start/not-a-real-token", "/p/typo", "/p/check"):
        page.goto(live_server.url + url)
        assert page.locator("h1").inner_text() == "This link does not work"
        check_accessible(page, url)
    preferences = LIBRARY.get("communication-preferences")
    link = fresh_link(app, live_server.url, [preferences])
    page.goto(link)
    check_accessible(page, "start page with who to contact")
    page.get_by_label("I have read this and I want to start").check()
    go(page, page.get_by_role("button", name="Start"))
    while "/p/questions/" in page.url:
        questionnaire_id, item_id = page.url.split("/p/questions/")[1].split("/")[:2]
        item = preferences.item(item_id)
        if item.options:
            radio = page.locator(f"input[name=answer][value='{choice_for(preferences, item)}']")
            page.locator(f"label[for='{radio.get_attribute('id')}']").click()
        else:
            page.locator("input#answer").fill(TYPED)
        go(page, page.get_by_role("button", name="Continue"))
    go(page, page.get_by_role("button", name="Send my answers"))
    assert TYPED in page.locator("[data-testid=asked-for]").inner_text()
    check_accessible(page, "confirmation with what the parent asked for")
    page.goto(link)  # the link is closed now: a kind page
    assert page.locator("h1").inner_text() == "You have sent your answers"
    check_accessible(page, "closed link")


def test_rather_not_say_after_typing_keeps_the_button_pressed(app, live_server, page):
    """The script holds the post while it saves what was typed; the post it then makes must
    still say which button the parent pressed."""
    questionnaire = imported(app)
    page.goto(fresh_link(app, live_server.url, [questionnaire]))
    page.get_by_label("I have read this and I want to start").check()
    go(page, page.get_by_role("button", name="Start"))
    page.locator("input#answer").fill("Sam")
    go(page, page.get_by_role("button", name="I'd rather not say"))
    assert page.url.endswith("/children")
    with app.app_context():
        (response,) = db.session.scalars(select(Response)).all()
        assert response.answer_map == {"name-used": "skip"}
        db.session.remove()
