"""Walking a parent's journey in the browser: the answer each page gets, and a fresh link."""

from __future__ import annotations

from questionnaires import Item, Questionnaire
from tests.factories import create_case, create_team
from webapp.extensions import db
from webapp.services.invitations import create_invitation


def gate_opening_answer(questionnaire: Questionnaire, item: Item) -> str | None:
    """An answer to ``item`` that opens a later question waiting on it, if one does: a walk
    that gives it reaches every follow-up question."""
    for later in questionnaire.items:
        for condition in later.enable_when:
            if condition.item == item.id:
                return sorted(condition.values)[0]
    return None


def choice_for(questionnaire: Questionnaire, item: Item) -> str:
    return gate_opening_answer(questionnaire, item) or item.option_values[0]


def fresh_link(app, base_url: str, questionnaires: list[Questionnaire]) -> str:
    with app.app_context():
        case = create_case(team=create_team())
        _invitation, token = create_invitation(case, questionnaires, None)
        db.session.remove()
    return f"{base_url}/p/start/{token}"
