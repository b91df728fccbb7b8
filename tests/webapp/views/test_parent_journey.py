"""The parent's journey through a private link, through the real views."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from babel.support import NullTranslations
from sqlalchemy import select

from questionnaires import builtin_library
from tests.factories import create_case, create_team, create_user, sign_in_as
from tests.pages import check_page, csrf_token, get_page, post_page
from webapp import create_app
from webapp.extensions import db
from webapp.services.invitations import create_invitation, token_hash
from webapp.storage.records import AuditEvent, Case, Invitation, Response, Result, utcnow

READING = builtin_library().get("reading-writing")


@pytest.fixture
def setup(app):
    with app.app_context():
        team = create_team(name="North")
        intake = create_user(role="intake", team=team)
        case = create_case(team=team)
        return {"intake": intake.get_id(), "case": case.id}


def make_link(app, case_id: int, questionnaires=(READING,)) -> str:
    with app.app_context():
        case = db.session.get(Case, case_id)
        _invitation, token = create_invitation(case, list(questionnaires), None)
        return f"/p/start/{token}"


def open_and_consent(client, link: str) -> str:
    response = client.get(link)
    assert response.status_code == 302 and response.headers["Location"] == "/p/"
    page = get_page(client, "/p/")
    response = client.post("/p/", data={"csrf_token": csrf_token(page), "agree": "y"})
    assert response.status_code == 302
    return response.headers["Location"]


def test_worker_makes_a_link_that_is_shown_once_and_stored_as_a_hash(app, client, setup):
    sign_in_as(client, setup["intake"])
    url = f"/cases/{setup['case']}/invitations/new"
    page = get_page(client, url)
    checked = [box["value"] for box in page.select("input[name=questionnaires][checked]")]
    assert sorted(checked) == ["communication-preferences", "reading-writing"]  # short default
    assert len(page.select("input[name=questionnaires]")) == 9
    page = post_page(
        client, url, {"csrf_token": csrf_token(page), "questionnaires": ["reading-writing"]}
    )
    link = page.select_one("[data-testid=invitation-link]")["value"]
    token = link.rsplit("/", 1)[1]
    assert len(token) >= 43  # 32 random bytes, base64url
    assert link in page.get_text()  # in the text message to copy
    with app.app_context():
        invitation = db.session.scalars(select(Invitation)).one()
        assert invitation.token_hash == token_hash(token) and token not in invitation.token_hash
        assert (invitation.expires_at - invitation.created_at).days == 14


def test_parent_completes_the_questionnaire_through_the_link(app, client, setup):
    link = make_link(app, setup["case"])
    response = client.get(link)
    assert response.headers["Location"] == "/p/"  # the token leaves the address bar
    page = get_page(client, "/p/")
    text = page.get_text(" ")
    for words in (
        "This is not a test",
        "Who will see your answers",
        "What happens next",
        "I'd rather not say",
        "about 5 minutes",
    ):
        assert words in text, words

    page = post_page(client, "/p/", {"csrf_token": csrf_token(page)})
    assert "Tick the box to say you want to start" in page.get_text()
    url = client.post("/p/", data={"csrf_token": csrf_token(page), "agree": "y"}).headers[
        "Location"
    ]

    for number, item in enumerate(READING.items, start=1):
        page = get_page(client, url)
        assert f"Question {number} of {len(READING.items)}" in page.h1.get_text(" ")
        assert page.select_one(".govuk-back-link") is not None
        answer = "skip" if number == 3 else item.option_values[-1]
        response = client.post(url, data={"csrf_token": csrf_token(page), "answer": answer})
        url = response.headers["Location"]
    assert url == "/p/check"
    page = get_page(client, "/p/check")
    assert "I'd rather not say" in page.get_text()
    assert len(page.select(".govuk-summary-list__row")) == len(READING.items)
    response = client.post("/p/check", data={"csrf_token": csrf_token(page)})
    page = get_page(client, response.headers["Location"])
    assert "What happens next" in page.get_text()

    with app.app_context():
        invitation = db.session.scalars(select(Invitation)).one()
        assert invitation.consent_at and invitation.submitted_at
        response = db.session.scalars(select(Response)).one()
        assert (response.mode, response.status) == ("self", "submitted")
        assert db.session.scalars(select(Result)).one().flag_level == "likely"
        assert db.session.get(Case, setup["case"]).review_state == "awaiting"

    # The link is closed after sending: a kind page, not an error.
    fresh = app.test_client()
    response = fresh.get(link)
    assert response.status_code == 410
    assert "You have sent your answers" in response.get_data(as_text=True)


def test_answers_wait_for_the_parent_to_agree_first(app, client, setup):
    client.get(make_link(app, setup["case"]))
    response = client.get(f"/p/questions/reading-writing/{READING.items[0].id}")
    assert response.headers["Location"] == "/p/"


def test_coming_back_on_another_device_loses_nothing(app, client, setup):
    link = make_link(app, setup["case"])
    url = open_and_consent(client, link)
    page = get_page(client, url)
    client.post(url, data={"csrf_token": csrf_token(page), "answer": "often"})

    other_device = app.test_client()
    other_device.get(link)
    assert other_device.get("/p/").headers["Location"].endswith(READING.items[1].id)
    page = get_page(other_device, f"/p/questions/reading-writing/{READING.items[0].id}")
    assert page.select_one("input[value=often]").has_attr("checked")


def test_expired_and_revoked_links_close_kindly(app, client, setup):
    expired = make_link(app, setup["case"])
    revoked = make_link(app, setup["case"])
    with app.app_context():
        first, second = db.session.scalars(select(Invitation).order_by(Invitation.id)).all()
        first.expires_at = utcnow() - timedelta(minutes=1)
        second.revoked_at = utcnow()
        db.session.commit()
    for link in (expired, revoked):
        response = client.get(link)
        assert response.status_code == 410
        check_page(response.get_data(as_text=True))
        assert "This link has closed" in response.get_data(as_text=True)


def test_an_open_session_stops_when_the_worker_closes_the_link(app, client, setup):
    url = open_and_consent(client, make_link(app, setup["case"]))
    with app.app_context():
        db.session.scalars(select(Invitation)).one().revoked_at = utcnow()
        db.session.commit()
    assert client.get(url).status_code == 410


def test_worker_revokes_a_link_from_the_case_page(app, client, setup):
    link = make_link(app, setup["case"])
    sign_in_as(client, setup["intake"])
    page = get_page(client, f"/cases/{setup['case']}")
    form = page.select_one("[data-invitation] form")
    page = post_page(client, form["action"], {"csrf_token": csrf_token(page)})
    assert "The link is closed" in page.get_text()
    assert app.test_client().get(link).status_code == 410


def test_a_wrong_token_is_not_found_and_guessing_is_rate_limited(database_uri):
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_uri,
            "PARENT_LINK_RATE_LIMIT": "5 per minute",
        }
    )
    client = app.test_client()
    statuses = [client.get(f"/p/start/guess{n}").status_code for n in range(6)]
    assert statuses == [404] * 5 + [429]
    with app.app_context():
        events = list(db.session.scalars(select(AuditEvent)))
        # Anonymous denials share a row a minute, counted in `times` (access/audit.py).
        bad_links = sum(e.times for e in events if e.action == "parent.bad_link")
        assert bad_links == 5 and "rate_limit.hit" in [e.action for e in events]


def test_parent_pages_need_the_link(client):
    assert client.get("/p/").status_code == 403
    assert client.get("/p/check").status_code == 403


class TestAutosave:
    @pytest.fixture
    def parent(self, app, client, setup):
        url = open_and_consent(client, make_link(app, setup["case"]))
        token = csrf_token(get_page(client, url))
        return {"token": token, "headers": {"X-CSRFToken": token}}

    def save(self, client, parent, body, **kwargs):
        return client.post("/p/answers", json=body, headers=parent["headers"], **kwargs)

    def body(self, value="often", seq=1000, item=None):
        return {
            "questionnaire": "reading-writing",
            "item": item or READING.items[0].id,
            "value": value,
            "seq": seq,
        }

    def stored(self, app):
        with app.app_context():
            return db.session.scalars(select(Response)).one().answer_map

    def test_saves_an_answer(self, app, client, parent):
        response = self.save(client, parent, self.body())
        assert response.status_code == 200 and response.json["saved"] is True
        assert self.stored(app) == {READING.items[0].id: "often"}

    def test_an_older_save_never_overwrites_a_newer_one(self, app, client, parent):
        assert self.save(client, parent, self.body("very_often", seq=2000)).status_code == 200
        stale = self.save(client, parent, self.body("never", seq=1000))
        assert stale.status_code == 409 and stale.json["saved"] is False
        assert self.stored(app)[READING.items[0].id] == "very_often"

    @pytest.mark.parametrize(
        ("body", "status"),
        [
            ({"questionnaire": "nope", "item": "x", "value": "often", "seq": 1}, 400),
            ({"questionnaire": "reading-writing", "item": "nope", "value": "x", "seq": 1}, 400),
            (
                {
                    "questionnaire": "reading-writing",
                    "item": "rw_letters",
                    "value": "maybe",
                    "seq": 1,
                },
                400,
            ),
            (
                {
                    "questionnaire": "reading-writing",
                    "item": "rw_letters",
                    "value": "often",
                    "seq": "soon",
                },
                400,
            ),
            ([1, 2, 3], 400),
        ],
    )
    def test_bad_bodies_get_clear_400s(self, app, client, parent, body, status):
        response = self.save(client, parent, body)
        assert response.status_code == status and response.json["error"]
        assert self.stored(app) == {}

    def test_malformed_json_is_400_and_wrong_type_is_415(self, client, parent):
        response = client.post(
            "/p/answers",
            data="{not json",
            headers={**parent["headers"], "Content-Type": "application/json"},
        )
        assert response.status_code == 400
        response = client.post(
            "/p/answers",
            data="item=x",
            headers=parent["headers"],
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 415

    def test_json_without_the_csrf_header_is_refused(self, app, client, parent):
        response = client.post("/p/answers", json=self.body())
        assert response.status_code == 400
        assert self.stored(app) == {}


def test_display_options_are_remembered_for_the_link(app, client, setup):
    link = make_link(app, setup["case"])
    url = open_and_consent(client, link)
    page = get_page(client, "/p/display")
    post_page(
        client,
        "/p/display",
        {
            "csrf_token": csrf_token(page),
            "text": "large",
            "spacing": "wide",
            "background": "cream",
            "font": "readable",
        },
    )
    other_device = app.test_client()
    other_device.get(link)
    page = get_page(other_device, url)
    classes = page.html["class"]
    for name in (
        "app-display--text-large",
        "app-display--spacing-wide",
        "app-display--background-cream",
        "app-display--font-readable",
    ):
        assert name in classes


def test_cli_prints_a_working_link(app, setup):
    result = app.test_cli_runner().invoke(
        args=["invite-link", str(setup["case"]), "reading-writing"]
    )
    assert result.exit_code == 0, result.output
    link = result.output.strip()
    assert link.startswith("http://127.0.0.1:5000/p/start/")
    response = app.test_client().get(link.removeprefix("http://127.0.0.1:5000"))
    assert response.status_code == 302 and response.headers["Location"] == "/p/"
    bad = app.test_cli_runner().invoke(args=["invite-link", "999", "reading-writing"])
    assert bad.exit_code != 0 and "There is no case 999" in bad.output


class PseudoTranslations(NullTranslations):
    """Marks every translated string, so untranslated (hard-coded) text stands out."""

    def gettext(self, message):
        return f"⟦{message}⟧"

    def ngettext(self, singular, plural, n):
        return f"⟦{singular if n == 1 else plural}⟧"

    ugettext, ungettext = gettext, ngettext


def untranslated_text(html: str) -> list[str]:
    from bs4 import BeautifulSoup

    page = BeautifulSoup(html, "html.parser")
    for tag in page(["script", "style"]):
        tag.decompose()
    found = []
    for text in page.body.find_all(string=True):
        rest = re.sub(r"⟦.*?⟧", "", " ".join(text.split()), flags=re.S)
        if re.search(r"[A-Za-z]", rest):
            found.append(rest)
    title = re.sub(r"⟦.*?⟧", "", page.title.get_text())
    if re.search(r"[A-Za-z]", title):
        found.append(f"<title>{title}")
    return found


def test_pseudo_locale_finds_no_hard_coded_parent_text(app, client, setup, monkeypatch):
    import flask_babel

    monkeypatch.setattr(flask_babel.Domain, "get_translations", lambda self: PseudoTranslations())
    link = make_link(app, setup["case"])
    client.get(link)
    pages = {}
    page_html = client.get("/p/").get_data(as_text=True)
    pages["start"] = page_html
    pages["start with error"] = client.post(
        "/p/", data={"csrf_token": csrf_token(check_page(page_html))}
    ).get_data(as_text=True)
    client.post("/p/", data={"csrf_token": csrf_token(check_page(page_html)), "agree": "y"})
    first = f"/p/questions/reading-writing/{READING.items[0].id}"
    pages["question"] = client.get(first).get_data(as_text=True)
    pages["question with error"] = client.post(
        first, data={"csrf_token": csrf_token(check_page(page_html))}
    ).get_data(as_text=True)
    for name, url in (
        ("check", "/p/check"),
        ("display", "/p/display"),
        ("save for later", "/p/save-for-later"),
        ("help", "/p/help"),
    ):
        pages[name] = client.get(url).get_data(as_text=True)
    problems = {name: untranslated_text(html) for name, html in pages.items()}
    assert not any(problems.values()), problems


def test_the_pseudo_locale_check_catches_a_hard_coded_string():
    html = "<html><head><title>⟦Hi⟧</title></head><body><p>⟦Fine⟧</p><p>Oops</p></body></html>"
    assert untranslated_text(html) == ["Oops"]


def test_parent_states_preferences_including_a_typed_language_and_they_shape_the_plan(
    app, client, setup
):
    preferences = builtin_library().get("communication-preferences")
    link = make_link(app, setup["case"], [preferences])
    url = open_and_consent(client, link)
    wanted = {"cp_contact": "text", "cp_read_aloud": "yes", "cp_interpreter": "spoken"}
    while url != "/p/check":
        page = get_page(client, url)
        item_id = url.rsplit("/", 1)[1]
        item = preferences.item(item_id)
        if item.type == "text":
            assert page.select_one("input#answer[type=text]") is not None
            page = post_page(client, url, {"csrf_token": csrf_token(page), "answer": " "})
            assert "Type an answer. Or choose I'd rather not say." in page.get_text()
            data = {"answer": "Polish"}
        elif item_id in wanted:
            data = {"answer": wanted[item_id]}
        else:
            data = {"skip": "y"}  # the skip button works on radio pages too
            page = post_page(client, url, {"csrf_token": csrf_token(page)})
            assert "Choose an answer. You can choose I'd rather not say." in page.get_text()
        url = client.post(url, data={"csrf_token": csrf_token(page), **data}).headers["Location"]
    page = get_page(client, "/p/check")
    assert "Polish" in page.get_text()
    client.post("/p/check", data={"csrf_token": csrf_token(page)})
    page = get_page(client, "/p/done")
    assert "What you asked for" in page.get_text()
    assert "Yes, read letters to me" in page.get_text()

    with app.app_context():
        from webapp.storage.records import Plan

        plan = db.session.scalars(select(Plan)).one()
        proposed = {item.adjustment_id for item in plan.items}
        assert {"contact-by-text", "read-documents-aloud", "language-interpreter"} <= proposed
        answers = db.session.scalars(select(Response)).one().answer_map
        assert answers["cp_language"] == "Polish"
        assert answers["cp_phone_first"] == "skip"


def test_a_safety_answer_shows_help_at_once_and_alerts_the_worker(app, client, setup):
    mood = builtin_library().get("mood-worry")
    link = make_link(app, setup["case"], [mood])
    open_and_consent(client, link)
    url = "/p/questions/mood-worry/mo_hurt_self"
    page = get_page(client, url)
    response = client.post(url, data={"csrf_token": csrf_token(page), "answer": "some_days"})
    assert response.headers["Location"].startswith("/p/help")
    page = get_page(client, response.headers["Location"])
    text = page.get_text(" ")
    assert "We have told your social worker" in text
    assert "Call 999." in text and "116 123" in text
    # The crisis numbers are tap-to-call links now, so the way on is found by its test id.
    assert page.select_one("[data-testid=next-question]")["href"].startswith("/p/")

    with app.app_context():
        case = db.session.get(Case, setup["case"])
        assert case.critical_alert and case.review_state == "awaiting"
        actions = [e.action for e in db.session.scalars(select(AuditEvent))]
        assert "parent.critical_answer" in actions

    worker = app.test_client()
    sign_in_as(worker, setup["intake"])
    alert = get_page(worker, f"/cases/{setup['case']}").select_one("[data-testid=safety-alert]")
    assert "needs a safety check today" in alert.get_text()

    # The help page never sends a parent to another site.
    page = get_page(client, "/p/help?next=https://evil.example/")
    assert page.select_one("[data-testid=next-question]")["href"].startswith("/p/")


def test_back_from_the_first_question_shows_the_start_page_again(app, client, setup):
    url = open_and_consent(client, make_link(app, setup["case"]))
    back = get_page(client, url).select_one(".govuk-back-link")["href"]
    assert get_page(client, back).h1.get_text() == "Questions about you"


def test_a_sequence_number_beyond_javascripts_safe_range_is_refused(app, client, setup):
    url = open_and_consent(client, make_link(app, setup["case"]))
    token = csrf_token(get_page(client, url))
    body = {"questionnaire": "reading-writing", "item": READING.items[0].id, "value": "often"}
    ok = client.post(
        "/p/answers", json={**body, "seq": 1_700_000_000_000}, headers={"X-CSRFToken": token}
    )
    assert ok.status_code == 200  # a millisecond timestamp fits
    too_big = client.post("/p/answers", json={**body, "seq": 2**53}, headers={"X-CSRFToken": token})
    assert too_big.status_code == 400
