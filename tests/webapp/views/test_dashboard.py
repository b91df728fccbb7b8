"""The dashboard: screened, flagged by domain, newly flagged vs diagnosed before, waits."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from questionnaires import builtin_library
from tests.factories import consent_to_refer, create_case, create_team, create_user, sign_in_as
from tests.pages import get_page
from webapp.extensions import db
from webapp.services.questions import save_answer, start_response
from webapp.services.review import record_review
from webapp.services.scoring import submit_response
from webapp.storage.records import Case, User

READING = builtin_library().get("reading-writing")


def screen(case, user, answer_index: int) -> None:
    response = start_response(case, READING, "with-worker", user)
    for item in READING.items:
        save_answer(response, item.id, item.option_values[answer_index])
    submit_response(response, user)


def build(app) -> dict:
    """North: 4 referrals, 3 screened, 2 flagged (1 diagnosed before), 1 reviewed.
    South: 1 flagged referral that North's staff must not count."""
    with app.app_context():
        north, south = create_team(name="North"), create_team(name="South")
        worker = create_user(role="intake", team=north)
        clinician = create_user(role="clinician", team=north)
        other = create_user(role="intake", team=south)
        flagged = create_case(team=north)
        flagged.previously_diagnosed = "yes"
        screen(flagged, worker, -1)
        screen(create_case(team=north), worker, -1)
        screen(create_case(team=north), worker, 0)
        create_case(team=north)
        screen(create_case(team=south), other, -1)
        consent_to_refer(case=flagged, worker=worker)
        record_review(
            db.session.get(Case, flagged.id),
            db.session.get(User, clinician.id),
            "refer",
            {"literacy": "dyslexia-assessment"},
            "Refer",
        )
        admin = create_user(role="admin", team=None)
        return {"worker": worker.get_id(), "admin": admin.get_id(), "north": north.id}


def figure(page, name: str) -> str:
    return page.select_one(f"[data-figure={name}]").get_text(strip=True)


def test_staff_see_their_own_team(app, client):
    people = build(app)
    sign_in_as(client, people["worker"])
    page = get_page(client, "/dashboard")
    assert figure(page, "screened") == "3"
    assert "of 4 referrals screened" in page.get_text()
    assert figure(page, "any-flag") == "67%"
    assert figure(page, "newly-flagged") == "1"
    rows = {
        row.th.get_text(strip=True): row.td.get_text(strip=True)
        for row in page.select("table tbody tr")
    }
    assert rows["Reading and writing"] == "2" and rows["Mood and worry"] == "0"
    assert rows["Plans agreed"] == "0" and rows["Waiting for a clinician now"] == "1"
    svg = page.select_one("svg[role=img]")
    assert svg["aria-labelledby"] and len(svg.select("rect")) == 8


def test_admins_see_all_teams_and_download_csv(app, client):
    people = build(app)
    sign_in_as(client, people["admin"])
    page = get_page(client, "/dashboard")
    assert figure(page, "screened") == "4"
    page = get_page(client, f"/dashboard?team={people['north']}")
    assert figure(page, "screened") == "3"
    response = client.get(f"/dashboard.csv?team={people['north']}")
    rows = {
        r["measure"]: r["value"]
        for r in csv.DictReader(io.StringIO(response.get_data(as_text=True)))
    }
    assert rows["Screened"] == "3" and rows["Flagged: Reading and writing"] == "2"


def test_date_filters_and_bad_dates(app, client):
    people = build(app)
    sign_in_as(client, people["worker"])
    page = get_page(client, "/dashboard?date_from=2000-01-01&date_to=2000-12-31")
    assert figure(page, "screened") == "0"
    assert client.get("/dashboard.csv?date_from=banana").status_code == 400


def test_figures_are_cached_for_a_minute_per_team(app, client):
    people = build(app)
    app.config["DASHBOARD_CACHE_SECONDS"] = 60
    sign_in_as(client, people["worker"])
    assert figure(get_page(client, "/dashboard"), "screened") == "3"
    with app.app_context():
        from webapp.storage.records import Team

        worker = db.session.scalars(select(User).where(User.role == "intake")).first()
        screen(create_case(team=db.session.get(Team, people["north"])), worker, -1)
    page = get_page(client, "/dashboard")
    assert figure(page, "screened") == "3"  # the cached figures, with their time shown
    assert "Figures as at" in page.get_text()
    app.config["DASHBOARD_CACHE_SECONDS"] = 0
    assert figure(get_page(client, "/dashboard"), "screened") == "4"
