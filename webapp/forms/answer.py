"""One form for one question, shared by the worker's and the parent's pages: radios for items
with options, a text box for text and number items, and "I'd rather not say" on every item.

What counts as an answer is decided once, in ``questionnaires.answers.check_answer``: the page
post and the page script's autosave use the same rule, and each audience words the problem its
own way (``messages``: the parent's easy read, the worker's GOV.UK style)."""

from __future__ import annotations

from collections.abc import Mapping

from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from questionnaires import SKIP, Item
from questionnaires.answers import AnswerProblem, check_answer

# The keys every ``messages`` table needs. The range messages may use %(minimum)s and
# %(maximum)s; the others are used as they are.
MESSAGE_KEYS = (
    "choose",
    "enter",
    "not_a_choice",
    "too_long",
    "number",
    "decimal",
    "whole",
    "between",
    "at_least",
    "at_most",
    "bigger",
    "smaller",
)


def _bound(value: float) -> str:
    return f"{value:,.10g}"


def describe(problem: AnswerProblem, item: Item, messages: Mapping[str, object]) -> str:
    """The audience's words for what is wrong with an answer to ``item``."""
    kind = problem.kind
    if kind == "missing":
        return str(messages["choose" if item.options else "enter"])
    if kind in ("not_a_choice", "too_long"):
        return str(messages[kind])
    if kind == "not_a_number":
        return str(messages["decimal" if item.type == "decimal" else "number"])
    if kind == "not_whole":
        return str(messages["whole"])
    low, high = problem.minimum, problem.maximum
    if low is not None and high is not None:
        key = "between"
    elif kind == "too_small":
        key = "at_least" if low is not None else "bigger"
    else:
        key = "at_most" if high is not None else "smaller"
    if key in ("bigger", "smaller"):
        return str(messages[key])
    return str(messages[key]) % {
        "minimum": _bound(low) if low is not None else "",
        "maximum": _bound(high) if high is not None else "",
    }


class SkippableRadioField(RadioField):
    """Radios whose choice is checked by ``check_answer`` (with the audience's own words), not
    by WTForms' "Not a valid choice"."""

    def pre_validate(self, form):
        return


class AnswerForm(FlaskForm):
    skip = SubmitField()
    #: the value to store once the form has validated (``check_answer``'s result)
    checked: str | None = None

    def answer_value(self) -> str:
        """The value to save: the option, the typed text or number, or SKIP."""
        if self.skip.data:
            return SKIP
        assert self.checked is not None, "answer_value() before the form validated"
        return self.checked


def answer_form(item: Item, *, skip_label: str, messages: Mapping[str, object]) -> AnswerForm:
    """The form for ``item``; ``messages`` holds the audience's words for every MESSAGE_KEYS."""
    missing = [key for key in MESSAGE_KEYS if key not in messages]
    assert not missing, f"messages lacks {missing}"

    def checked(form, field):
        if form.skip.data:
            return
        result = check_answer(item, field.data)
        if isinstance(result, AnswerProblem):
            raise ValidationError(describe(result, item, messages))
        form.checked = result

    class Form(AnswerForm):
        pass

    if item.options:
        Form.answer = SkippableRadioField(
            choices=[SelectChoice(o.value, o.label) for o in item.options]
            + [SelectChoice(SKIP, skip_label)],
            validators=[checked],
        )
    else:
        Form.answer = StringField(validators=[checked])
    return Form()
