"""What a receiving service asks for besides contact details: date of birth, GP practice
and NHS number. All optional; each one given is checked (an NHS number by its check digit),
with the GOV.UK Design System's words for a wrong answer."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from govuk_frontend_wtf.wtforms_widgets import GovDateInput
from wtforms import Field
from wtforms.validators import ValidationError

from webapp.forms.fields import at_most, text_input

NHS_NUMBER_MESSAGE = "Enter a valid NHS number, like 943 476 5919"
NHS_NUMBER_LENGTH_MESSAGE = "NHS number must be 10 numbers"
OLDEST_BIRTH_YEAR = 1900


def nhs_number_digits(text: str) -> str | None:
    """The 10 digits of ``text`` if they make a valid NHS number (spaces and dashes allowed);
    None otherwise. The tenth digit is the Modulus 11 check digit of the first nine."""
    digits = re.sub(r"[\s-]", "", text)
    if not re.fullmatch(r"[0-9]{10}", digits):
        return None
    total = sum(int(d) * weight for d, weight in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return digits if check != 10 and check == int(digits[9]) else None


class DateOfBirthField(Field):
    """Day, month and year in three boxes (GOV.UK date input); empty means not known. The
    words for a wrong date follow the Design System's date input pattern."""

    widget = GovDateInput()

    def _value(self) -> str:
        return self.data.strftime("%d %m %Y") if self.data else ""

    def process_formdata(self, valuelist):
        # Always three parts, so the widget can show back exactly what was typed.
        parts = [(v or "").strip() for v in valuelist[:3]]
        self.raw_data = parts + [""] * (3 - len(parts))
        day, month, year = self.raw_data
        self.data = None
        if not (day or month or year):
            return
        missing = [
            name
            for name, part in zip(("day", "month", "year"), self.raw_data, strict=True)
            if not part
        ]
        if missing:
            raise ValueError(f"Date of birth must include a {' and a '.join(missing)}")
        if not all(p.isascii() and p.isdigit() for p in self.raw_data):
            raise ValueError("Date of birth must be a real date")
        if len(year) != 4:
            raise ValueError("Year must include 4 numbers")
        try:
            self.data = date(int(year), int(month), int(day))
        except ValueError:
            raise ValueError("Date of birth must be a real date") from None

    def pre_validate(self, form):
        if self.data and self.data >= datetime.now(UTC).date():
            raise ValidationError("Date of birth must be in the past")
        if self.data and self.data.year < OLDEST_BIRTH_YEAR:
            raise ValidationError(f"Date of birth must be after {OLDEST_BIRTH_YEAR}")


class PersonalDetailsFields:
    """Mixed into a FlaskForm: the optional details a referral summary carries."""

    date_of_birth = DateOfBirthField(
        "Date of birth (optional)",
        description="For example, 27 3 1990.",
    )
    gp_practice = text_input(
        "GP practice (optional)",
        at_most("GP practice", 200),
        description="The name and town of the parent's GP surgery.",
    )
    nhs_number = text_input(
        "NHS number (optional)",
        description="A 10 digit number, like 943 476 5919. Leave it empty if not known.",
    )

    def validate_nhs_number(self, field):
        text = field.data or ""
        if not text:
            return
        digits = re.sub(r"[\s-]", "", text)
        if not (digits.isascii() and digits.isdigit()) or len(digits) != 10:
            raise ValidationError(NHS_NUMBER_LENGTH_MESSAGE)
        if nhs_number_digits(text) is None:
            raise ValidationError(NHS_NUMBER_MESSAGE)

    def personal_details(self) -> dict[str, object]:
        """The details as the case stores them: None where not given, the NHS number as
        its 10 digits."""
        return {
            "date_of_birth": self.date_of_birth.data,
            "gp_practice": self.gp_practice.data or None,
            "nhs_number": nhs_number_digits(self.nhs_number.data or ""),
        }
