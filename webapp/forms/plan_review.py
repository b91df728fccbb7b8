"""Recording the parent's answers at a plan's review: one question per adjustment on the agreed
plan (skipping allowed), each with an optional note, and the plan version the page was made
for. Its words for a wrong answer are the GOV.UK Design System's ("Select ...")."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea
from wtforms import HiddenField, RadioField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError

ANSWER_PREFIX = "answer-"
NOTE_PREFIX = "note-"
NOTE_MAX = 1000
# Control characters other than tab and line breaks: nobody types them, and PostgreSQL refuses
# a NUL in text, so they are dropped rather than stored.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean_note(value):
    return _CONTROL.sub("", value).strip() if isinstance(value, str) else value


class _AnswerField(RadioField):
    """An answer that may be skipped; a value that is not one of the answers is refused."""

    def pre_validate(self, form):
        if self.data and not any(choice.selected for choice in self._iter_choices_normalized()):
            raise ValidationError("Select one of the answers")


class _ReviewForm(FlaskForm):
    plan_version = HiddenField()
    submit = SubmitField("Save the parent's answers", widget=GovSubmitInput())

    def validate_plan_version(self, field):
        # ASCII digits only: "²" is a digit to str.isdigit but not a number to int().
        if not re.fullmatch(r"[0-9]{1,9}", field.data or ""):
            raise ValidationError("Open the plan review page again from the plan")

    def answers(self, posted: Mapping[str, str]) -> dict[str, str | None]:
        """Adjustment id -> answer code; the post's other answer-* keys are kept, so the
        service refuses an adjustment that is not on the plan rather than dropping it."""
        found: dict[str, str | None] = {
            key.removeprefix(ANSWER_PREFIX): value
            for key, value in posted.items()
            if key.startswith(ANSWER_PREFIX)
        }
        for name, field in self._fields.items():
            if name.startswith(ANSWER_PREFIX):
                found[name.removeprefix(ANSWER_PREFIX)] = field.data or None
        return found

    def notes(self) -> dict[str, str]:
        return {
            name.removeprefix(NOTE_PREFIX): (field.data or "").strip()
            for name, field in self._fields.items()
            if name.startswith(NOTE_PREFIX) and (field.data or "").strip()
        }

    def questions(self) -> list[tuple[RadioField, TextAreaField]]:
        """Each question's answer and note fields, in the plan's order."""
        return [
            (field, self[NOTE_PREFIX + name.removeprefix(ANSWER_PREFIX)])
            for name, field in self._fields.items()
            if name.startswith(ANSWER_PREFIX)
        ]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for answer, note in self.questions():
            if (note.data or "").strip() and not answer.data and not answer.errors:
                answer.errors = [
                    *answer.errors,
                    "Select an answer to keep its note, or clear the note",
                ]
                valid = False
        return valid


def review_form(
    questions: Iterable[tuple[str, str]], answer_words: Mapping[str, str], **kwargs
) -> _ReviewForm:
    """A form for these (adjustment id, question) pairs, its answers' words ``answer_words``
    (code -> words, in order)."""
    choices = [SelectChoice(code, words) for code, words in answer_words.items()]

    class ReviewForm(_ReviewForm):
        pass

    for adj_id, question in questions:
        setattr(
            ReviewForm,
            ANSWER_PREFIX + adj_id,
            _AnswerField(
                question,
                widget=GovRadioInput(),
                choices=choices,
                validators=[Optional()],
            ),
        )
        setattr(
            ReviewForm,
            NOTE_PREFIX + adj_id,
            TextAreaField(
                "What else the parent said (optional)",
                widget=GovTextArea(),
                filters=[_clean_note],
                validators=[
                    Length(max=NOTE_MAX, message=f"Note must be {NOTE_MAX} characters or fewer")
                ],
            ),
        )
    return ReviewForm(**kwargs)
