"""GOV.UK Notify, through its Python client: a template for texts and one for emails, whose
bodies are placeholders our own words fill, and letters as our own PDF through Notify's
precompiled-letter call (docs/deployment.md). A send either returns Notify's id, or raises
TemporaryFailure (try again later) or PermanentFailure (a person must act)."""

from __future__ import annotations

import io
from dataclasses import dataclass

from flask import current_app
from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient
from requests import RequestException

from webapp.services.letters import letter_pdf
from webapp.storage.states import Channel

# Statuses Notify answers that are worth another try: rate and daily limits, its own errors.
TEMPORARY_STATUSES = frozenset({429}) | frozenset(range(500, 600))


class SendFailure(Exception):
    """Notify did not take a message."""


class TemporaryFailure(SendFailure):
    """Worth trying again later: Notify was busy, down, or out of reach."""


class PermanentFailure(SendFailure):
    """Sending it again will not help: a wrong number, a refused request, a bad key."""


@dataclass(frozen=True)
class Outgoing:
    """What a send needs, read from the outbox row before the sender lets go of the database."""

    channel: str
    recipient: str
    subject: str
    body: str
    reference: str


def notify_configured() -> bool:
    return bool(current_app.config.get("NOTIFY_API_KEY"))


def _client() -> NotificationsAPIClient:
    config = current_app.config
    return NotificationsAPIClient(config["NOTIFY_API_KEY"], base_url=config["NOTIFY_BASE_URL"])


def send(message: Outgoing) -> str:
    """Send one message; Notify's id for it."""
    config = current_app.config
    personalisation = {"subject": message.subject, "body": message.body}
    try:
        client = _client()
        if message.channel == Channel.SMS:
            answer = client.send_sms_notification(
                phone_number=message.recipient,
                template_id=config["NOTIFY_SMS_TEMPLATE_ID"],
                personalisation={"body": message.body},
                reference=message.reference,
            )
        elif message.channel == Channel.EMAIL:
            answer = client.send_email_notification(
                email_address=message.recipient,
                template_id=config["NOTIFY_EMAIL_TEMPLATE_ID"],
                personalisation=personalisation,
                reference=message.reference,
            )
        else:  # the address is in the PDF's window, where Notify reads it
            pdf = _letter(message)
            answer = client.send_precompiled_letter_notification(
                reference=message.reference, pdf_file=io.BytesIO(pdf)
            )
    except APIError as error:
        raise _failure(error) from error
    except RequestException as error:  # no answer at all: it may come back
        raise TemporaryFailure(f"Notify did not answer: {type(error).__name__}") from error
    return str(answer["id"])


def _letter(message: Outgoing) -> bytes:
    try:
        return letter_pdf(message.recipient, message.subject, message.body)
    except Exception as error:  # WeasyPrint's own errors: sending again would fail the same way
        raise PermanentFailure(f"The letter could not be made: {type(error).__name__}") from error


def sent_with_reference(reference: str) -> str | None:
    """Notify's id for a message it already has with this reference, if any: asked before
    sending again something a sender may have sent just before it stopped."""
    try:
        answer = _client().get_all_notifications(reference=reference)
    except APIError as error:
        raise _failure(error) from error
    except RequestException as error:
        raise TemporaryFailure(f"Notify did not answer: {type(error).__name__}") from error
    found = answer.get("notifications") or []
    return str(found[0]["id"]) if found else None


def _failure(error: APIError) -> SendFailure:
    status = error.status_code
    text = f"Notify answered {status}: {_words(error.message)}"
    return TemporaryFailure(text) if status in TEMPORARY_STATUSES else PermanentFailure(text)


def _words(message) -> str:
    if isinstance(message, list):
        return "; ".join(str(item.get("message", item)) for item in message)
    return str(message)
