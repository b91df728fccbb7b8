"""What the consent pages accept: what the parent agreed to, and how they said so."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from wtforms import RadioField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, StopValidation

from webapp.storage.states import ConsentKind, ConsentMethod

METHOD_LABELS = {
    ConsentMethod.IN_PERSON: "In person",
    ConsentMethod.PHONE: "By phone",
    ConsentMethod.IN_WRITING: "In writing or on a paper form",
    ConsentMethod.PARENT_LINK: "Through the parent's private link",
}
KIND_LABELS = {
    ConsentKind.SCREENING: "A screening with a worker",
    ConsentKind.SHARING: "Sharing their answers with the clinicians' team",
    ConsentKind.REFERRAL: "A referral",
}
# What a worker can say the parent did: the parent's link records its own consent.
WORKER_METHOD_CHOICES = [
    SelectChoice(method, METHOD_LABELS[method])
    for method in (ConsentMethod.IN_PERSON, ConsentMethod.PHONE, ConsentMethod.IN_WRITING)
]
# A consent's choice is written "sharing" or "referral-<pathway id>".
SHARING_CHOICE = ConsentKind.SHARING.value


class ChoiceRadioField(RadioField):
    """Radios whose one message covers no choice and a value that is not one of the choices
    (a stale page or a hand-made post), instead of WTForms' "Not a valid choice"."""

    def __init__(self, label: str, message: str, **kwargs):
        super().__init__(
            label, widget=GovRadioInput(), validators=[InputRequired(message)], **kwargs
        )
        self.message = message

    def pre_validate(self, form):
        if not self.raw_data or not self.raw_data[0]:
            return  # InputRequired says it
        try:
            super().pre_validate(form)
        except ValueError as exc:
            raise StopValidation(self.message) from exc


def method_field(label: str, message: str) -> RadioField:
    return ChoiceRadioField(label, message, choices=WORKER_METHOD_CHOICES)


class RecordConsentForm(FlaskForm):
    what = ChoiceRadioField("What has the parent agreed to?", "Select what the parent agreed to")
    method = method_field("How did the parent agree?", "Select how the parent gave consent")
    submit = SubmitField("Record consent", widget=GovSubmitInput())

    def choice(self) -> tuple[str, str | None]:
        """(kind, pathway id or None), from a choice the field has already checked."""
        if self.what.data == SHARING_CHOICE:
            return ConsentKind.SHARING, None
        return ConsentKind.REFERRAL, self.what.data.removeprefix("referral-")


class WithdrawConsentForm(FlaskForm):
    method = method_field(
        "How did the parent withdraw their consent?", "Select how the parent withdrew consent"
    )
    submit = SubmitField("Record withdrawal", widget=GovSubmitInput())
