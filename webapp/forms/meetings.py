"""Booking a meeting with the parent, and closing a worker's task: what each page accepts and
its words for a wrong answer (the GOV.UK Design System's: "Enter ...", "Select ...")."""

from __future__ import annotations

import re
from datetime import date, time

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovDateInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import DateField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from webapp.storage.states import MeetingWay, TaskOutcome

WAY_CHOICES = [
    SelectChoice(MeetingWay.IN_PERSON, "In person"),
    SelectChoice(MeetingWay.PHONE, "Phone call"),
    SelectChoice(MeetingWay.VIDEO, "Video call"),
]
# "14:00", "2pm", "2:30pm", "9.15am": how people write a time.
TIME = re.compile(r"(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?", re.IGNORECASE)
# How far ahead a meeting may be booked: further is almost always a mistyped year.
MAX_DAYS_AHEAD = 366


def _trimmed(value):
    return value.strip() if isinstance(value, str) else value


def parse_time(text: str) -> time | None:
    match = TIME.fullmatch(text.strip())
    if match is None:
        return None
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half.lower() == "pm" else 0)
    elif match.group(2) is None:
        return None  # "14" alone is not a time anyone writes
    return time(hour, minute) if hour < 24 and minute < 60 else None


class GovDateField(DateField):
    """Day, month and year boxes; a date that does not exist gets the Design System's words."""

    def __init__(self, label, message: str, **kwargs):
        super().__init__(label, format="%d %m %Y", widget=GovDateInput(), **kwargs)
        self.invalid_message = message

    def process(self, formdata, *args, **kwargs):
        super().process(formdata, *args, **kwargs)
        # The widget shows exactly three boxes: a post with none (or more) of them is answered
        # as an empty date, never a server error.
        if self.raw_data is not None and len(self.raw_data) != 3:
            self.raw_data = [*self.raw_data, "", "", ""][:3]

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(self.invalid_message) from exc


class MeetingForm(FlaskForm):
    day = GovDateField(
        "Date of the meeting",
        message="Date of the meeting must be a real date, like 27 3 2027",
        description="For example, 27 3 2027",
        validators=[InputRequired("Enter the date of the meeting")],
    )
    start = StringField(
        "Start time",
        widget=GovTextInput(),
        description="For example, 14:00 or 2pm",
        validators=[InputRequired("Enter the start time of the meeting")],
    )
    way = RadioField(
        "How will you meet?",
        widget=GovRadioInput(),
        choices=WAY_CHOICES,
        validators=[InputRequired("Select how you will meet")],
    )
    place = TextAreaField(
        "Where, or how to join",
        widget=GovTextArea(),
        description="The address for a meeting in person; the number or link otherwise.",
        filters=[_trimmed],
        validators=[Length(max=500, message="Where must be 500 characters or fewer")],
    )
    attendees = TextAreaField(
        "Who will attend",
        widget=GovTextArea(),
        filters=[_trimmed],
        validators=[
            DataRequired("Enter who will attend"),
            Length(max=1000, message="Who will attend must be 1000 characters or fewer"),
        ],
    )
    purpose = TextAreaField(
        "Purpose of the meeting",
        widget=GovTextArea(),
        filters=[_trimmed],
        validators=[
            DataRequired("Enter the purpose of the meeting"),
            Length(max=1000, message="Purpose must be 1000 characters or fewer"),
        ],
    )
    # Asked only when the invitation would depart from the plan: why go ahead anyway.
    reason = TextAreaField(
        "Why go ahead without following the plan?",
        widget=GovTextArea(),
        description="Or change the meeting, or record the contact the plan asks for first.",
        filters=[_trimmed],
        validators=[Length(max=1000, message="Reason must be 1000 characters or fewer")],
    )
    submit = SubmitField("Book the meeting", widget=GovSubmitInput())

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def validate_day(self, field):
        if field.data is None:
            return
        if field.data < self.today:
            raise ValidationError("Date of the meeting must be today or in the future")
        if (field.data - self.today).days > MAX_DAYS_AHEAD:
            raise ValidationError("Date of the meeting must be within a year from today")

    def validate_start(self, field):
        if (field.data or "").strip() and parse_time(field.data) is None:
            raise ValidationError("Enter the start time like 14:00 or 2pm")

    def validate_place(self, field):
        if self.way.data == MeetingWay.IN_PERSON and not (field.data or "").strip():
            raise ValidationError("Enter where the meeting is")

    @property
    def start_time(self) -> time:
        start = parse_time(self.start.data)
        assert start is not None  # checked by validate_start
        return start


class CloseTaskForm(FlaskForm):
    outcome = RadioField(
        "What happened?",
        widget=GovRadioInput(),
        choices=[
            SelectChoice(TaskOutcome.DONE, "Done"),
            SelectChoice(TaskOutcome.NOT_NEEDED, "Not needed"),
        ],
        validators=[InputRequired("Select done or not needed")],
    )
    note = TextAreaField(
        "Note",
        widget=GovTextArea(),
        description="Say why, if it was not needed.",
        validators=[Length(max=1000, message="Note must be 1000 characters or fewer")],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())

    def validate_note(self, field):
        if self.outcome.data == TaskOutcome.NOT_NEEDED and not (field.data or "").strip():
            raise ValidationError("Enter why the task is not needed")


class OutsideContactForm(FlaskForm):
    """A contact the worker made outside the service, checked against the plan."""

    kind = RadioField(
        "What was the contact?",
        widget=GovRadioInput(),
        choices=[
            SelectChoice("call", "Phone call"),
            SelectChoice("letter", "Letter"),
            SelectChoice("email", "Email"),
            SelectChoice("text", "Text message"),
            SelectChoice("visit", "Visit or meeting in person"),
        ],
        validators=[InputRequired("Select what the contact was")],
    )
    format = RadioField(
        "What format was it in?",
        widget=GovRadioInput(),
        choices=[
            SelectChoice("standard", "Standard"),
            SelectChoice("easy_read", "Easy read"),
            SelectChoice("large_print", "Large print"),
        ],
        validators=[InputRequired("Select the format")],
    )
    note = TextAreaField(
        "What was it about?",
        widget=GovTextArea(),
        filters=[_trimmed],
        validators=[Length(max=1000, message="What it was about must be 1000 characters or fewer")],
    )
    reason = TextAreaField(
        "Why go ahead without following the plan?",
        widget=GovTextArea(),
        description="Or change the contact so it follows the plan.",
        filters=[_trimmed],
        validators=[Length(max=1000, message="Reason must be 1000 characters or fewer")],
    )
    submit = SubmitField("Record the contact", widget=GovSubmitInput())
