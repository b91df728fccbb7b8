"""What the case lifecycle's pages accept: transferring a case, closing it, reopening it."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from webapp.forms.staff import choices
from webapp.storage.states import CloseReason

CLOSE_REASONS = {
    CloseReason.SCREENED_NO_NEED: "Screened: no further support needed",
    CloseReason.REFERRED: "Referred for a formal assessment",
    CloseReason.PARENT_DECLINED: "The parent did not want to go on",
    CloseReason.NO_CONTACT: "We could not reach the parent",
    CloseReason.MOVED_AWAY: "The parent moved out of the area",
    CloseReason.DUPLICATE: "A duplicate of another referral",
    CloseReason.OTHER: "Another reason",
}
# A transfer's choice is written "worker-<id>" or "team-<id>".
TARGET_KINDS = ("worker", "team")


class TransferForm(FlaskForm):
    to = RadioField(
        "Who should have this referral?",
        widget=GovRadioInput(),
        validators=[InputRequired("Select a worker or a team")],
    )
    reason = TextAreaField(
        "Why are you transferring it?",
        widget=GovTextArea(),
        description="The worker or team receiving it will see this.",
        filters=[lambda text: text.strip() if text else text],
        validators=[
            DataRequired("Enter why you are transferring this referral"),
            Length(max=1000, message="Reason must be 1000 characters or fewer"),
        ],
    )
    submit = SubmitField("Transfer referral", widget=GovSubmitInput())

    def target(self) -> tuple[str, int]:
        """("worker" or "team", its id), from a choice the field has already checked."""
        kind, _, number = self.to.data.partition("-")
        return kind, int(number)


class CloseCaseForm(FlaskForm):
    reason = RadioField(
        "Why are you closing this referral?",
        widget=GovRadioInput(),
        choices=choices(CLOSE_REASONS.items()),
        validators=[InputRequired("Select why you are closing this referral")],
    )
    note = TextAreaField(
        "More detail",
        widget=GovTextArea(),
        description="Needed if you chose another reason. Other staff will see this.",
        # No Optional(): it would stop the check that "Another reason" says which.
        validators=[Length(max=1000, message="Detail must be 1000 characters or fewer")],
    )
    submit = SubmitField("Close referral", widget=GovSubmitInput())

    def validate_note(self, field):
        if self.reason.data == CloseReason.OTHER and not (field.data or "").strip():
            raise ValidationError("Enter why you are closing this referral")
