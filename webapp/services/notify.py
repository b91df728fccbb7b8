"""GOV.UK Notify, through its Python client: one template per channel, whose body is
placeholders our own words fill (docs/deployment.md). A send either returns Notify's id, or
raises TemporaryFailure (try again later) or PermanentFailure (a person must act)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient
from requests import RequestException

from webapp.storage.states import Channel

# Notify's letters take up to 7 address lines; the first is the name, the last the postcode.
MAX_ADDRESS_LINES = 7
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


def address_lines(recipient: str) -> dict[str, str]:
    lines = [line.strip() for line in recipient.splitlines() if line.strip()]
    if len(lines) > MAX_ADDRESS_LINES:  # keep the name and the postcode; join the middle
        lines = [*lines[:5], ", ".join(lines[5:-1]), lines[-1]]
    return {f"address_line_{number}": line for number, line in enumerate(lines, start=1)}


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
        else:
            answer = client.send_letter_notification(
                template_id=config["NOTIFY_LETTER_TEMPLATE_ID"],
                personalisation=address_lines(message.recipient) | personalisation,
                reference=message.reference,
            )
    except APIError as error:
        raise _failure(error) from error
    except RequestException as error:  # no answer at all: it may come back
        raise TemporaryFailure(f"Notify did not answer: {type(error).__name__}") from error
    return str(answer["id"])


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
