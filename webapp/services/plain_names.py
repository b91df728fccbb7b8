"""Plain names for staff pages: a scorecard or questionnaire by what it is, not its internal
id ("Expert scorecard for reading and writing, version 2", not "literacy-expert version 2"),
and a scorecard's points by the answers' own words ("Very often: 3 points")."""

from __future__ import annotations

from models import Scorecard
from screening import builtin_content
from webapp.services.content_library import questionnaire_library
from webapp.services.results import scorecard_version

MADE_BY = {"expert": "Expert scorecard", "fitted": "Locally fitted scorecard"}


def scorecard_name(card: Scorecard) -> str:
    made_by = MADE_BY.get(card.provenance, "Scorecard")
    domain = builtin_content().domains.get(card.domain)
    area = f" for {domain.name.lower()}" if domain else ""
    return f"{made_by}{area}, version {card.version}"


def scorecard_name_of(scorecard_id: str, version: str) -> str:
    """The plain name of a stored result's scorecard (kept versions included)."""
    card = scorecard_version(scorecard_id, version)
    return scorecard_name(card) if card is not None else f"An older scorecard, version {version}"


def questionnaire_name(questionnaire_id: str, version: str) -> str:
    try:
        title = questionnaire_library().get(questionnaire_id, version).title
    except KeyError:
        title = "A questionnaire no longer in the library"
    return f"{title} questionnaire, version {version}"


def _points(value: float) -> str:
    number = int(value) if float(value).is_integer() else round(value, 2)
    return f"{number} point" if number == 1 else f"{number} points"


def points_per_answer(card: Scorecard) -> list[tuple[str, str]]:
    """Each scored question and its points, answer by answer, in the words the parent saw
    (the newest questionnaire the scorecard reads)."""
    questionnaire_id, _, version = (card.questionnaires or ("",))[-1].partition("@")
    try:
        questionnaire = questionnaire_library().get(questionnaire_id, version)
        items = {i.id: i for i in questionnaire.iter_items()}
    except KeyError:
        items = {}
    rows = []
    for item_id, table in card.points.items():
        item = items.get(item_id)
        words = []
        for value, points in table.items():
            option = item.option(value) if item is not None else None
            label = option.label if option is not None else value.replace("_", " ").capitalize()
            words.append(f"{label}: {_points(points)}")
        summary = card.summaries.get(item_id, item_id.replace("_", " "))
        question = item.prompt if item is not None else summary.capitalize()
        rows.append((question, ", ".join(words)))
    return rows
