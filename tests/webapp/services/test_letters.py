"""Letters as PDF through Notify's precompiled-letter call, against the stand-in: what arrives
is a tagged A4 PDF laid out to Notify's letter specification (the address alone in its
window), holding our words and the parent's link. The stand-in refuses what Notify refuses."""

from __future__ import annotations

import base64
import io
import re

import pytest
from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient
from pypdf import PdfReader

from tests.notify_stand_in import API_KEY, NOT_A_PDF
from tests.webapp.services.test_outbox import make_case, run_sender, send_a_link, worker  # noqa: F401
from webapp.services.letters import address_lines, letter_pdf
from webapp.services.pdf import pdf_from_html

ADDRESS = "1 High Street\nTown\nAB1 2CD"


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def squashed(text: str) -> str:
    """Without spaces and line breaks: a long link wraps across lines on the page."""
    return re.sub(r"\s+", "", text)


def test_a_link_letter_arrives_as_a_pdf_with_our_words_and_the_link(app, notify, worker):  # noqa: F811
    case_id = make_case(app, worker, phone=None, method="letter", address=ADDRESS)
    queued = send_a_link(app, case_id, worker)
    assert queued.channel == "letter"
    assert run_sender(app).sent == 1

    (sent,) = notify.notifications
    # The stand-in read the name from the address window, and found the clear space clear.
    assert (sent.type, sent.to, sent.status, sent.postage) == (
        "letter",
        "Sam Parent",
        "delivered",
        "second",
    )
    assert sent.reference == queued.reference
    reader = PdfReader(io.BytesIO(sent.pdf))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/Lang"] == "en"  # tagged (PDF/UA)
    text = pdf_text(sent.pdf)
    for words in (
        "This is a real letter. It is not a test.",
        "Please answer some short questions. You can skip any question.",
        "Type this private link into a phone or computer:",
    ):
        assert words in text
    link = next(line for line in queued.body.splitlines() if line.startswith("http"))
    assert "/p/start/" in link and squashed(link) in squashed(text)
    assert "AB1 2CD" in text and "Phone 020 7946 0000." in text


def test_a_long_address_keeps_its_name_and_postcode_in_seven_lines():
    lines = address_lines("Sam Parent\nFlat 2\n3 Road\nArea\nDistrict\nTown\nCounty\nAB1 2CD")
    assert len(lines) == 7 and lines[0] == "Sam Parent" and lines[-1] == "AB1 2CD"
    assert lines[5] == "Town, County"


def test_our_letter_fits_notifys_specification_and_a_plain_document_does_not(app, notify):
    client = NotificationsAPIClient(API_KEY, base_url=notify.url)
    with app.app_context():
        ours = letter_pdf("Sam Parent\n" + ADDRESS, "A letter", "Hello.\nThis is a letter.")
        # The fault planted: a page with the words where the address window is.
        plain = pdf_from_html(
            "<html lang='en'><head><title>x</title></head><body>"
            "<p style='margin-top:30mm'>Hello. This is a letter.</p></body></html>"
        )
    for reference, pdf in (("ours", ours), ("plain", plain)):
        client.send_precompiled_letter_notification(reference, io.BytesIO(pdf))
    statuses = {n.reference: (n.to, n.status) for n in notify.notifications}
    assert statuses["ours"] == ("Sam Parent", "delivered")
    assert statuses["plain"][1] == "validation-failed"


@pytest.mark.parametrize(
    ("body", "error", "message"),
    [
        (
            {"reference": "r1", "content": base64.b64encode(b"not a pdf").decode()},
            "BadRequestError",
            NOT_A_PDF,
        ),
        ({"reference": "r1", "content": "%%% not base64"}, "BadRequestError", NOT_A_PDF),
        ({"content": "JVBERi0="}, "ValidationError", "reference is a required property"),
        (
            {"reference": "r1", "content": "JVBERi0=", "postage": "fast"},
            "ValidationError",
            "postage invalid. It must be either first, second or economy.",
        ),
        (
            {"reference": "r1", "content": "JVBERi0=", "template_id": "x"},
            "ValidationError",
            "Additional properties are not allowed (template_id was unexpected)",
        ),
    ],
)
def test_the_stand_in_refuses_a_precompiled_letter_as_notify_does(notify, body, error, message):
    client = NotificationsAPIClient(API_KEY, base_url=notify.url)
    with pytest.raises(APIError) as refused:
        client.post("/v2/notifications/letter", data=body)
    assert refused.value.status_code == 400
    assert refused.value.message == [{"error": error, "message": message}]
    assert notify.notifications == []
