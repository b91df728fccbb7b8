"""Instruments as data: the questionnaire schema, a loader with clear errors, and the built-in
easy-read library. Nothing here imports Flask, SQLAlchemy or other packages of ours."""

from questionnaires.errors import ContentError, Problem, QuestionnaireError
from questionnaires.library import Library, builtin_library
from questionnaires.loader import load_questionnaire, parse_questionnaire
from questionnaires.schema import SKIP, EnableWhen, Item, Option, Questionnaire, Section

__all__ = [
    "ContentError",
    "SKIP",
    "EnableWhen",
    "Item",
    "Library",
    "Option",
    "Problem",
    "Questionnaire",
    "QuestionnaireError",
    "Section",
    "builtin_library",
    "load_questionnaire",
    "parse_questionnaire",
]
