"""Banners of the right kind: the green "Done" banner only for a step that succeeded."""

from __future__ import annotations

from questionnaires import builtin_library
from tests.factories import create_case, create_team, create_user, sign_in_as
from tests.pages import check_page, csrf_token, get_page
from webapp.extensions import db
from webapp.services.invitations import create_invitation
from webapp.storage.records import Invitation


def banners(page) -> dict[str, str]:
    return {
        banner["data-banner"]: " ".join(banner.get_text(" ").split())
        for banner in page.select("[data-banner]")
    }


def test_sign_in_to_see_this_page_is_a_notice_not_a_success(client):
    page = get_page(client, "/cases", follow=True)
    assert banners(page) == {"info": "Important Sign in to see this page."}
    assert page.select_one(".govuk-notification-banner--success") is None


def test_a_refused_step_is_a_problem_and_a_done_step_a_success(app, client):
    with app.app_context():
        team = create_team(name="North")
        worker = create_user(role="intake", team=team)
        case = create_case(team=team)
        invitation, _token = create_invitation(
            case, [builtin_library().get("reading-writing")], worker
        )
        ids = {"worker": worker.get_id(), "case": case.id, "invitation": invitation.id}
    sign_in_as(client, ids["worker"])
    case_url = f"/cases/{ids['case']}"
    page = get_page(client, f"{case_url}/screenings/new")
    response = client.post(
        f"{case_url}/screenings/new",
        data={
            "csrf_token": csrf_token(page),
            "questionnaire": "reading-writing",
            "mode": "paper",
            "consent": "in_writing",
        },
    )
    check_url = response.headers["Location"].rsplit("/questions/", 1)[0] + "/check"
    page = get_page(client, check_url)
    page = check_page(
        client.post(check_url, data={"csrf_token": csrf_token(page)}).get_data(as_text=True)
    )
    found = banners(page)
    assert list(found) == ["error"] and "Answer every question first" in found["error"]
    assert page.select_one("[role=alert][data-banner=error]") is not None

    page = get_page(client, case_url)
    response = client.post(
        f"{case_url}/invitations/{ids['invitation']}/revoke",
        data={"csrf_token": csrf_token(page)},
        follow_redirects=True,
    )
    found = banners(check_page(response.get_data(as_text=True)))
    assert found == {"success": "Done The link is closed. The parent can no longer use it."}
    with app.app_context():
        assert db.session.get(Invitation, ids["invitation"]).revoked_at is not None
