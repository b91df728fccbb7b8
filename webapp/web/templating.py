"""Template filters and globals: our content in the page's language, answers as their pages
show them, tap-to-call links, and the error summary."""

from __future__ import annotations

from flask_babel import gettext
from govuk_frontend_wtf.main import wtforms_errors
from govuk_frontend_wtf.wtforms_widgets import GovDateInput

from questionnaires import SKIP, Item
from screening import builtin_content
from webapp.services.consent import consent_summary
from webapp.services.plain_names import (
    points_per_answer,
    questionnaire_name,
    scorecard_name,
    scorecard_name_of,
)
from webapp.services.referral_summary import nhs_number_shown
from webapp.services.safety import dial_string


def content_text(text: str | None) -> str | None:
    """Our questionnaire content in the page's language. Content is passed to gettext as a
    key with no formatting, so a "%" in a prompt (ours or an imported questionnaire's) is
    shown as it is; the result is plain text, escaped by the template like any other."""
    return gettext(text) if text else text


def answer_text(item: Item, value: str | None) -> str:
    """An answer as its page shows it: our option's words translated, the parent's own words
    exactly as they typed them."""
    if value is None:
        return gettext("Not answered")
    if value == SKIP:
        return gettext("I'd rather not say")
    option = item.option(value)
    return gettext(option.label) if option is not None else value


def tel_href(number: str) -> str:
    """A tap-to-call link for a phone number written for people ("020 7946 0000")."""
    return "tel:" + dial_string(number)


DATE_PARTS = ("day", "month", "year")


def date_problem_part(raw_data: list[str] | None) -> str:
    """Which box of a day, month and year date holds the problem: the first one left empty,
    else the first that is not a number, else a year without 4 numbers; else (no date, or a
    date that does not exist) the day."""
    parts = [(part or "").strip() for part in (raw_data or [])[:3]]
    parts += [""] * (3 - len(parts))
    if any(parts):
        for name, part in zip(DATE_PARTS, parts, strict=True):
            if not part:
                return name
        for name, part in zip(DATE_PARTS, parts, strict=True):
            if not (part.isascii() and part.isdigit()):
                return name
        if len(parts[2]) != 4:
            return "year"
    return "day"


def error_summary(form, params: dict | None = None) -> dict:
    """govuk_frontend_wtf's error summary, but a date's link goes to the box with the
    problem (the Design System's rule), not to the date's wrapper, which is not an input."""
    summary = wtforms_errors(form, params or {})
    dates = {f"#{field.id}": field for field in form if isinstance(field.widget, GovDateInput)}
    for error in summary["errorList"]:
        field = dates.get(error["href"])
        if field is not None:
            # The widget names its three inputs after the field's name: "<name>-day".
            error["href"] = f"#{field.name}-{date_problem_part(field.raw_data)}"
    return summary


def register_template_helpers(app) -> None:
    app.jinja_env.filters["content"] = content_text
    app.jinja_env.filters["tel"] = tel_href
    app.jinja_env.filters["nhs_number"] = nhs_number_shown
    app.jinja_env.globals["answer_text"] = answer_text
    app.jinja_env.globals["error_summary"] = error_summary
    app.jinja_env.globals.update(
        flag_levels=builtin_content().flag_levels,
        scorecard_name=scorecard_name,
        scorecard_name_of=scorecard_name_of,
        questionnaire_name=questionnaire_name,
        points_per_answer=points_per_answer,
    )
    # The clinician's review page says whether the parent agreed to sharing and to referrals.
    app.jinja_env.globals["consent_summary"] = consent_summary
    app.jinja_env.globals["catalogue_pathways"] = builtin_content().pathways
