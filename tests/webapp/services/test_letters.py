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


# --- the parent's copy of the plan, and printing when letters are off -----------------------


def agreed_case(app, worker_id: int, *, agree: bool = True) -> int:
    from questionnaires import builtin_library
    from webapp.extensions import db
    from webapp.services.plans import agree_plan
    from webapp.services.questions import save_answer, start_response
    from webapp.services.scoring import submit_response
    from webapp.storage.records import Case, User

    case_id = make_case(app, worker_id, phone=None, method="letter", address=ADDRESS)
    with app.app_context():
        case, user = db.session.get(Case, case_id), db.session.get(User, worker_id)
        reading = builtin_library().get("reading-writing")
        response = start_response(case, reading, "with-worker", user)
        for item in reading.items:
            save_answer(response, item.id, item.option_values[-1])
        submit_response(response, user)
        if agree:
            agree_plan(case.draft_plan, user)
        db.session.commit()
    return case_id


def signed_in_worker(app, worker_id: int):
    from tests.factories import sign_in_as
    from webapp.extensions import db
    from webapp.storage.records import User

    client = app.test_client()
    with app.app_context():
        sign_in_as(client, db.session.get(User, worker_id))
    return client


def post_the_plan(app, client, case_id: int):
    from tests.pages import csrf_token, get_page, post_page

    page = get_page(client, f"/cases/{case_id}/plan")
    assert page.select_one("[data-testid=post-plan]") is not None
    return post_page(client, f"/cases/{case_id}/plan/post", {"csrf_token": csrf_token(page)})


def plan_words(app, case_id: int) -> list[str]:
    from screening.content import builtin_content
    from webapp.extensions import db
    from webapp.storage.records import Case

    catalogue = builtin_content().adjustments
    with app.app_context():
        plan = db.session.get(Case, case_id).agreed_plan
        return [
            catalogue[i.adjustment_id].parent_text or catalogue[i.adjustment_id].title
            for i in plan.active_items
        ]


def test_the_parents_copy_of_the_plan_is_posted_as_a_pdf(app, notify, worker):  # noqa: F811
    from tests.pages import csrf_token, post_page

    case_id = agreed_case(app, worker)
    client = signed_in_worker(app, worker)
    page = post_the_plan(app, client, case_id)
    # This parent's plan says to phone before any letter: it waits for the call.
    assert "The letter waits until you record your phone call" in page.get_text()
    assert run_sender(app).handled == 0
    page = post_page(client, f"/cases/{case_id}/messages/phoned", {"csrf_token": csrf_token(page)})
    assert "1 letter(s) will now be sent" in page.get_text()
    assert run_sender(app).sent == 1

    (sent,) = notify.notifications
    assert (sent.type, sent.to, sent.status) == ("letter", "Sam Parent", "delivered")
    text = pdf_text(sent.pdf)
    assert "This is your plan. It says how we will work with you." in text
    items = plan_words(app, case_id)
    assert items and all(" ".join(item.split()) in text for item in items)
    assert "Phone 020 7946 0000." in text


def test_a_draft_plan_is_not_posted(app, notify, worker):  # noqa: F811
    from tests.pages import csrf_token, get_page, post_page

    case_id = agreed_case(app, worker, agree=False)
    client = signed_in_worker(app, worker)
    plan_page = get_page(client, f"/cases/{case_id}/plan")
    assert plan_page.select_one("[data-testid=post-plan]") is None
    page = post_page(client, f"/cases/{case_id}/plan/post", {"csrf_token": csrf_token(plan_page)})
    assert "Agree the plan before you send the parent a copy." in page.get_text()
    assert run_sender(app).handled == 0


def test_without_notify_the_worker_prints_each_letter_from_the_case_page(app, worker):  # noqa: F811
    from tests.pages import get_page

    case_id = agreed_case(app, worker)
    client = signed_in_worker(app, worker)
    page = post_the_plan(app, client, case_id)
    assert "Print the letter below" in page.get_text()
    # The link, by letter too: the plan says phone first, so the worker gives a reason.
    queued = send_a_link(app, case_id, worker, reason="The parent asked for it by post.")
    page = get_page(client, f"/cases/{case_id}")
    links = [a for a in page.select("[data-message] a") if "Print the letter" in a.get_text()]
    assert len(links) == 2
    texts = []
    for link in links:
        response = client.get(link["href"])
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        texts.append(pdf_text(response.data))
    link_text = next(line for line in queued.body.splitlines() if line.startswith("http"))
    assert any(squashed(link_text) in squashed(text) for text in texts)
    assert any("This is your plan." in text for text in texts)
    assert all("Sam Parent" in text and "AB1 2CD" in text for text in texts)


def test_another_cases_letter_is_not_found(app, worker):  # noqa: F811
    case_id = agreed_case(app, worker)
    other_id = make_case(app, worker, phone=None, method="letter", address=ADDRESS)
    message = send_a_link(app, other_id, worker)
    client = signed_in_worker(app, worker)
    assert client.get(f"/cases/{case_id}/messages/{message.id}/letter.pdf").status_code == 404
    assert client.get(f"/cases/{other_id}/messages/{message.id}/letter.pdf").status_code == 200
