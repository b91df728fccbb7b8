"""On a 375 x 667 phone, every built-in question shows its answers and the Continue button on
the first screen, without scrolling: one tap to answer, one to go on."""

from __future__ import annotations

import pytest

from questionnaires import builtin_library
from tests.browser.harness import go
from tests.browser.walk import choice_for, fresh_link

pytestmark = pytest.mark.browser
LIBRARY = builtin_library()
PHONE = {"width": 375, "height": 667}


def continue_fits(page) -> dict:
    return page.evaluate(
        """() => {
            const button = [...document.querySelectorAll('main button')]
                .find(b => b.textContent.trim() === 'Continue');
            const r = button.getBoundingClientRect();
            return {bottom: Math.round(r.bottom + window.scrollY), height: window.innerHeight};
        }"""
    )


def test_continue_is_on_the_first_screen_of_every_built_in_question(app, live_server, browser):
    published = [q for q in LIBRARY.latest() if q.status == "published"]
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(fresh_link(app, live_server.url, published))
    page.get_by_label("I have read this and I want to start").check()
    go(page, page.get_by_role("button", name="Start"))
    below, seen = [], 0
    while "/p/questions/" in page.url:
        seen += 1
        fits = continue_fits(page)
        if fits["bottom"] > fits["height"]:
            below.append((page.url.split("/p/questions/")[1], fits["bottom"]))
        questionnaire_id, item_id = page.url.split("/p/questions/")[1].split("/")[:2]
        questionnaire = LIBRARY.get(questionnaire_id)
        item = questionnaire.item(item_id)
        if item.options:
            page.locator(f"input[name=answer][value='{choice_for(questionnaire, item)}']").check()
        else:
            page.locator("input#answer").fill("Polish")
        go(page, page.get_by_role("button", name="Continue"))
        if "/p/help" in page.url:
            go(page, page.get_by_role("link", name="Go on to the next question"))
    context.close()
    print(f"first screen: {seen - len(below)} of {seen} questions fit; below: {below}")
    assert seen >= 60
    assert below == [], f"{len(below)} of {seen} questions need a scroll to reach Continue"


def test_the_saved_message_never_moves_continue_from_under_a_finger(app, live_server, browser):
    """The autosave's "saved" message appears while the parent reaches for Continue: if it
    pushed the button down, the tap would land on empty page and nothing would happen."""
    reading = LIBRARY.get("reading-writing")
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(fresh_link(app, live_server.url, [reading]))
    page.get_by_label("I have read this and I want to start").check()
    go(page, page.get_by_role("button", name="Start"))
    button = page.get_by_role("button", name="Continue")
    before = button.bounding_box()
    item = reading.item(page.url.split("/p/questions/")[1].split("/")[1])
    page.locator(f"input[name=answer][value='{choice_for(reading, item)}']").check()
    page.locator("[data-save-status]", has_text="saved").wait_for()
    assert button.bounding_box() == before
    context.close()
