"""Every item type, as a parent answers it: typed text, whole numbers and decimals checked by
one rule on the page post and the autosave, the parent's own words shown as typed everywhere,
a count that never jumps, section introductions, and kind pages that say who to call."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from questionnaires import builtin_library
from tests.factories import create_case, create_team, create_user, sign_in_as
from tests.pages import csrf_token, get_page, post_page
from tests.webapp.views.test_parent_journey import make_link, open_and_consent
from webapp.extensions import db
from webapp.storage.records import Case, Invitation, Response, Team, User, utcnow

FIXTURES = Path(__file__).resolve().parents[2] / "questionnaires" / "fhir_fixtures"
TYPED = 'Urdu, about 50% of the time "mostly" <b>not bold</b> & it\'s <script>x</script>'
LIBRARY = builtin_library()


@pytest.fixture
def worker(app):
    with app.app_context():
        team = create_team(name="North")
        team.phone = "020 7946 0000"
        user = create_user(role="intake", team=team)
        user.name = "Isla O'Neil"
        case = create_case(team=team)
        case.created_by_id = case.assigned_to_id = user.id
        db.session.commit()
        return {"user": user.get_id(), "case": case.id, "team": team.id}


def imported_item_types(app):
    result = app.test_cli_runner().invoke(
        args=["import-questionnaire", str(FIXTURES / "item-types.json")]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        from webapp.services.content_library import questionnaire_library

        return questionnaire_library().get("placeholder_item_types")


def answer(client, url, data) -> tuple[int, str, str]:
    """Post one question page: (status, where it went or the page's error, the page)."""
    page = get_page(client, url)
    response = client.post(url, data={"csrf_token": csrf_token(page), **data})
    if response.status_code == 302:
        return 302, response.headers["Location"], ""
    html = response.get_data(as_text=True)
    error = check_error(html)
    return response.status_code, error, html


def check_error(html: str) -> str:
    from tests.pages import check_page

    page = check_page(html)
    message = page.select_one(".govuk-error-message")
    return " ".join(message.get_text(" ").split()).removeprefix("Error: ") if message else ""


PAGE_CASES = [
    # (question, posted, the parent's words for the problem, or None when it is kept)
    ("name-used", {"answer": "   "}, "Type an answer. Or choose I'd rather not say."),
    ("name-used", {"answer": "x" * 501}, "Your answer is too long. Use 500 letters or fewer."),
    ("name-used", {"answer": TYPED}, None),
    ("children", {"answer": "abc"}, "Type a number, like 3."),
    ("children", {"answer": "2.5"}, "Type a whole number, like 3."),
    ("children", {"answer": "21"}, "Type a number from 0 to 20."),
    ("children", {"answer": "9" * 400}, "Type a number from 0 to 20."),
    ("children", {"answer": " 3 "}, None),
    ("hours-sleep", {"answer": "nan"}, "Type a number, like 2.5."),
    ("hours-sleep", {"answer": "1e5"}, "Type a number, like 2.5."),
    ("hours-sleep", {"answer": "24.5"}, "Type a number from 0 to 24."),
    ("hours-sleep", {"answer": "7.5"}, None),
    ("has-help", {"answer": "maybe"}, "Choose one of the answers on the page."),
    ("has-help", {"answer": "yes"}, None),
    ("who-helps", {"skip": "y", "answer": "ignored"}, None),
    ("how-tired", {}, "Choose an answer. You can choose I'd rather not say."),
    ("how-tired", {"answer": "bit"}, None),
]
STORED = {
    "name-used": TYPED,
    "children": "3",
    "hours-sleep": "7.5",
    "has-help": "yes",
    "who-helps": "skip",
    "how-tired": "bit",
}


def test_every_item_type_by_page_post(app, client, worker):
    questionnaire = imported_item_types(app)
    open_and_consent(client, make_link(app, worker["case"], [questionnaire]))
    for item_id, data, problem in PAGE_CASES:
        url = f"/p/questions/{questionnaire.id}/{item_id}"
        status, said, _page = answer(client, url, data)
        if problem is None:
            assert status == 302, (item_id, data, said)
        else:
            assert (status, said) == (200, problem), (item_id, data)
    with app.app_context():
        assert db.session.scalars(select(Response)).one().answer_map == STORED


def test_every_item_type_by_autosave_with_the_same_words(app, client, worker):
    questionnaire = imported_item_types(app)
    url = open_and_consent(client, make_link(app, worker["case"], [questionnaire]))
    headers = {"X-CSRFToken": csrf_token(get_page(client, url))}
    for seq, (item_id, data, problem) in enumerate(PAGE_CASES, start=1):
        value = "skip" if "skip" in data else data.get("answer")
        body = {"questionnaire": questionnaire.id, "item": item_id, "value": value, "seq": seq}
        saved = client.post("/p/answers", json=body, headers=headers)
        if problem is None:
            assert saved.status_code == 200, (item_id, saved.json)
        else:
            assert saved.status_code == 400 and saved.json["error"] == problem, (item_id, data)
    with app.app_context():
        assert db.session.scalars(select(Response)).one().answer_map == STORED


def text_of(page, selector: str) -> str:
    return " ".join(page.select_one(selector).get_text(" ").split())


def test_the_parents_own_words_are_data_wherever_they_appear(app, client, worker):
    """A "%" or markup in an answer is shown as typed: never a server error, never HTML."""
    preferences = LIBRARY.get("communication-preferences")
    open_and_consent(client, make_link(app, worker["case"], [preferences]))
    base = "/p/questions/communication-preferences"
    assert answer(client, f"{base}/cp_interpreter", {"answer": "spoken"})[0] == 302
    assert answer(client, f"{base}/cp_language", {"answer": TYPED})[0] == 302

    page = get_page(client, "/p/check")
    assert TYPED in page.get_text()
    assert page.select_one("main b") is None and page.select_one("main script") is None
    client.post("/p/check", data={"csrf_token": csrf_token(page)})
    done = get_page(client, "/p/done")
    assert TYPED in text_of(done, "[data-testid=asked-for]")
    assert done.select_one("main b") is None

    staff = app.test_client()
    sign_in_as(staff, worker["user"])
    with app.app_context():
        response = db.session.scalars(select(Response)).one()
        response_id, case_id = response.id, response.case_id
    result = get_page(staff, f"/cases/{case_id}/screenings/{response_id}/result")
    assert TYPED in text_of(result, "[data-testid=asked-for]")
    assert result.select_one("main b") is None

    with app.app_context():
        clinician = create_user(role="clinician", team=db.session.get(Team, worker["team"]))
        case = db.session.get(Case, case_id)
        case.review_state = "awaiting"
        db.session.commit()
        clinician_id = clinician.get_id()
        admin_id = create_user(role="admin", team=None).get_id()
    review = app.test_client()
    sign_in_as(review, clinician_id)
    page = get_page(review, f"/review/cases/{case_id}")
    assert TYPED in page.get_text() and page.select_one("main b") is None

    with app.app_context():
        from webapp.access.tokens import create_api_token

        token = create_api_token("case system", db.session.get(Team, worker["team"]))
    resource = client.get(
        f"/api/fhir/QuestionnaireResponse/{response_id}",
        headers={"Authorization": f"Bearer {token}"},
    ).json
    assert TYPED in strings_in(resource)

    admin = app.test_client()
    sign_in_as(admin, admin_id)
    page = get_page(admin, "/admin/subject-access")
    form = {"csrf_token": csrf_token(page), "case": f"C{case_id:06d}", "reason": "SAR 1"}
    exported = admin.post("/admin/subject-access", data={**form, "action": "json"})
    assert TYPED in strings_in(json.loads(exported.get_data()))
    pdf = admin.post("/admin/subject-access", data={**form, "action": "pdf"})
    text = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.data)).pages
    )
    assert "Urdu, about 50% of the time" in text and "<b>not bold</b>" in text


def strings_in(data) -> set[str]:
    if isinstance(data, dict):
        return set().union(*(strings_in(v) for v in data.values())) if data else set()
    if isinstance(data, list):
        return set().union(*(strings_in(v) for v in data)) if data else set()
    return {data} if isinstance(data, str) else set()


def caption(page) -> str:
    return text_of(page, "h1 .app-question-caption")


def test_the_count_never_jumps_when_a_follow_up_question_opens(app, client, worker):
    preferences = LIBRARY.get("communication-preferences")
    everyone = [item for item in preferences.items if not item.enable_when]
    open_and_consent(client, make_link(app, worker["case"], [preferences]))
    base = "/p/questions/communication-preferences"
    before = caption(get_page(client, f"{base}/cp_interpreter"))
    position = [i.id for i in everyone].index("cp_interpreter") + 1
    assert before == f"Question {position} of {len(everyone)}"
    answer(client, f"{base}/cp_interpreter", {"answer": "spoken"})
    follow_up = caption(get_page(client, f"{base}/cp_language"))
    assert follow_up == f"Question {position} of {len(everyone)}: an extra question"
    after = caption(get_page(client, f"{base}/cp_advocate"))
    assert after == f"Question {position + 1} of {len(everyone)}"


def test_a_sections_introduction_comes_before_its_first_question(app, client, worker):
    mood = LIBRARY.get("mood-worry")
    introduced = [s for s in mood.sections if s.intro]
    assert len(introduced) >= 2
    open_and_consent(client, make_link(app, worker["case"], [mood]))
    for section in mood.sections:
        first, *rest = section.items
        page = get_page(client, f"/p/questions/mood-worry/{first.id}")
        intro = page.select_one("h1 [data-testid=section-intro]")
        if section.intro:
            assert intro is not None and intro.get_text(strip=True) == section.intro
        else:
            assert intro is None
        for item in rest:
            later = get_page(client, f"/p/questions/mood-worry/{item.id}")
            assert later.select_one("[data-testid=section-intro]") is None

    # In interview mode the worker reads it out before the question.
    staff = app.test_client()
    sign_in_as(staff, worker["user"])
    page = get_page(staff, f"/cases/{worker['case']}/screenings/new")
    page = post_page(
        staff,
        f"/cases/{worker['case']}/screenings/new",
        {
            "csrf_token": csrf_token(page),
            "questionnaire": "mood-worry",
            "mode": "with-worker",
            "consent": "in_person",
        },
    )
    said = text_of(page, "[data-testid=section-intro]")
    assert said == f"Read this out first: {mood.sections[0].intro}"


def contact_on(page) -> tuple[str, str]:
    phone = page.select_one("[data-testid=team-phone] a")
    return text_of(page, "[data-testid=worker-name]"), phone["href"]


def test_start_and_confirmation_name_the_worker_and_a_number_to_tap(app, client, worker):
    preferences = LIBRARY.get("communication-preferences")
    with app.app_context():
        case = db.session.get(Case, worker["case"])
        from webapp.services.invitations import create_invitation

        _invitation, token = create_invitation(
            case, [preferences], db.session.get(User, int(worker["user"].split(":")[0]))
        )
    client.get(f"/p/start/{token}")
    start = get_page(client, "/p/")
    assert contact_on(start) == ("Your social worker is Isla O'Neil.", "tel:02079460000")
    open_and_consent(client, f"/p/start/{token}")
    base = "/p/questions/communication-preferences"
    answer(client, f"{base}/cp_contact", {"answer": "text"})
    answer(client, f"{base}/cp_read_aloud", {"answer": "yes"})
    page = get_page(client, "/p/check")
    client.post("/p/check", data={"csrf_token": csrf_token(page)})
    done = get_page(client, "/p/done")
    assert contact_on(done) == ("Your social worker is Isla O'Neil.", "tel:02079460000")
    rows = {
        text_of(row, ".govuk-summary-list__key"): text_of(row, ".govuk-summary-list__value")
        for row in done.select("[data-testid=asked-for] .govuk-summary-list__row")
    }
    contact, read = preferences.item("cp_contact"), preferences.item("cp_read_aloud")
    assert rows[contact.prompt] == contact.option("text").label
    assert rows[read.prompt] == read.option("yes").label


def test_bad_closed_and_expired_links_get_kind_pages_with_someone_to_call(app, client, worker):
    app.config["ORGANISATION_PHONE"] = "0300 123 4567"
    for url, status in (("/p/start/not-a-real-token", 404), ("/p/typo", 404), ("/p/check", 403)):
        response = client.get(url)
        assert response.status_code == status, url
        page = check_error_free(response)
        assert page.h1.get_text(strip=True) == "This link does not work"
        assert page.select_one("[data-testid=team-phone] a")["href"] == "tel:03001234567"

    link = make_link(app, worker["case"])
    with app.app_context():
        invitation = db.session.scalars(select(Invitation)).one()
        invitation.expires_at = utcnow() - timedelta(minutes=1)
        invitation.created_by_id = int(worker["user"].split(":")[0])
        db.session.commit()
    response = client.get(link)
    assert response.status_code == 410
    page = check_error_free(response)
    assert page.h1.get_text(strip=True) == "This link has closed"
    assert contact_on(page) == ("Your social worker is Isla O'Neil.", "tel:02079460000")


def check_error_free(response):
    from tests.pages import check_page

    return check_page(response.get_data(as_text=True))


def test_check_your_answers_is_one_short_card_per_questionnaire(app, client, worker):
    published = [q for q in LIBRARY.latest() if q.status == "published"]
    open_and_consent(client, make_link(app, worker["case"], published))
    page = get_page(client, "/p/check")
    cards = page.select("[data-testid=answers-card]")
    assert [text_of(c, ".govuk-summary-card__title") for c in cards] == [q.title for q in published]
    for card in cards:  # every answer with its Change link, folded away until asked for
        assert card.select(".govuk-summary-list__row")
        assert all(row.find_parent("details") for row in card.select(".govuk-summary-list__row"))
    for details in page.select("details"):
        details.decompose()
    visible = len(page.select_one("main").get_text(" ").split())
    assert visible < 40 * len(published), visible


def test_the_parents_copy_of_the_plan_says_who_to_contact(app, worker):
    staff = app.test_client()
    sign_in_as(staff, worker["user"])
    with app.app_context():
        from webapp.services.plans import agree_plan, editable_plan

        case = db.session.get(Case, worker["case"])
        plan = editable_plan(case)
        agree_plan(plan, db.session.get(User, int(worker["user"].split(":")[0])))
    pdf = staff.get(f"/cases/{worker['case']}/plan/easy-read.pdf")
    text = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.data)).pages
    )
    assert "Your social worker is Isla O'Neil." in text
    assert "020 7946 0000" in text
