"""One form for one question, shared by the worker's and the parent's pages: radios for items
with options, a text box for text and number items, and "I'd rather not say" on every item."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, ValidationError

from questionnaires import SKIP, Item

MAX_TEXT = 500


class SkippableRadioField(RadioField):
    """Radios where no choice is fine when the person pressed "I'd rather not say", and a
    missing choice is reported by our own clear message, not "Not a valid choice"."""

    def pre_validate(self, form):
        if form.skip.data or self.data is None:
            return
        super().pre_validate(form)


class AnswerForm(FlaskForm):
    skip = SubmitField()

    def answer_value(self) -> str:
        """The value to save: the option, the typed text, or SKIP."""
        if self.skip.data:
            return SKIP
        return " ".join(str(self.answer.data).split())


def answer_form(item: Item, *, skip_label: str, messages: dict[str, str]) -> AnswerForm:
    """Build the form for ``item``. ``messages`` holds the (translated) error messages:
    choose, enter, number, too_long."""

    def required(form, field):
        if form.skip.data:
            return
        if field.data in (None, "") or (isinstance(field.data, str) and not field.data.strip()):
            raise ValidationError(messages["choose" if item.options else "enter"])

    class Form(AnswerForm):
        pass

    if item.options:
        Form.answer = SkippableRadioField(
            choices=[SelectChoice(o.value, o.label) for o in item.options]
            + [SelectChoice(SKIP, skip_label)],
            validators=[required],
            validate_choice=True,
        )
    else:

        def number(form, field):
            if form.skip.data or item.type not in ("integer", "decimal"):
                return
            try:
                value = int(field.data) if item.type == "integer" else float(field.data)
            except (TypeError, ValueError):
                raise ValidationError(messages["number"]) from None
            if (item.minimum is not None and value < item.minimum) or (
                item.maximum is not None and value > item.maximum
            ):
                raise ValidationError(messages["number"])

        # No Optional(): it would clear the "required" error on an empty answer.
        Form.answer = StringField(
            validators=[required, number, Length(max=MAX_TEXT, message=messages["too_long"])]
        )
    return Form()
