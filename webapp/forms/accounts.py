"""The admin's forms for staff accounts (invite, change a role or team) and the invitee's form
for choosing a password from a set-up link. Words follow the Design System ("Enter ...")."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import PasswordField, RadioField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import EqualTo, InputRequired, Length, Regexp, ValidationError

from webapp.storage.states import Role

MIN_PASSWORD_LENGTH = 12  # as webapp/access/security.py's hash_password insists
ROLE_LABELS = {
    Role.INTAKE: "Intake worker: opens cases, screens with parents and agrees plans",
    Role.CLINICIAN: "Clinician: reviews screenings and decides on referrals",
    Role.ADMIN: "Admin: manages staff accounts and reads the audit trail",
}
NO_TEAM = ""


class AccountFields:
    """Role and team, shared by the invite and the change: a worker or clinician needs a team;
    an admin works across all of them."""

    role = RadioField(
        "Role",
        widget=GovRadioInput(),
        choices=[SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()],
        validators=[InputRequired("Select a role")],
    )
    team = SelectField("Team", widget=GovSelect(), validate_choice=True)

    def set_teams(self, teams) -> None:
        self.team.choices = [
            SelectChoice(NO_TEAM, "No team (admins only)"),
            *(SelectChoice(str(team.id), team.name) for team in teams),
        ]

    def validate_team(self, field) -> None:
        if self.role.data in (Role.INTAKE, Role.CLINICIAN) and field.data == NO_TEAM:
            raise ValidationError("Select a team for an intake worker or a clinician")

    def team_id(self) -> int | None:
        return None if self.role.data == Role.ADMIN or not self.team.data else int(self.team.data)


class StaffInviteForm(AccountFields, FlaskForm):
    name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter their full name"),
            Length(max=120, message="Full name must be 120 characters or fewer"),
        ],
    )
    email = StringField(
        "Work email address",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter their work email address"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
            Regexp(
                r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                message="Enter an email address in the correct format, like name@example.org",
            ),
        ],
    )
    submit = SubmitField("Invite", widget=GovSubmitInput())


class AccountForm(AccountFields, FlaskForm):
    submit = SubmitField("Save role and team", widget=GovSubmitInput())


class ChoosePasswordForm(FlaskForm):
    password = PasswordField(
        "New password",
        widget=GovPasswordInput(),
        description=f"{MIN_PASSWORD_LENGTH} characters or more. A few words together are easy to "
        "remember.",
        validators=[
            InputRequired("Enter a password"),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=200,
                message=f"Enter a password of {MIN_PASSWORD_LENGTH} to 200 characters",
            ),
        ],
    )
    confirm = PasswordField(
        "Confirm the password",
        widget=GovPasswordInput(),
        validators=[
            InputRequired("Enter the password again"),
            EqualTo("password", message="Enter the same password twice"),
        ],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())
