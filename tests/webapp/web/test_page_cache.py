"""Stored question pages (webapp/web/page_cache.py) are exactly the pages a fresh render gives, and
never carry another parent's CSRF token or another request's CSP nonce."""

from __future__ import annotations

import itertools
import re

import pytest

from questionnaires import builtin_library
from tests.factories import create_case, create_team
from tests.pages import csrf_token, get_page
from webapp.extensions import db
from webapp.services.invitations import create_invitation
from webapp.storage.records import Case

ALL = builtin_library().latest()  # every built-in questionnaire, as a worker offers them
TEAMS = itertools.count(1)


def make_link(app, questionnaires=ALL) -> str:
    with app.app_context():
        team = create_team(name=f"Team {next(TEAMS)}")
        case = create_case(team=team)
        _invitation, token = create_invitation(db.session.get(Case, case.id), questionnaires, None)
        return f"/p/start/{token}"


def consent(client, link: str) -> str:
    client.get(link)
    page = get_page(client, "/p/")
    return client.post("/p/", data={"csrf_token": csrf_token(page), "agree": "y"}).headers[
        "Location"
    ]


def normalised(html: str) -> str:
    """The page with this request's token and nonce replaced, so two requests compare."""
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    nonce = re.search(r'nonce="([^"]+)"', html).group(1)
    return html.replace(token, "TOKEN").replace(nonce, "NONCE")


def fresh(app, client, url: str) -> str:
    size = app.config["PAGE_CACHE_SIZE"]
    app.config["PAGE_CACHE_SIZE"] = 0
    try:
        return client.get(url).get_data(as_text=True)
    finally:
        app.config["PAGE_CACHE_SIZE"] = size


def stale_pages(app, client, urls) -> list[str]:
    """Every URL whose served page differs from a fresh render of it."""
    stale = []
    for url in urls:
        served = client.get(url).get_data(as_text=True)
        if normalised(served) != normalised(fresh(app, client, url)):
            stale.append(url)
    return stale


def walk(client, first: str, answer_with=None) -> list[str]:
    """Every question page from the first to the check page, answering each as told
    (default: skip), so gates open or stay closed."""
    urls, url = [], first
    while url.startswith("/p/questions/"):
        urls.append(url)
        page = get_page(client, url)
        radios = [r["value"] for r in page.select("input[name=answer][type=radio]")]
        data = {"csrf_token": csrf_token(page)}
        if radios and answer_with is not None:
            data["answer"] = radios[answer_with(len(urls)) % len(radios)]
        else:
            data["skip"] = "y"
        response = client.post(url, data=data)
        url = response.headers["Location"]
        if url.startswith("/p/help"):  # a safety answer shows help first
            url = url.split("next=", 1)[1].replace("%2F", "/")
    return urls


def test_served_question_pages_equal_a_fresh_render_whatever_was_answered_or_chosen(app):
    client = app.test_client()
    first = consent(client, make_link(app))
    urls = walk(client, first)  # every page stored once, nothing answered
    assert len(urls) >= 50
    assert stale_pages(app, client, urls) == []
    # Answers change the checked radio (and gates change the count): still exact.
    urls = walk(client, first, answer_with=lambda n: n)
    assert stale_pages(app, client, urls) == []
    # Display options change the page's classes.
    page = get_page(client, "/p/display")
    client.post(
        "/p/display",
        data={
            "csrf_token": csrf_token(page),
            "text": "large",
            "spacing": "wide",
            "background": "blue",
            "font": "readable",
        },
    )
    assert stale_pages(app, client, urls[:5]) == []
    assert len(app.extensions["rendered_pages"]) > len(urls)


def test_a_stored_page_carries_this_parent_s_token_and_this_request_s_nonce(app):
    first_parent, second_parent = app.test_client(), app.test_client()
    reading = [builtin_library().get("reading-writing")]
    url = consent(first_parent, make_link(app, reading))
    assert consent(second_parent, make_link(app, reading)) == url
    first_page = first_parent.get(url).get_data(as_text=True)
    second_page = second_parent.get(url).get_data(as_text=True)  # served from the store
    first_token = csrf_token(get_page(first_parent, url))
    second_token = csrf_token(get_page(second_parent, url))
    assert first_token not in second_page and second_token in second_page
    first_nonce = re.search(r'nonce="([^"]+)"', first_page).group(1)
    assert first_nonce not in second_page
    response = second_parent.post(url, data={"csrf_token": second_token, "answer": "often"})
    assert response.status_code == 302  # the token works


@pytest.mark.parametrize("dropped", ["answer", "display"])
def test_the_check_catches_a_key_that_forgets_what_the_page_shows(app, monkeypatch, dropped):
    """Shown once: if the key left out the saved answer or the display options, a stale page
    would be served, and stale_pages finds it."""
    import webapp.views.parent
    from webapp.web.page_cache import render_once

    def forgetful(key, render):
        # key = (what the page is, the shown answer, the display classes)
        kept = key[:1] + key[2:] if dropped == "answer" else key[:2]
        return render_once(kept, render)

    monkeypatch.setattr(webapp.views.parent, "render_once", forgetful)
    client = app.test_client()
    reading = [builtin_library().get("reading-writing")]
    first = consent(client, make_link(app, reading))
    urls = walk(client, first)
    if dropped == "answer":
        walk(client, first, answer_with=lambda n: 0)
    else:
        page = get_page(client, "/p/display")
        client.post(
            "/p/display",
            data={"csrf_token": csrf_token(page), "text": "large", "spacing": "standard"}
            | {"background": "cream", "font": "standard"},
        )
    assert stale_pages(app, client, urls) != []
