"""The fields every form builds the same way: a GOV.UK input whose answer is trimmed, with
the Design System's words when it is too long, and radios that must be answered."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovTextArea, GovTextInput
from wtforms import RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length


def trimmed(value):
    """A typed answer without its leading and trailing spaces; anything else as it came."""
    return value.strip() if isinstance(value, str) else value


def at_most(what: str, most: int) -> Length:
    """The length check, worded "<what> must be <most> characters or fewer"."""
    return Length(max=most, message=f"{what} must be {most} characters or fewer")


def text_input(label: str, *validators, **kwargs) -> StringField:
    """A one-line GOV.UK text input, trimmed, checked by ``validators``."""
    return StringField(
        label, filters=[trimmed], widget=GovTextInput(), validators=list(validators), **kwargs
    )


def text_area(label: str, *validators, **kwargs) -> TextAreaField:
    """A GOV.UK textarea, trimmed, checked by ``validators``."""
    return TextAreaField(
        label, filters=[trimmed], widget=GovTextArea(), validators=list(validators), **kwargs
    )


def radios(label: str, choices: dict[str, str], required: str) -> RadioField:
    """GOV.UK radios, one a choice (value: words), with ``required`` when none is chosen."""
    return RadioField(
        label,
        widget=GovRadioInput(),
        choices=[SelectChoice(value, words) for value, words in choices.items()],
        validators=[InputRequired(required)],
    )
