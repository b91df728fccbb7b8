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

from webapp.forms.fields import at_most, radios, text_area
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


def plan_departure_reason(description: str) -> TextAreaField:
    """Asked only when what the worker is doing would depart from the plan: why go ahead
    anyway. The same question wherever the plan can be departed from."""
    return text_area(
        "Why go ahead without following the plan?",
        at_most("Reason", 1000),
        description=description,
    )


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
    place = text_area(
        "Where, or how to join",
        at_most("Where", 500),
        description="The address for a meeting in person; the number or link otherwise.",
    )
    attendees = text_area(
        "Who will attend", DataRequired("Enter who will attend"), at_most("Who will attend", 1000)
    )
    purpose = text_area(
        "Purpose of the meeting",
        DataRequired("Enter the purpose of the meeting"),
        at_most("Purpose", 1000),
    )
    reason = plan_departure_reason(
        "Or change the meeting, or record the contact the plan asks for first."
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
    outcome = radios(
        "What happened?",
        {TaskOutcome.DONE: "Done", TaskOutcome.NOT_NEEDED: "Not needed"},
        "Select done or not needed",
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

    kind = radios(
        "What was the contact?",
        {
            "call": "Phone call",
            "letter": "Letter",
            "email": "Email",
            "text": "Text message",
            "visit": "Visit or meeting in person",
        },
        "Select what the contact was",
    )
    format = radios(
        "What format was it in?",
        {"standard": "Standard", "easy_read": "Easy read", "large_print": "Large print"},
        "Select the format",
    )
    note = text_area("What was it about?", at_most("What it was about", 1000))
    reason = plan_departure_reason("Or change the contact so it follows the plan.")
    submit = SubmitField("Record the contact", widget=GovSubmitInput())
