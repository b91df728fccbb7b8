"""Forms, rendered with GOV.UK Design System widgets. Error messages use the Design System's
words ("Enter ...", "Select ...")."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    Optional,
)

from webapp.forms.consent import method_field
from webapp.forms.contact import ContactDetailsFields
from webapp.forms.personal_details import PersonalDetailsFields
from webapp.storage.states import Decision, Finding, PathwayStatus, ResponseMode

FINDING_LABELS = {
    Finding.CONFIRMED: "Confirmed",
    Finding.NOT_CONFIRMED: "Not confirmed",
    Finding.DECLINED: "The parent declined the assessment",
    Finding.DID_NOT_ATTEND: "The parent did not attend",
    Finding.AWAITING: "Still waiting for the assessment",
}
DECISION_LABELS = {
    Decision.REFER: "Refer for a formal assessment",
    Decision.NO_FURTHER_ACTION: "No further action",
    Decision.MORE_INFORMATION: "More information needed from the worker",
}

PATHWAY_STATUS_LABELS = {
    PathwayStatus.REFERRED: "Waiting for the assessment",
    PathwayStatus.OUTCOME_RECORDED: "Outcome recorded",
}
PREVIOUSLY_DIAGNOSED = (("yes", "Yes"), ("no", "No"), ("unknown", "Not known"))
PREVIOUSLY_DIAGNOSED_LABELS = dict(PREVIOUSLY_DIAGNOSED)


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


class SignInForm(FlaskForm):
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[InputRequired("Enter your email address")],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter your password")],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class CaseForm(ContactDetailsFields, PersonalDetailsFields, FlaskForm):
    parent_name = StringField(
        "Parent's full name",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the parent's full name"), Length(max=200)],
    )
    previously_diagnosed = RadioField(
        "Has the parent been diagnosed with an additional need before?",
        widget=GovRadioInput(),
        description="For example, dyslexia, ADHD, autism or a learning disability.",
        choices=choices(PREVIOUSLY_DIAGNOSED),
        default="unknown",
        validators=[Optional()],
    )
    submit = SubmitField("Open referral", widget=GovSubmitInput())


class ContactForm(ContactDetailsFields, PersonalDetailsFields, FlaskForm):
    """Changing a case's contact details (and the details a referral carries) after it was
    opened."""

    submit = SubmitField("Save contact details", widget=GovSubmitInput())


class StartScreeningForm(FlaskForm):
    questionnaire = RadioField(
        "Which questionnaire do you want to start?",
        widget=GovRadioInput(),
        validators=[InputRequired("Select a questionnaire")],
    )
    mode = RadioField(
        "How are you recording the answers?",
        widget=GovRadioInput(),
        choices=choices(
            (
                (
                    ResponseMode.WITH_WORKER,
                    "With the parent now: you read each question and record the answer",
                ),
                ("paper", "From a paper copy the parent has filled in"),
            )
        ),
        default=ResponseMode.WITH_WORKER,
        validators=[InputRequired("Select how you are recording the answers")],
    )
    # No screening starts without the parent's consent to it recorded.
    consent = method_field(
        "How did the parent agree to this screening?",
        "Select how the parent agreed to this screening",
    )
    submit = SubmitField("Start", widget=GovSubmitInput())


class CaseSearchForm(FlaskForm):
    """Searches by name are posted, not put in the address: no personal data in URLs."""

    search = StringField(
        "Search by name or reference",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=200)],
    )
    submit = SubmitField("Search", widget=GovSubmitInput())


class OutcomeForm(FlaskForm):
    domain = RadioField(
        "Which area was assessed?",
        widget=GovRadioInput(),
        validators=[InputRequired("Select the area that was assessed")],
    )
    finding = RadioField(
        "What did the formal assessment find?",
        widget=GovRadioInput(),
        choices=choices(FINDING_LABELS.items()),
        validators=[InputRequired("Select what the assessment found")],
    )
    note = TextAreaField(
        "Note (optional)",
        widget=GovTextArea(),
        validators=[Optional(), Length(max=4000, message="Note must be 4000 characters or fewer")],
    )
    submit = SubmitField("Record outcome", widget=GovSubmitInput())


class InviteForm(FlaskForm):
    questionnaires = SelectMultipleField(
        "Which questionnaires should the parent answer?",
        widget=GovCheckboxesInput(),
        validators=[InputRequired("Select at least one questionnaire")],
    )
    submit = SubmitField("Make the private link", widget=GovSubmitInput())
    # The same link, put in the outbox for the parent (by Notify, or to copy when it is off).
    send = SubmitField("Send it to the parent", widget=GovSubmitInput())
    # Asked only when the message would depart from the plan: why send it anyway.
    reason = TextAreaField(
        "Why go ahead without following the plan?",
        widget=GovTextArea(),
        description="Or record the contact the plan asks for first, then send the link.",
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[Length(max=1000, message="Reason must be 1000 characters or fewer")],
    )


class ConfirmForm(FlaskForm):
    """A button that changes state: only its CSRF token is checked."""

    submit = SubmitField("Continue", widget=GovSubmitInput())


class CodeForm(FlaskForm):
    code = StringField(
        "Code",
        widget=GovTextInput(),
        description="The 6-digit code from your authenticator app, or a recovery code.",
        validators=[
            InputRequired("Enter the code from your authenticator app"),
            Length(max=20, message="Enter the code from your authenticator app"),
        ],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class SetUpForm(CodeForm):
    skip = SubmitField("Skip for now (demo only)", widget=GovSubmitInput())


class RemoveAdjustmentForm(FlaskForm):
    reason = TextAreaField(
        "Why are you removing this adjustment?",
        widget=GovTextArea(),
        description="Other staff will see this reason.",
        validators=[
            InputRequired("Enter why you are removing this adjustment"),
            Length(max=1000, message="Reason must be 1000 characters or fewer"),
        ],
    )
    submit = SubmitField("Remove adjustment", widget=GovSubmitInput())


class AddAdjustmentForm(FlaskForm):
    adjustment = RadioField(
        "Which adjustment do you want to add?",
        widget=GovRadioInput(),
        validators=[InputRequired("Select an adjustment to add")],
    )
    reason = TextAreaField(
        "Why are you adding it?",
        widget=GovTextArea(),
        description="Other staff will see this reason.",
        validators=[
            InputRequired("Enter why you are adding this adjustment"),
            Length(max=1000, message="Reason must be 1000 characters or fewer"),
        ],
    )
    submit = SubmitField("Add adjustment", widget=GovSubmitInput())


class DecisionForm(FlaskForm):
    """A clinician's decision. ``decision_form`` adds one pathway choice per area to refer."""

    decision = RadioField(
        "What is your decision?",
        widget=GovRadioInput(),
        choices=choices(DECISION_LABELS.items()),
        validators=[InputRequired("Select a decision")],
    )
    note = TextAreaField(
        "Note",
        widget=GovTextArea(),
        description="Say why. The worker will see this note.",
        validators=[
            InputRequired("Enter a note about your decision"),
            Length(max=4000, message="Note must be 4000 characters or fewer"),
        ],
    )
    submit = SubmitField("Record decision", widget=GovSubmitInput())
    # (area id, field) for each area offered, in order; set by decision_form.
    area_fields: list[tuple[str, SelectField]] = []

    def chosen_pathways(self) -> dict[str, str]:
        """Area -> pathway for each area given one (an empty choice refers nothing)."""
        return {domain: field.data for domain, field in self.area_fields if field.data}

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.decision.data == Decision.REFER and self.area_fields and not self.chosen_pathways():
            first = self.area_fields[0][1]
            first.errors = [*first.errors, "Select an assessment pathway for at least one area"]
            return False
        return valid


NOT_REFERRED = "Do not refer for this area"


def decision_form(areas: list[tuple[str, str]], pathways: list[tuple[str, str]]) -> DecisionForm:
    """A decision form with a pathway choice for each area (area id, area name): one decision
    can refer several areas, each to its own pathway."""
    pathway_ids = ["", *(pathway_id for pathway_id, _name in pathways)]

    class AreaDecisionForm(DecisionForm):
        pass

    for domain, name in areas:
        setattr(
            AreaDecisionForm,
            f"pathway_{domain}",
            SelectField(
                f"{name}: which assessment pathway?",
                widget=GovSelect(),
                choices=choices([("", NOT_REFERRED), *pathways]),
                default="",
                validate_choice=False,
                validators=[
                    Optional(),
                    AnyOf(pathway_ids, message="Select an assessment pathway from the list"),
                ],
            ),
        )
    form = AreaDecisionForm()
    form.area_fields = [(domain, form[f"pathway_{domain}"]) for domain, _name in areas]
    return form


class SafetyCheckForm(FlaskForm):
    action_taken = TextAreaField(
        "What did you do for the safety check?",
        widget=GovTextArea(),
        description="Say who you spoke to, when, and what happens next. Other staff will see this.",
        validators=[
            DataRequired("Enter what you did for the safety check"),
            Length(max=2000, message="What you did must be 2000 characters or fewer"),
        ],
    )
    submit = SubmitField("Record the safety check", widget=GovSubmitInput())


class ResendForm(FlaskForm):
    """Send the link again; the reason is asked only when the message would depart from the
    plan."""

    reason = TextAreaField(
        "Why go ahead without following the plan?",
        widget=GovTextArea(),
        description="Or record the contact the plan asks for first, then send the link again.",
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[Length(max=1000, message="Reason must be 1000 characters or fewer")],
    )
    submit = SubmitField("Send the link again", widget=GovSubmitInput())
