"""The parent's journey in real Chromium: every built-in questionnaire through a link with axe
on every page, each display option and error state; keyboard only; no JavaScript; a 320 px
screen and 200% text; going offline mid-way; read aloud; target sizes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from questionnaires import builtin_library
from tests.browser.harness import check_accessible
from tests.factories import create_case, create_team
from webapp.extensions import db
from webapp.services.invitations import create_invitation
from webapp.storage.records import Response

pytestmark = pytest.mark.browser
LIBRARY = builtin_library()


@pytest.fixture
def live(live_server):
    return live_server


def link_for(app, live, questionnaire_ids) -> str:
    with app.app_context():
        case = create_case(team=create_team())
        chosen = [LIBRARY.get(qid) for qid in questionnaire_ids]
        _invitation, token = create_invitation(case, chosen, None)
        return f"{live.url}/p/start/{token}"


@pytest.fixture
def page_for(browser):
    contexts = []

    def make(**options):
        context = browser.new_context(bypass_csp=True, **options)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def start(page, link: str, *, check=check_accessible) -> None:
    page.goto(link)
    assert "/start/" not in page.url  # the token leaves the address bar
    check(page, "start page")
    page.get_by_label("I have read this and I want to start").check()
    click_and_wait(page, page.get_by_role("button", name="Start"))


def click_and_wait(page, target) -> None:
    """Click and wait for the next page (the autosave script may hold the post a moment)."""
    with page.expect_navigation():
        target.click()


def answer_current(page) -> None:
    """Choose the last real answer (or type one), then continue."""
    text_box = page.locator("input#answer[type=text]")
    if text_box.count():
        text_box.fill("Polish")
    else:
        radios = page.locator("input[name=answer]:not([value=skip])")
        page.locator(f"label[for='{radios.nth(radios.count() - 1).get_attribute('id')}']").click()
    click_and_wait(page, page.get_by_role("button", name="Continue"))


def finish(page, check=check_accessible) -> None:
    page.wait_for_url("**/p/check")
    check(page, "check your answers")
    click_and_wait(page, page.get_by_role("button", name="Send my answers"))
    page.wait_for_url("**/p/done")
    check(page, "confirmation")


def no_check(page, where) -> None:
    """axe runs as JavaScript, so pages with JavaScript off are checked in the other tests."""


def test_every_built_in_questionnaire_with_axe_on_every_page(app, live, page_for):
    published = [q.id for q in LIBRARY.latest() if q.status == "published"]
    page = page_for()
    start(page, link_for(app, live, published))
    seen = 0
    while "/p/questions/" in page.url:
        if seen == 0:  # the error state of a question page
            click_and_wait(page, page.get_by_role("button", name="Continue"))
            assert page.title().startswith("Error:")
            check_accessible(page, "question with an error")
        check_accessible(page, page.url)
        answer_current(page)
        if "/p/help" in page.url:  # the safety answer shows help straight away
            check_accessible(page, "safety help")
            click_and_wait(page, page.get_by_role("link", name="Go on to the next question"))
        seen += 1
    assert seen >= 60
    finish(page)


@pytest.mark.parametrize(
    "choice",
    [
        {"text": "large", "spacing": "wide", "background": "cream", "font": "readable"},
        {"text": "larger", "spacing": "standard", "background": "blue", "font": "standard"},
    ],
)
def test_display_options_keep_the_pages_accessible(app, live, page_for, choice):
    page = page_for()
    start(page, link_for(app, live, ["reading-writing"]))
    click_and_wait(page, page.get_by_role("link", name="Change how the page looks"))
    check_accessible(page, "display options")
    labels = {
        "large": "Large",
        "larger": "Very large",
        "wide": "Wide",
        "cream": "Cream",
        "blue": "Light blue",
        "readable": "Easy to read letters",
        "standard": "Standard",
    }
    for name, value in choice.items():
        group = page.locator(f"input[name={name}][value={value}]")
        page.locator(f"label[for='{group.get_attribute('id')}']").click()
        assert labels[value]
    click_and_wait(page, page.get_by_role("button", name="Save these choices"))
    classes = page.locator("html").get_attribute("class")
    assert f"app-display--background-{choice['background']}" in classes
    check_accessible(page, f"question in {choice}")
    click_and_wait(page, page.get_by_role("button", name="Continue"))  # the error state too
    check_accessible(page, f"question error in {choice}")


def test_a_whole_questionnaire_with_the_keyboard_only(app, live, page_for):
    page = page_for()
    page.goto(link_for(app, live, ["reading-writing"]))

    def tab_to(selector: str) -> None:
        for _ in range(40):
            page.keyboard.press("Tab")
            if page.evaluate("(s) => document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"could not reach {selector} with Tab")

    def press_and_wait(key: str) -> None:
        with page.expect_navigation():
            page.keyboard.press(key)

    tab_to("input[name=agree]")
    page.keyboard.press("Space")
    tab_to("button.govuk-button--start, button[type=submit]")
    press_and_wait("Enter")
    for _ in LIBRARY.get("reading-writing").items:
        assert "/p/questions/" in page.url
        tab_to("input[name=answer]")
        page.keyboard.press("ArrowDown")  # moves to and selects the next answer
        press_and_wait("Enter")  # submits the form, as a keyboard user would
    assert page.url.endswith("/p/check")
    tab_to("button[type=submit]")
    press_and_wait("Enter")
    assert page.url.endswith("/p/done")


def test_a_whole_questionnaire_without_javascript(app, live, page_for):
    page = page_for(java_script_enabled=False)
    start(
        page, link_for(app, live, ["reading-writing", "communication-preferences"]), check=no_check
    )
    assert page.locator("[data-read-aloud]").is_hidden()  # no speech without the script
    while "/p/questions/" in page.url:
        answer_current(page)
    finish(page, check=no_check)
    with app.app_context():
        assert {r.status for r in db.session.scalars(select(Response))} == {"submitted"}


def no_sideways_scroll(page) -> bool:
    return page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_320_px_wide_and_200_percent_text_never_scroll_sideways(app, live, page_for):
    narrow = page_for(viewport={"width": 320, "height": 640})
    start(narrow, link_for(app, live, ["communication-preferences"]), check=no_check)
    visited = 0
    while "/p/questions/" in narrow.url:
        assert no_sideways_scroll(narrow), narrow.url
        answer_current(narrow)
        visited += 1
    assert no_sideways_scroll(narrow) and visited > 5

    wide = page_for(viewport={"width": 1280, "height": 800})
    start(wide, link_for(app, live, ["reading-writing"]), check=no_check)
    for url in (wide.url, wide.url.split("/p/")[0] + "/p/check"):
        wide.goto(url)
        wide.evaluate("() => { document.documentElement.style.fontSize = '200%'; }")
        assert no_sideways_scroll(wide), url
        clipped = wide.evaluate("""() => [...document.querySelectorAll('main *')].filter(e => {
            const s = getComputedStyle(e);
            return (s.overflow === 'hidden' || s.overflowX === 'hidden') &&
                   e.scrollWidth > e.clientWidth + 1 && !e.closest('.govuk-visually-hidden');
        }).map(e => e.outerHTML.slice(0, 80))""")
        assert clipped == [], clipped


def test_going_offline_mid_way_loses_no_answer(app, live, page_for):
    page = page_for()
    start(page, link_for(app, live, ["reading-writing"]))
    page.context.set_offline(True)
    page.locator("label", has_text="Very often").click()
    page.get_by_role("button", name="Continue").click()
    status = page.locator("[data-save-status]")
    status.filter(has_text="You are offline").wait_for()
    assert "/p/questions/reading-writing/rw_letters" in page.url  # still on the question
    page.context.set_offline(False)
    page.wait_for_url("**/rw_read_twice")
    with app.app_context():
        (response,) = db.session.scalars(select(Response)).all()
        assert response.answer_map == {"rw_letters": "very_often"}


def test_read_aloud_speaks_the_page_and_hides_without_speech(app, live, page_for):
    page = page_for()
    page.add_init_script("""
        window.__spoken = [];
        window.speechSynthesis.speak = (u) => window.__spoken.push(u.text);
    """)
    start(page, link_for(app, live, ["reading-writing"]))
    page.get_by_role("button", name="Read this page aloud").click()
    spoken = page.evaluate("() => window.__spoken")[0]
    assert "Do you find letters hard to read?" in spoken
    assert "Very often" in spoken and "I'd rather not say" in spoken

    silent = page_for()
    silent.add_init_script("delete window.speechSynthesis; delete window.SpeechSynthesisUtterance;")
    silent.goto(link_for(app, live, ["reading-writing"]))
    assert silent.locator("[data-read-aloud]").is_hidden()


def test_controls_are_at_least_24_by_24_px(app, live, page_for):
    page = page_for(viewport={"width": 320, "height": 640})
    start(page, link_for(app, live, ["reading-writing"]), check=no_check)
    small = page.evaluate("""() => [...document.querySelectorAll(
            'button, input:not([type=hidden]), select, .govuk-back-link, .govuk-radios__label')]
        .filter(e => e.offsetParent !== null)
        .map(e => { const r = e.getBoundingClientRect();
                    return {what: e.outerHTML.slice(0, 60), w: r.width, h: r.height}; })
        .filter(b => b.w < 24 || b.h < 24)""")
    assert small == [], small


def test_the_content_security_policy_blocks_nothing_of_ours(app, live, browser):
    context = browser.new_context()  # no CSP bypass here: the real policy applies
    page = context.new_page()
    violations = []
    page.on(
        "console",
        lambda m: (
            violations.append(m.text)
            if "Content Security Policy" in m.text or "Refused to" in m.text
            else None
        ),
    )
    page.goto(link_for(app, live, ["reading-writing"]))
    page.get_by_label("I have read this and I want to start").check()
    page.get_by_role("button", name="Start").click()
    page.get_by_text("Often", exact=True).click()  # autosave runs from our module script
    page.locator("[data-save-status]").filter(has_text="Your answer is saved").wait_for()
    assert page.evaluate("() => document.body.classList.contains('govuk-frontend-supported')")
    context.close()
    assert violations == []
