"""No personal data in logs: plant canary values, run the journeys with every logger at DEBUG,
and search everything logged (the test run's own log capture included)."""

from __future__ import annotations

import logging

from tests.factories import create_team, create_user, sign_in_as
from tests.pages import csrf_token, get_page

CANARY_NAME = "Zebedee Canaryfield"
CANARY_PHONE = "07400 955 555"
CANARY_LANGUAGE = "Canarylandish"


def test_canary_values_never_reach_a_log(app, client, caplog):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    with app.app_context():
        team = create_team()
        sign_in_as(client, create_user(role="intake", team=team).get_id())
    caplog.set_level(logging.DEBUG)
    for name in ("werkzeug", "sqlalchemy", "sqlalchemy.engine", "flask_limiter", "webapp"):
        logging.getLogger(name).setLevel(logging.DEBUG)

    page = get_page(client, "/cases/new")
    response = client.post(
        "/cases/new",
        data={
            "csrf_token": csrf_token(page),
            "parent_name": CANARY_NAME,
            "phone": CANARY_PHONE,
            "contact_method": "phone",
            "language": CANARY_LANGUAGE,
        },
    )
    case_url = response.headers["Location"]
    page = get_page(client, f"{case_url}/screenings/new")
    response = client.post(
        f"{case_url}/screenings/new",
        data={
            "csrf_token": csrf_token(page),
            "questionnaire": "communication-preferences",
            "mode": "with-worker",
            "consent": "in_person",
        },
    )
    url = response.headers["Location"]
    while "/questions/" in url:
        page = get_page(client, url)
        answer = (
            {"answer": CANARY_LANGUAGE}
            if page.select_one("input#answer[type=text]")
            else {"answer": page.select("input[name=answer]")[0]["value"]}
        )
        response = client.post(url, data={"csrf_token": csrf_token(page), **answer})
        assert response.status_code == 302, (url, response.get_data(as_text=True)[-3000:])
        url = response.headers["Location"]
    page = get_page(client, url)
    client.post(url, data={"csrf_token": csrf_token(page)})
    get_page(client, "/cases")
    client.post(
        "/cases", data={"csrf_token": csrf_token(get_page(client, "/cases")), "search": CANARY_NAME}
    )
    get_page(client, "/cases")  # the search page with the canary as the search term
    client.get(f"{case_url}/plan/staff.pdf")

    logged = [record.getMessage() for record in caplog.records]
    assert logged, "nothing was logged: the check would prove nothing"
    assert any("/cases" in line for line in logged) or any("SELECT" in line for line in logged), (
        "expected request or query logs"
    )
    for canary in (CANARY_NAME, CANARY_PHONE, CANARY_LANGUAGE):
        found = [line for line in logged if canary.lower() in line.lower()]
        assert not found, f"{canary!r} was logged: {found[:3]}"
