"""One vocabulary for flag levels: the case list, its filters, the result card, the review
queue and the API's labels all name a level the same way (screening/content/flag_levels.yaml)."""

from __future__ import annotations

import re
import shutil

import pytest

from screening import builtin_content
from screening.content import CONTENT_DIR, ContentError, load_content
from tests.factories import create_team, create_user, sign_in_as
from tests.pages import csrf_token, get_page
from tests.webapp.views.test_referral_flow import answer_all, open_case

# The other names one idea went by before: none may come back on a staff page.
OTHER_NAMES = re.compile(r"\bLikely\b|\bPossible\b|\bconsider an assessment\b|\bFlagged\b")


@pytest.fixture
def people(app):
    with app.app_context():
        team = create_team(name="North")
        return {
            "intake": create_user(role="intake", team=team).get_id(),
            "clinician": create_user(role="clinician", team=team).get_id(),
        }


def main_text(page) -> str:
    return " ".join(page.select_one("main").get_text(" ").split())


def test_every_page_names_a_likely_flag_the_same_way(client, people):
    sign_in_as(client, people["intake"])
    case_url = open_case(client)
    check_url = answer_all(client, case_url, lambda item: item.option_values[-1])
    page = get_page(client, check_url)
    result_url = client.post(check_url, data={"csrf_token": csrf_token(page)}).headers["Location"]
    label = builtin_content().flag_levels["likely"].label
    assert label == "Many signs"

    result = get_page(client, result_url)
    assert result.select_one("[data-flag=likely]").get_text(strip=True) == label
    assert "May need an assessment for reading difficulties" in main_text(result)
    cases = get_page(client, "/cases")
    assert label in cases.select_one("tbody").get_text()
    filters = [a.get_text(strip=True) for a in cases.select("main a[href*='flag=']")]
    assert {"Many signs", "Some signs", "Few signs"} <= set(filters), filters
    sign_in_as(client, people["clinician"])
    queue = get_page(client, "/review")
    assert label in queue.select_one("tbody").get_text()
    for page in (result, cases, queue):
        assert not OTHER_NAMES.findall(main_text(page)), OTHER_NAMES.findall(main_text(page))


def test_a_flag_level_without_a_name_is_refused(tmp_path):
    directory = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, directory)
    levels = directory / "flag_levels.yaml"
    levels.write_text(levels.read_text().replace("possible: {label: Some signs, tag: yellow}", ""))
    with pytest.raises(ContentError) as caught:
        load_content(directory)
    assert "flag level 'possible' needs a label and a tag" in str(caught.value)


def test_the_other_names_check_catches_them():
    assert OTHER_NAMES.findall("Likely Possible Flagged consider an assessment") == [
        "Likely",
        "Possible",
        "Flagged",
        "consider an assessment",
    ]
