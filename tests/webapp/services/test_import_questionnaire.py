"""Importing a questionnaire: checked with clear errors, never changed in place, and usable at
once by workers and in the parent's journey."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.factories import create_case, create_team, create_user, sign_in_as
from tests.pages import csrf_token, get_page
from webapp.extensions import db
from webapp.storage.records import Case

QUESTIONNAIRE = textwrap.dedent("""\
    id: local-sleep
    version: "1.0"
    status: published
    kind: indicator
    title: Sleep
    domains: [mood]
    sections:
      - id: main
        title: Sleep
        items:
          - id: ls_sleep
            prompt: Placeholder item one
            hint: Placeholder hint.
            summary: placeholder one
            options:
              - {value: no, label: "No"}
              - {value: yes, label: "Yes"}
          - id: ls_tired
            type: integer
            prompt: Placeholder item two
            hint: A number.
            min: 0
            max: 24
    """)
SCORECARD = textwrap.dedent("""\
    id: local-sleep-expert
    version: "1"
    domain: mood
    questionnaires: [local-sleep@1.0]
    items:
      ls_sleep: {points: {yes: 1}}
    bands:
      - {name: none, label: Few signs, min: 0, flag: none}
      - {name: likely, label: Many signs, min: 1, flag: likely}
    """)


@pytest.fixture
def files(tmp_path):
    questionnaire = tmp_path / "sleep.yaml"
    questionnaire.write_text(QUESTIONNAIRE)
    scorecard = tmp_path / "sleep-card.yaml"
    scorecard.write_text(SCORECARD)
    return questionnaire, scorecard


def run(app, *args):
    return app.test_cli_runner().invoke(args=["import-questionnaire", *map(str, args)])


def parent_at_first_question(app, case_id: int, questionnaire_id: str):
    """A parent who opened a fresh link (from `flask invite-link`) and agreed to start: their
    client and the first question's address."""
    link = app.test_cli_runner().invoke(args=["invite-link", str(case_id), questionnaire_id])
    parent = app.test_client()
    parent.get(link.output.strip().removeprefix("http://127.0.0.1:5000"))
    page = get_page(parent, "/p/")
    agreed = parent.post("/p/", data={"csrf_token": csrf_token(page), "agree": "y"})
    return parent, agreed.headers["Location"]


def test_an_imported_questionnaire_is_used_by_workers_and_parents(app, files):
    questionnaire, scorecard = files
    result = run(app, questionnaire, "--scorecard", scorecard)
    assert result.exit_code == 0, result.output
    assert "Imported local-sleep@1.0 (Sleep) with 1 scorecard(s)." in result.output
    with app.app_context():
        team = create_team()
        worker = create_user(role="intake", team=team).get_id()
        case_id = create_case(team=team).id
    client = app.test_client()
    sign_in_as(client, worker)
    page = get_page(client, f"/cases/{case_id}/screenings/new")
    assert page.select_one("input[value=local-sleep]") is not None

    parent, url = parent_at_first_question(app, case_id, "local-sleep")
    page = get_page(parent, url)
    url = parent.post(url, data={"csrf_token": csrf_token(page), "answer": "yes"}).headers[
        "Location"
    ]
    page = get_page(parent, url)
    assert page.select_one("input#answer[inputmode=numeric]") is not None
    response = parent.post(url, data={"csrf_token": csrf_token(page), "answer": "25"})
    assert "Type a number from 0 to 24." in response.get_data(as_text=True)  # says the range
    url = parent.post(url, data={"csrf_token": csrf_token(page), "answer": "7"}).headers["Location"]
    page = get_page(parent, url)
    parent.post(url, data={"csrf_token": csrf_token(page)})
    with app.app_context():
        case = db.session.get(Case, case_id)
        assert case.flag_level == "likely" and case.review_state == "awaiting"


def test_a_broken_file_names_the_file_line_and_item(app, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(QUESTIONNAIRE.replace('- {value: yes, label: "Yes"}', "- {label: Yes}"))
    result = run(app, broken)
    assert result.exit_code == 1
    assert "the file was not imported" in result.output
    assert "broken.yaml:" in result.output and "item 'ls_sleep'" in result.output
    assert "an option has no value" in result.output


def test_a_version_cannot_change_in_place(app, files, tmp_path):
    questionnaire, _scorecard = files
    assert run(app, questionnaire).exit_code == 0
    assert run(app, questionnaire).exit_code == 0  # the same file again is fine
    changed = tmp_path / "changed.yaml"
    changed.write_text(QUESTIONNAIRE.replace("Placeholder item one", "Placeholder changed"))
    result = run(app, changed)
    assert result.exit_code == 1 and "give the change a new version" in result.output
    built_in = tmp_path / "reading.yaml"
    built_in.write_text(QUESTIONNAIRE.replace("local-sleep", "reading-writing"))
    assert run(app, built_in).exit_code == 1


def test_a_scorecard_that_does_not_fit_is_refused_and_nothing_is_stored(app, files, tmp_path):
    questionnaire, _scorecard = files
    bad = tmp_path / "bad-card.yaml"
    bad.write_text(SCORECARD.replace("min: 1, flag: likely", "min: 5, flag: likely"))
    result = run(app, questionnaire, "--scorecard", bad)
    assert result.exit_code == 1 and "cannot be reached" in result.output
    imported = tmp_path / "imported" / "questionnaires"
    assert not imported.exists() or not list(imported.iterdir())


def test_a_fhir_questionnaire_is_imported_with_its_scores_and_notes(app):
    from pathlib import Path

    fixture = Path(__file__).resolve().parents[2] / "questionnaires" / "fhir_fixtures"
    result = run(app, fixture / "mood-shaped.json", "--domain", "mood")
    assert result.exit_code == 0, result.output
    assert "Imported mood_shaped@2" in result.output
    assert "note: item 'when': type 'date' is not supported" in result.output
    assert "item 'total'" not in result.output  # its FHIRPath total is evaluated, not noted
    with app.app_context():
        from webapp.services.content_library import questionnaire_library, service_scorecards

        assert questionnaire_library().get("mood_shaped", "2").item("q1").hint
        card = next(c for c in service_scorecards() if c.id == "mood_shaped-fhir")
        assert card.domain == "mood" and card.max_points == 10


FHIR_FIXTURES = Path(__file__).resolve().parents[2] / "questionnaires" / "fhir_fixtures"


def test_a_fhir_questionnaire_with_referenced_value_sets_is_used_in_the_parent_journey(app):
    result = run(
        app,
        FHIR_FIXTURES / "referenced.json",
        "--domain",
        "mood",
        "--value-set",
        FHIR_FIXTURES / "value-set-separate.json",
        "--value-set",
        FHIR_FIXTURES / "value-set-bundle.json",
    )
    assert result.exit_code == 0, result.output
    assert result.output == (
        "Imported placeholder_referenced@1 (Placeholder referenced value sets).\n"
    )
    with app.app_context():
        team = create_team()
        case_id = create_case(team=team).id

    parent, url = parent_at_first_question(app, case_id, "placeholder_referenced")
    page = get_page(parent, url)
    assert "Placeholder question one" in page.get_text()
    radios = page.select("input[name=answer]")
    assert [r["value"] for r in radios] == ["s0", "s1", "s2", "skip"]  # skip: rather not say
    labels = [page.select_one(f"label[for={r['id']}]").get_text(strip=True) for r in radios[:3]]
    assert labels == ["Placeholder not at all", "Placeholder a little", "Placeholder a lot"]
    url = parent.post(url, data={"csrf_token": csrf_token(page), "answer": "s1"}).headers[
        "Location"
    ]
    page = get_page(parent, url)
    assert [r["value"] for r in page.select("input[name=answer]")] == ["n", "y", "skip"]
    assert "Placeholder yes" in page.get_text()
    url = parent.post(url, data={"csrf_token": csrf_token(page), "answer": "y"}).headers["Location"]
    page = get_page(parent, url)
    parent.post(url, data={"csrf_token": csrf_token(page)})
    with app.app_context():
        from sqlalchemy import select

        from webapp.storage.records import Result

        result = db.session.scalars(
            select(Result).where(Result.scorecard_id == "placeholder_referenced-fhir")
        ).one()
        assert (result.points, result.max_points, result.domain) == (6, 7, "mood")


def test_a_fhir_bundle_is_imported_with_notes_for_what_it_cannot_resolve(app):
    result = run(app, FHIR_FIXTURES / "bundle.json")
    assert result.exit_code == 0, result.output
    assert "Imported placeholder_bundle@1" in result.output
    assert (
        "note: item 'B3': answerValueSet http://example.org/fhir/ValueSet/placeholder-nowhere "
        "is not contained in the Questionnaire and none of the ValueSets given has that URL"
    ) in result.output
    assert (
        "note: item 'B4': answerValueSet http://example.org/fhir/ValueSet/"
        "placeholder-whole-system is a ValueSet that includes every code of the system "
        "urn:placeholder:whole-system without listing them"
    ) in result.output
    with app.app_context():
        from webapp.services.content_library import questionnaire_library, service_scorecards

        q = questionnaire_library().get("placeholder_bundle", "1")
        assert q.item("b2").option_values == ("m0", "m1", "m2")
        assert q.item("b5").type == "text"
        card = next(c for c in service_scorecards() if c.id == "placeholder_bundle-fhir")
        assert card.max_points == 3 + 4.5


def test_bad_value_set_options_are_refused_without_a_traceback(app, files, tmp_path):
    referenced = FHIR_FIXTURES / "referenced.json"
    result = run(app, referenced, "--value-set", tmp_path / "missing.json")
    assert result.exit_code == 2 and "does not exist" in result.output
    questionnaire, _scorecard = files
    separate = FHIR_FIXTURES / "value-set-separate.json"
    result = run(app, questionnaire, "--value-set", separate)
    assert result.exit_code == 2
    assert "--value-set is for a FHIR questionnaire" in result.output
    not_json = FHIR_FIXTURES / "not-json.json"
    result = run(app, referenced, "--value-set", not_json)
    assert result.exit_code == 1
    assert f"{not_json}: not readable JSON" in result.output
    changed = tmp_path / "changed.json"
    changed.write_text(separate.read_text().replace("Placeholder a lot", "Placeholder changed"))
    result = run(app, referenced, "--value-set", separate, "--value-set", changed)
    assert result.exit_code == 1
    assert "the file was not imported" in result.output
    assert (
        "ValueSet http://example.org/fhir/ValueSet/placeholder-separate is given twice with "
        f"different content: in {separate} and in {changed}"
    ) in result.output
    assert isinstance(result.exception, SystemExit) and "Traceback" not in result.output
    imported = tmp_path / "imported" / "questionnaires"
    assert not imported.exists() or not list(imported.iterdir())
