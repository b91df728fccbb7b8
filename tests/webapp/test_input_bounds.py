"""Bounds on input: bodies too big get 413 and a plain page; huge or odd numbers in addresses,
searches and page numbers get 404 or the page, never a 500; JSON nested too deeply is refused
by the autosave and the importer with a clear message, never a traceback; a NUL character in
a form, an address or a typed answer is dropped, never stored or a 500."""

from __future__ import annotations

import pytest

from tests.factories import create_case, create_team, create_user, sign_in_as
from tests.pages import csrf_token, get_page
from tests.webapp.views.test_parent_journey import make_link, open_and_consent
from webapp import create_app
from webapp.services.cases import case_number
from webapp.storage.states import MAX_ID

HUGE = "9" * 30


@pytest.fixture
def worker(app):
    with app.app_context():
        team = create_team(name="North")
        user = create_user(role="intake", team=team)
        case = create_case(team=team, parent_name="Avery Stone")
        case.created_by_id = case.assigned_to_id = user.id
        return {"user": user.get_id(), "case": case.id}


def test_a_body_over_the_limit_gets_413_and_a_plain_page(database_uri):
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_uri, "MAX_CONTENT_LENGTH": 1000}
    )
    client = app.test_client()
    token = csrf_token(get_page(client, "/sign-in"))
    response = client.post(
        "/sign-in", data={"csrf_token": token, "email": "a@example.test", "password": "x" * 2000}
    )
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "What you sent is too big" in page and "Traceback" not in page


def test_a_form_with_too_many_fields_gets_413(client):
    fields = {f"f{n}": "x" for n in range(600)}
    response = client.post("/sign-in", data=fields, content_type="multipart/form-data")
    assert response.status_code == 413


def test_a_form_over_the_memory_limit_gets_413(client):
    fields = {"email": "x" * (300 * 1024)}
    response = client.post("/sign-in", data=fields, content_type="multipart/form-data")
    assert response.status_code == 413


def test_the_default_limit_refuses_a_big_anonymous_post(client):
    response = client.post(
        "/sign-in", data=b"x" * (2 * 1024 * 1024), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    "path",
    [
        f"/cases/{HUGE}",
        f"/cases/{MAX_ID + 1}",
        f"/cases/1/screenings/{HUGE}/check",
        f"/review/cases/{HUGE}",
        "/cases/²",
    ],
)
def test_huge_ids_in_addresses_are_not_found(client, worker, path):
    sign_in_as(client, worker["user"])
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("search", [HUGE, "²", f"C{HUGE}", "C²", str(MAX_ID + 1)])
def test_odd_numbers_in_the_case_search_show_the_list(client, worker, search):
    sign_in_as(client, worker["user"])
    page = get_page(client, "/cases")
    posted = client.post("/cases", data={"csrf_token": csrf_token(page), "search": search})
    assert posted.status_code == 302
    assert client.get("/cases").status_code == 200  # the search is kept, and still works


@pytest.mark.parametrize("page", [HUGE, "²", "0", "-3"])
def test_odd_page_numbers_show_the_first_page(client, worker, page):
    sign_in_as(client, worker["user"])
    assert client.get(f"/cases?page={page}").status_code == 200


def test_case_numbers_stay_within_an_id():
    assert case_number("C000123") == 123
    assert case_number(str(MAX_ID)) == MAX_ID
    assert case_number(str(MAX_ID + 1)) is None
    assert case_number("²") is None


def test_the_autosave_refuses_json_nested_too_deeply(app, client, worker):
    url = open_and_consent(client, make_link(app, worker["case"]))
    headers = {"X-CSRFToken": csrf_token(get_page(client, url)), "Content-Type": "application/json"}
    deep = '{"item": ' + "[" * 50 + "]" * 50 + "}"
    for body in ("[" * 100_000 + "]" * 100_000, deep):
        response = client.post("/p/answers", data=body, headers=headers)
        assert response.status_code == 400, response.get_data(as_text=True)[:200]
        assert response.json["error"] == "The body is not a JSON object."


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("deep.json", "[" * 100_000 + "]" * 100_000),
        ("deep50.json", '{"resourceType": "Questionnaire", "item": ' + "[" * 50 + "]" * 50 + "}"),
        ("deep.yaml", "a: " + "[" * 100_000 + "]" * 100_000),
        ("deep50.yaml", "id: x\nitems: " + "[" * 50 + "]" * 50),
    ],
)
def test_the_importer_refuses_deep_files_without_a_traceback(app, tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    result = app.test_cli_runner().invoke(args=["import-questionnaire", str(path)])
    assert result.exit_code == 1, result.output
    assert "nested more than 40 levels deep" in result.output
    assert "Traceback" not in result.output and result.exception.__class__ is SystemExit


# A NUL character: no text means one, and PostgreSQL refuses it in a text column, so before
# it was dropped a pasted NUL gave whoever pasted it a 500 there (and was stored on SQLite).
def test_a_nul_in_a_staff_form_is_dropped_and_the_rest_is_kept(app, client, worker):
    from webapp.extensions import db
    from webapp.services.tasks import add_task
    from webapp.storage.records import WorkerTask

    with app.app_context():
        task = add_task(worker["case"], "phone_parent", "Phone the parent.")
        db.session.commit()
        task_id = task.id
    sign_in_as(client, worker["user"])
    url = f"/cases/{worker['case']}/tasks/{task_id}/close"
    page = get_page(client, url)
    posted = client.post(
        url,
        data={"csrf_token": csrf_token(page), "outcome": "not_needed", "note": "Call\x00ed back"},
    )
    assert posted.status_code == 302, posted.get_data(as_text=True)[:300]
    with app.app_context():
        assert db.session.get(WorkerTask, task_id).note == "Called back"


def test_a_nul_in_the_address_or_a_search_shows_the_page(client, worker):
    sign_in_as(client, worker["user"])
    assert client.get("/cases?page=%00&flag=%00").status_code == 200
    page = get_page(client, "/cases")
    posted = client.post("/cases", data={"csrf_token": csrf_token(page), "search": "Av\x00ery"})
    assert posted.status_code == 302
    assert "Avery Stone" in client.get("/cases").get_data(as_text=True)


def test_a_nul_in_a_parents_typed_answer_is_dropped_by_page_and_autosave(app, client, worker):
    from sqlalchemy import select

    from tests.webapp.views.test_parent_answers import imported_item_types
    from webapp.extensions import db
    from webapp.storage.records import Response

    questionnaire = imported_item_types(app)
    url = open_and_consent(client, make_link(app, worker["case"], [questionnaire]))
    token = csrf_token(get_page(client, url))
    page_url = f"/p/questions/{questionnaire.id}/name-used"
    posted = client.post(page_url, data={"csrf_token": token, "answer": "Ur\x00du"})
    assert posted.status_code == 302
    with app.app_context():
        assert db.session.scalars(select(Response)).one().answer_map["name-used"] == "Urdu"
    body = {"questionnaire": questionnaire.id, "item": "name-used", "value": "Po\x00lish"}
    saved = client.post("/p/answers", json=body | {"seq": 2**52}, headers={"X-CSRFToken": token})
    assert saved.status_code == 200, saved.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(Response)).one().answer_map["name-used"] == "Polish"
