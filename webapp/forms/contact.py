"""A parent's contact details, checked against how they prefer to be contacted: a UK mobile
for text messages, a phone number for calls, an email address for email, and a postal
address with its postcode for letters. Each detail that is given is checked, even when the
contact method does not need it, so a wrong number cannot wait unseen for a later change."""

from __future__ import annotations

import re

import phonenumbers
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, ValidationError

from webapp.forms.fields import at_most, text_area, text_input
from webapp.storage.states import ContactMethod

CONTACT_LABELS = {
    ContactMethod.PHONE: "Phone call",
    ContactMethod.LETTER: "Letter",
    ContactMethod.EMAIL: "Email",
    ContactMethod.TEXT: "Text message",
}
# Numbers are read as UK numbers unless they start with + and a country code.
REGION = "GB"


MOBILE_TYPES = (
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
)
# A UK postcode anywhere in the address, with or without its space (Royal Mail's format).
POSTCODE = re.compile(
    r"\b(GIR ?0AA|[A-PR-UWYZ](?:\d{1,2}|[A-HK-Y]\d{1,2}|\d[A-HJKPS-UW]|[A-HK-Y]\d[ABEHMNPRV-Y])"
    r" ?\d[ABD-HJLNP-UW-Z]{2})\b",
    re.IGNORECASE,
)
PHONE_MESSAGE = "Enter a phone number, like 020 7946 0000 or 07400 123456"
MOBILE_MESSAGE = "Enter a UK mobile number for text messages, like 07400 123456"
POSTCODE_MESSAGE = "Enter the address with its postcode, like SW1A 2AA"
EMAIL_CHECK = Email("Enter an email address like name@example.com")


def parsed_phone(text: str) -> phonenumbers.PhoneNumber | None:
    """The number in ``text`` if it is a real, dialable one; None for "call me maybe"."""
    try:
        number = phonenumbers.parse(text, REGION)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def is_uk_mobile(number: phonenumbers.PhoneNumber) -> bool:
    return (
        phonenumbers.region_code_for_number(number) == REGION
        and phonenumbers.number_type(number) in MOBILE_TYPES
    )


def has_postcode(address: str) -> bool:
    return POSTCODE.search(address) is not None


class ContactDetailsFields:
    """The contact fields and their checks, shared by opening a referral and changing its
    details later (mixed into a FlaskForm)."""

    contact_method = RadioField(
        "How does the parent prefer to be contacted?",
        widget=GovRadioInput(),
        choices=[SelectChoice(m, CONTACT_LABELS[m]) for m in ContactMethod],
        validators=[InputRequired("Select how the parent prefers to be contacted")],
    )
    phone = text_input(
        "Phone number",
        at_most("Phone number", 40),
        description="Needed for phone calls and text messages. For example, 07400 123456.",
    )
    email = text_input(
        "Email address", at_most("Email address", 254), description="Needed for email."
    )
    address = text_area(
        "Postal address",
        at_most("Address", 500),
        description="Needed for letters. Include the postcode.",
    )
    language = text_input(
        "Parent's first language",
        InputRequired("Enter the parent's first language"),
        at_most("First language", 80),
        description="For example, English, Polish or British Sign Language.",
        default="English",
    )

    # No Optional() on these fields: it stops the whole chain, these checks included, so a
    # parent who prefers text messages could be left with no number. Each check below lets
    # an empty field through itself when the contact method does not need it.
    def validate_phone(self, field):
        method, text = self.contact_method.data, field.data or ""
        if not text:
            if method == ContactMethod.TEXT:
                raise ValidationError(MOBILE_MESSAGE)
            if method == ContactMethod.PHONE:
                raise ValidationError("Enter a phone number, or choose another way to contact them")
            return
        number = parsed_phone(text)
        if method == ContactMethod.TEXT and (number is None or not is_uk_mobile(number)):
            raise ValidationError(MOBILE_MESSAGE)
        if number is None:
            raise ValidationError(PHONE_MESSAGE)

    def validate_email(self, field):
        if field.data:
            EMAIL_CHECK(self, field)
        elif self.contact_method.data == ContactMethod.EMAIL:
            raise ValidationError("Enter an email address, or choose another way to contact them")

    def validate_address(self, field):
        text = field.data or ""
        if not text:
            if self.contact_method.data == ContactMethod.LETTER:
                raise ValidationError("Enter an address, or choose another way to contact them")
            return
        if not has_postcode(text):
            raise ValidationError(POSTCODE_MESSAGE)

    def contact_details(self) -> dict[str, str | None]:
        """The details as the case stores them: trimmed, and None where not given."""
        return {
            "contact_method": self.contact_method.data,
            "phone": self.phone.data or None,
            "email": self.email.data or None,
            "address": self.address.data or None,
            "language": self.language.data,
        }
