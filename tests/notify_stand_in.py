"""A stand-in for the GOV.UK Notify API on 127.0.0.1: a real HTTP server that checks what
Notify checks and answers as its documentation says.

- Every request needs ``Authorization: Bearer <JWT>``: HS256, signed with the key's secret,
  ``iss`` the service id, ``iat`` within 30 seconds of now (403 AuthError otherwise).
- POST /v2/notifications/sms|email|letter: the documented fields only ("Additional properties
  are not allowed"), a known template of that type, every placeholder of it personalised, a UK
  mobile number or an email address, a letter's address lines (400 ValidationError or
  BadRequestError otherwise). A 201 answer has id, reference, content, uri and template.
- GET /v2/notifications?reference=...: the notifications sent with that reference.
- The test key's numbers and addresses give their documented delivery statuses (07700900003
  and temp-fail@simulator.notify: temporary-failure; 07700900002 and perm-fail@simulator.notify:
  permanent-failure; anything else: delivered).
- ``fail_next(status, times)`` makes the next sends answer 429 or 500 as Notify does.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import jwt

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"stand_in_key-{SERVICE_ID}-{SECRET}"
TEMPLATES = {
    "sms": ("f33517ff-2a88-4f6e-b855-c550268ce08a", {"body"}),
    "email": ("9d751e0e-f929-4891-82a1-a3e1c3c18ee3", {"subject", "body"}),
    "letter": (
        "c7a2d2f5-4bc4-4b8b-9f3c-1f6f2d4b6e01",
        {"address_line_1", "address_line_2", "address_line_3", "subject", "body"},
    ),
}
FIELDS = {
    "sms": ({"phone_number", "template_id"}, {"personalisation", "reference", "sms_sender_id"}),
    "email": (
        {"email_address", "template_id"},
        {"personalisation", "reference", "email_reply_to_id", "one_click_unsubscribe_url"},
    ),
    "letter": ({"template_id", "personalisation"}, {"reference"}),
}
STATUS_BY_RECIPIENT = {
    "07700900003": "temporary-failure",
    "temp-fail@simulator.notify": "temporary-failure",
    "07700900002": "permanent-failure",
    "perm-fail@simulator.notify": "permanent-failure",
}
CLOCK_ERROR = "Error: Your system clock must be accurate to within 30 seconds"
UK_MOBILE = re.compile(r"(?:0|\+?44)7\d{9}")


@dataclass
class Notification:
    id: str
    type: str
    reference: str | None
    template_id: str
    personalisation: dict
    to: str
    status: str


@dataclass
class StandInNotify:
    """The server's state: what it received, and the failures it has been told to give."""

    notifications: list[Notification] = field(default_factory=list)
    refused: list[tuple[int, dict]] = field(default_factory=list)
    faults: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""

    def fail_next(self, status: int, times: int = 1) -> None:
        with self.lock:
            self.faults.extend([status] * times)

    def sent_to(self, to: str) -> list[Notification]:
        with self.lock:
            return [n for n in self.notifications if n.to == to]

    def config(self) -> dict:
        """The app's settings that point it here."""
        return {
            "NOTIFY_API_KEY": API_KEY,
            "NOTIFY_BASE_URL": self.url,
            "NOTIFY_SMS_TEMPLATE_ID": TEMPLATES["sms"][0],
            "NOTIFY_EMAIL_TEMPLATE_ID": TEMPLATES["email"][0],
            "NOTIFY_LETTER_TEMPLATE_ID": TEMPLATES["letter"][0],
        }


class _Refusal(Exception):
    def __init__(self, status: int, error: str, message: str):
        self.status, self.error, self.message = status, error, message


def check_token(header: str | None) -> None:
    """As Notify checks: a bearer JWT, HS256, signed with the secret, iss and a fresh iat."""
    if not header or not header.startswith("Bearer "):
        raise _Refusal(401, "AuthError", "Unauthorized: authentication token must be provided")
    token = header.removeprefix("Bearer ")
    try:
        head = jwt.get_unverified_header(token)
        claims = jwt.decode(
            token,
            SECRET,
            algorithms=["HS256"],
            options={"require": ["iss", "iat"], "verify_iat": False},
        )
    except jwt.InvalidTokenError as error:
        raise _Refusal(403, "AuthError", f"Invalid token: {error}") from None
    if head.get("alg") != "HS256":
        raise _Refusal(403, "AuthError", "Invalid token: algorithm used is not HS256")
    if claims["iss"] != SERVICE_ID:
        raise _Refusal(403, "AuthError", "Invalid token: service not found")
    if abs(time.time() - float(claims["iat"])) > 30:
        raise _Refusal(403, "AuthError", CLOCK_ERROR)


def check_body(kind: str, body: object) -> tuple[str, dict, str]:
    """The template id, personalisation and recipient of a valid send, or a 400 refusal."""
    if not isinstance(body, dict):
        raise _Refusal(400, "ValidationError", "Request body is not a JSON object")
    required, optional = FIELDS[kind]
    extra = set(body) - required - optional
    if extra:
        raise _Refusal(
            400,
            "ValidationError",
            f"Additional properties are not allowed ({', '.join(sorted(extra))} was unexpected)",
        )
    for name in sorted(required - set(body)):
        raise _Refusal(400, "ValidationError", f"{name} is a required property")
    personalisation = body.get("personalisation") or {}
    if not isinstance(personalisation, dict):
        raise _Refusal(400, "ValidationError", "personalisation is not of type object")
    reference = body.get("reference")
    if reference is not None and (not isinstance(reference, str) or len(reference) > 1000):
        raise _Refusal(400, "ValidationError", f"reference {reference} is too long")
    template_id, placeholders = TEMPLATES[kind]
    if body["template_id"] != template_id:
        raise _Refusal(400, "BadRequestError", "Template not found")
    missing = placeholders - set(personalisation)
    if missing:
        raise _Refusal(
            400, "BadRequestError", f"Missing personalisation: {', '.join(sorted(missing))}"
        )
    if kind == "sms":
        to = re.sub(r"[\s()\-]", "", str(body["phone_number"]))
        if not UK_MOBILE.fullmatch(to):
            raise _Refusal(400, "ValidationError", "phone_number Not a UK mobile number")
    elif kind == "email":
        to = str(body["email_address"])
        if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", to):
            raise _Refusal(400, "ValidationError", "email_address Not a valid email address")
    else:
        to = str(personalisation["address_line_1"])
    return template_id, personalisation, to


class _Handler(BaseHTTPRequestHandler):
    state: StandInNotify

    def log_message(self, *_args) -> None:  # quiet: the tests read the state instead
        pass

    def _answer(self, status: int, payload: dict) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _refuse(self, refusal: _Refusal, body: dict | None = None) -> None:
        with self.state.lock:
            self.state.refused.append((refusal.status, body or {}))
        self._answer(
            refusal.status,
            {
                "status_code": refusal.status,
                "errors": [{"error": refusal.error, "message": refusal.message}],
            },
        )

    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        try:
            check_token(self.headers.get("Authorization"))
        except _Refusal as refusal:
            return self._refuse(refusal)
        url = urlsplit(self.path)
        if url.path != "/v2/notifications":
            return self._answer(404, {"status_code": 404, "errors": []})
        reference = parse_qs(url.query).get("reference", [None])[0]
        with self.state.lock:
            found = [n for n in self.state.notifications if n.reference == reference]
        self._answer(
            200,
            {
                "notifications": [
                    {"id": n.id, "reference": n.reference, "type": n.type, "status": n.status}
                    for n in reversed(found)
                ],
                "links": {"current": self.path},
            },
        )

    def do_POST(self) -> None:  # noqa: N802
        kind = self.path.removeprefix("/v2/notifications/")
        if kind not in FIELDS:
            return self._answer(404, {"status_code": 404, "errors": []})
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"null")
        except ValueError:
            body = None
        try:
            check_token(self.headers.get("Authorization"))
            template_id, personalisation, to = check_body(kind, body)
        except _Refusal as refusal:
            return self._refuse(refusal, body if isinstance(body, dict) else None)
        with self.state.lock:
            fault = self.state.faults.pop(0) if self.state.faults else None
        if fault == 429:
            return self._refuse(
                _Refusal(
                    429,
                    "RateLimitError",
                    "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds",
                )
            )
        if fault is not None:
            return self._refuse(_Refusal(fault, "Exception", "Internal server error"))
        notification = Notification(
            id=str(uuid.uuid4()),
            type=kind,
            reference=body.get("reference"),
            template_id=template_id,
            personalisation=personalisation,
            to=to,
            status=STATUS_BY_RECIPIENT.get(to, "delivered"),
        )
        with self.state.lock:
            self.state.notifications.append(notification)
        base = self.state.url
        content = {"body": personalisation.get("body", "")}
        if kind == "sms":
            content["from_number"] = "GOVUK"
        else:
            content["subject"] = personalisation.get("subject", "")
        if kind == "email":
            content["from_email"] = "service@notifications.service.gov.uk"
        self._answer(
            201,
            {
                "id": notification.id,
                "reference": notification.reference,
                "content": content,
                "uri": f"{base}/v2/notifications/{notification.id}",
                "template": {
                    "id": template_id,
                    "version": 1,
                    "uri": f"{base}/v2/template/{template_id}",
                },
            },
        )


class NotifyServer:
    """``with NotifyServer() as notify:`` a stand-in Notify on a free port of 127.0.0.1."""

    def __enter__(self) -> StandInNotify:
        self.state = StandInNotify()
        handler = type("Handler", (_Handler,), {"state": self.state})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.state.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self.state

    def __exit__(self, *_exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()
