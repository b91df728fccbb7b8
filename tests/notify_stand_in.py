"""A stand-in for the GOV.UK Notify API on 127.0.0.1: a real HTTP server that checks what
Notify checks and answers as its documentation says.

- Every request needs ``Authorization: Bearer <JWT>``: HS256, signed with the key's secret,
  ``iss`` the service id, ``iat`` within 30 seconds of now (403 AuthError otherwise).
- POST /v2/notifications/sms|email|letter: the documented fields only ("Additional properties
  are not allowed"), a known template of that type, every placeholder of it personalised, a UK
  mobile number or an email address, a letter's address lines (400 ValidationError or
  BadRequestError otherwise). A 201 answer has id, reference, content, uri and template.
- GET /v2/notifications?reference=...: the notifications sent with that reference.
- POST /v2/notifications/letter with "content": a precompiled letter, as documented: reference
  and content required, postage first, second or economy, nothing else (400 ValidationError);
  content base64 of a PDF (400 BadRequestError "Letter content is not a valid PDF"). Notify
  checks the letter against its specification after taking it: a letter that is not A4, has
  more than 10 pages or 2 MB, or lacks the address in its window, or has anything else in the
  clear space around it, gets the status "validation-failed". The address's first line,
  read from the window, is who it went to. A 201 answer has id, reference and postage.
- The test key's numbers and addresses give their documented delivery statuses (07700900003
  and temp-fail@simulator.notify: temporary-failure; 07700900002 and perm-fail@simulator.notify:
  permanent-failure; anything else: delivered).
- ``fail_next(status, times)`` makes the next sends answer 429 or 500 as Notify does.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import jwt
from pypdf import PdfReader
from pypdf.errors import PdfReadError

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
PRECOMPILED = ({"reference", "content"}, {"postage"})
POSTAGE = ("first", "second", "economy")
NOT_A_PDF = "Letter content is not a valid PDF"
# Notify's letter specification, in mm from the page's top left corner.
A4_POINTS = (595.28, 841.89)
MAX_PAGES = 10
MAX_BYTES = 2 * 1024 * 1024
ADDRESS_WINDOW = (24.6, 39.5, 24.6 + 95.0, 39.5 + 26.8)  # left, top, right, bottom
CLEAR_SPACE = (15.0, 30.0, 125.0, 95.0)
PRINTABLE = (15.0, 5.0, 210.0 - 15.0, 297.0 - 5.0)
MM = 72 / 25.4
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
    pdf: bytes | None = None
    postage: str | None = None


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


def check_fields(body: dict, required: set[str], optional: set[str]) -> None:
    extra = set(body) - required - optional
    if extra:
        raise _Refusal(
            400,
            "ValidationError",
            f"Additional properties are not allowed ({', '.join(sorted(extra))} was unexpected)",
        )
    for name in sorted(required - set(body)):
        raise _Refusal(400, "ValidationError", f"{name} is a required property")


def check_body(kind: str, body: object) -> tuple[str, dict, str]:
    """The template id, personalisation and recipient of a valid send, or a 400 refusal."""
    if not isinstance(body, dict):
        raise _Refusal(400, "ValidationError", "Request body is not a JSON object")
    check_fields(body, *FIELDS[kind])
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


def check_precompiled(body: dict) -> tuple[bytes, str]:
    """The PDF and postage of a valid precompiled letter, or a 400 refusal."""
    check_fields(body, *PRECOMPILED)
    reference = body["reference"]
    if not isinstance(reference, str) or not reference or len(reference) > 1000:
        raise _Refusal(400, "ValidationError", "reference is not a valid string")
    postage = body.get("postage", "second")
    if postage not in POSTAGE:
        raise _Refusal(
            400, "ValidationError", "postage invalid. It must be either first, second or economy."
        )
    try:
        pdf = base64.b64decode(str(body["content"]), validate=True)
        PdfReader(io.BytesIO(pdf), strict=False).pages[0]
    except (binascii.Error, ValueError, PdfReadError, IndexError):
        raise _Refusal(400, "BadRequestError", NOT_A_PDF) from None
    if not pdf.startswith(b"%PDF-"):
        raise _Refusal(400, "BadRequestError", NOT_A_PDF)
    return pdf, postage


def _inside(box: tuple[float, float, float, float], x: float, y: float) -> bool:
    left, top, right, bottom = box
    return left <= x <= right and top <= y <= bottom


def text_on_page(page) -> list[tuple[str, float, float]]:
    """Each piece of text on a page and where its baseline starts, in mm from the top left."""
    height = float(page.mediabox.height)
    found: list[tuple[str, float, float]] = []

    def visit(text, cm, tm, _font, _size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.append((text.strip(), x / MM, (height - y) / MM))

    page.extract_text(visitor_text=visit)
    return found


def letter_recipient(pdf: bytes) -> tuple[str, str]:
    """Who a precompiled letter goes to (the first line in the address window) and its status
    after Notify's checks against the letter specification."""
    reader = PdfReader(io.BytesIO(pdf))
    pages = reader.pages
    sizes_ok = all(
        abs(float(p.mediabox.width) - A4_POINTS[0]) < 1
        and abs(float(p.mediabox.height) - A4_POINTS[1]) < 1
        for p in pages
    )
    if not sizes_ok or len(pages) > MAX_PAGES or len(pdf) > MAX_BYTES:
        return "", "validation-failed"
    texts = [
        (text, x, y, number)
        for number, page in enumerate(pages)
        for text, x, y in text_on_page(page)
    ]
    if any(not _inside(PRINTABLE, x, y) for _text, x, y, _n in texts):
        return "", "validation-failed"
    first = [(text, x, y) for text, x, y, number in texts if number == 0]
    address = [text for text, x, y in first if _inside(ADDRESS_WINDOW, x, y)]
    crowded = [
        text
        for text, x, y in first
        if _inside(CLEAR_SPACE, x, y) and not _inside(ADDRESS_WINDOW, x, y)
    ]
    if not address or crowded:
        return "", "validation-failed"
    return address[0], "delivered"


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
        precompiled = kind == "letter" and isinstance(body, dict) and "content" in body
        try:
            check_token(self.headers.get("Authorization"))
            if precompiled:
                pdf, postage = check_precompiled(body)
            else:
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
        if precompiled:
            return self._take_precompiled(body["reference"], pdf, postage)
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

    def _take_precompiled(self, reference: str, pdf: bytes, postage: str) -> None:
        to, status = letter_recipient(pdf)
        notification = Notification(
            id=str(uuid.uuid4()),
            type="letter",
            reference=reference,
            template_id="",
            personalisation={},
            to=to,
            status=status,
            pdf=pdf,
            postage=postage,
        )
        with self.state.lock:
            self.state.notifications.append(notification)
        self._answer(201, {"id": notification.id, "reference": reference, "postage": postage})


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
