"""The outbox and its sender against the stand-in Notify (tests/notify_stand_in.py): the
channel each parent gets, the words that arrive, retries with backoff, permanent failures as
tasks, the embedded default, and a crash between sending and recording."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import requests
from sqlalchemy import select

from questionnaires import builtin_library
from tests.factories import create_case, create_team, create_user
from tests.notify_stand_in import API_KEY, CLOCK_ERROR, SECRET, SERVICE_ID
from webapp.extensions import db
from webapp.services.errors import WorkflowError
from webapp.services.invitations import send_link
from webapp.services.messages import release_held_letters
from webapp.services.outbox import Claim, claim_next, deliver, send_due
from webapp.services.plans import propose_new_plan
from webapp.services.tasks import open_tasks
from webapp.storage.clock import utcnow
from webapp.storage.records import Message, PlanItem
from webapp.storage.states import MessageStatus

READING = builtin_library().get("reading-writing")
# The sender's clock (its --now): a day after the suite starts, so every message a test
# queues (at the real time, however slowly the suite runs) is due by then.
NOW = utcnow().replace(microsecond=0) + timedelta(days=1)


@pytest.fixture
def worker(app):
    with app.app_context():
        team = create_team(name="North Family Team")
        team.phone = "020 7946 0000"
        db.session.commit()
        return create_user(role="intake", team=team).id


def make_case(app, worker_id: int, **contact) -> int:
    from webapp.storage.records import User

    with app.app_context():
        worker = db.session.get(User, worker_id)
        case = create_case(team=worker.team, contact_method=contact.pop("method", "text"))
        for name, value in contact.items():
            setattr(case, name, value)
        db.session.commit()
        return case.id


def send_a_link(app, case_id: int, worker_id: int, reason: str | None = None) -> Message:
    """The worker sends a link; `reason` is theirs for going ahead off the plan."""
    from webapp.storage.records import Case, User

    with app.test_request_context():
        case = db.session.get(Case, case_id)
        worker = db.session.get(User, worker_id)
        _invitation, token, message = send_link(case, [READING], worker, reason)
        db.session.refresh(message)
        db.session.expunge(message)
        return message


def messages(app) -> list[Message]:
    with app.app_context():
        found = list(db.session.scalars(select(Message).order_by(Message.id)))
        db.session.expunge_all()
        return found


def run_sender(app, now: datetime | None = None):
    with app.app_context():
        return send_due(now)


def test_a_link_arrives_as_a_signed_easy_read_text(app, notify, worker):
    case_id = make_case(app, worker, phone="07700 900123")
    queued = send_a_link(app, case_id, worker)
    assert queued.status == MessageStatus.QUEUED and queued.channel == "sms"

    report = run_sender(app)

    assert report.sent == 1
    (sent,) = notify.notifications
    assert sent.type == "sms" and sent.to == "07700900123"
    assert sent.reference == queued.reference
    body = sent.personalisation["body"]
    assert "This is Test Intake from North Family Team." in body
    assert "not a test" in body and "Please use it by" in body
    assert "/p/" in body  # the private link
    assert body.endswith("From Test Intake, North Family Team.\nPhone 020 7946 0000.")
    (message,) = messages(app)
    assert message.status == MessageStatus.SENT and message.notify_id == sent.id


@pytest.mark.parametrize(
    ("contact", "channel", "to"),
    [
        ({"method": "email", "email": "sam@example.test"}, "email", "sam@example.test"),
        # No mobile (a landline cannot get a text): email, then a letter.
        ({"phone": "020 7946 0123", "email": "sam@example.test"}, "email", "sam@example.test"),
        ({"phone": None, "address": "1 High Street\nTown\nAB1 2CD"}, "letter", "Sam Parent"),
        ({"method": "letter", "address": "1 High Street\nTown\nAB1 2CD"}, "letter", "Sam Parent"),
    ],
)
def test_the_channel_is_the_parents_preferred_one_then_text_email_letter(
    app, notify, worker, contact, channel, to
):
    case_id = make_case(app, worker, **contact)
    send_a_link(app, case_id, worker)
    run_sender(app)
    (sent,) = notify.notifications
    assert (sent.type, sent.to) == (channel, to)


def test_no_way_to_reach_the_parent_is_a_clear_message_and_makes_nothing(app, notify, worker):
    case_id = make_case(app, worker, phone=None)
    with pytest.raises(WorkflowError, match="no mobile number, email address or postal"):
        send_a_link(app, case_id, worker)
    with app.app_context():
        db.session.rollback()
    assert messages(app) == []


def test_a_plan_that_says_phone_first_holds_the_letter_until_the_call(app, notify, worker):
    from webapp.storage.records import Case

    case_id = make_case(app, worker, phone=None, method="letter", address="1 High St\nAB1 2CD")
    with app.app_context():
        plan = propose_new_plan(db.session.get(Case, case_id))
        plan.items.append(PlanItem(adjustment_id="phone-before-letters", source="worker"))
        db.session.commit()
    held = send_a_link(app, case_id, worker)
    assert held.status == MessageStatus.HELD
    run_sender(app)
    assert notify.notifications == []

    with app.test_request_context():
        assert release_held_letters(db.session.get(Case, case_id)) == 1
    run_sender(app)
    (sent,) = notify.notifications
    assert (sent.type, sent.to, sent.status) == ("letter", "Sam Parent", "delivered")


def test_without_notify_the_worker_gets_the_message_to_copy(app, worker):
    case_id = make_case(app, worker, phone="07700 900123")
    message = send_a_link(app, case_id, worker)
    assert message.status == MessageStatus.TO_COPY
    with app.app_context():
        assert send_due().handled == 0  # the sender leaves it alone


def test_temporary_failures_are_retried_with_backoff(app, notify, worker):
    app.config["MESSAGE_RETRY_SECONDS"] = 60
    send_a_link(app, make_case(app, worker), worker)
    notify.fail_next(500, times=1)
    notify.fail_next(429, times=1)

    assert run_sender(app, NOW).retrying == 1
    (message,) = messages(app)
    assert message.next_attempt_at == NOW + timedelta(seconds=60)
    assert "500" in message.last_error
    assert run_sender(app, NOW + timedelta(seconds=59)).handled == 0  # not due yet

    assert run_sender(app, NOW + timedelta(seconds=60)).retrying == 1
    (message,) = messages(app)  # the wait doubles
    assert message.next_attempt_at == NOW + timedelta(seconds=60 + 120)
    assert "429" in message.last_error

    assert run_sender(app, NOW + timedelta(seconds=180)).sent == 1
    assert len(notify.notifications) == 1
    (message,) = messages(app)
    assert message.status == MessageStatus.SENT and message.attempts == 3


def test_a_message_still_failing_after_the_last_try_becomes_a_task(app, notify, worker):
    app.config.update(MESSAGE_RETRY_SECONDS=0, MESSAGE_MAX_ATTEMPTS=3)
    case_id = make_case(app, worker)
    send_a_link(app, case_id, worker)
    notify.fail_next(500, times=3)
    report = run_sender(app, NOW)
    assert (report.retrying, report.failed) == (2, 1)
    assert notify.notifications == []
    (message,) = messages(app)
    assert message.status == MessageStatus.FAILED and "after 3 tries" in message.last_error


def test_a_refused_message_is_not_retried_and_becomes_a_task(app, notify, worker):
    from webapp.storage.records import Case

    app.config["NOTIFY_SMS_TEMPLATE_ID"] = "00000000-0000-0000-0000-000000000000"
    case_id = make_case(app, worker)
    send_a_link(app, case_id, worker)
    assert run_sender(app, NOW).failed == 1
    assert [status for status, _body in notify.refused] == [400]
    (message,) = messages(app)
    assert message.status == MessageStatus.FAILED
    assert "Template not found" in message.last_error
    with app.app_context():
        (task,) = open_tasks(db.session.get(Case, case_id))
        assert "could not be sent" in task.text and "another way" in task.text
    assert run_sender(app, NOW + timedelta(days=1)).handled == 0


def test_a_wrong_key_is_refused_as_notify_refuses_it(app, notify, worker):
    app.config["NOTIFY_API_KEY"] = API_KEY.replace(SECRET, "0" * 8 + SECRET[8:])
    send_a_link(app, make_case(app, worker), worker)
    assert run_sender(app).failed == 1
    assert [status for status, _body in notify.refused] == [403]


def test_a_crash_between_sending_and_recording_sends_nothing_twice(app, notify, worker):
    app.config["MESSAGE_CLAIM_SECONDS"] = 300
    send_a_link(app, make_case(app, worker), worker)
    with app.app_context():
        from webapp.services import notify as gateway

        claim = claim_next(NOW)
        gateway.send(claim.outgoing)  # sent, then the sender dies before it records
        db.session.rollback()
    assert len(notify.notifications) == 1

    assert run_sender(app, NOW + timedelta(seconds=299)).handled == 0  # still claimed
    report = run_sender(app, NOW + timedelta(seconds=300))
    assert report.found_already_sent == 1
    assert len(notify.notifications) == 1  # asked Notify by reference, did not send again
    (message,) = messages(app)
    assert message.status == MessageStatus.SENT
    assert message.notify_id == notify.notifications[0].id


def test_without_the_look_up_the_stand_in_sees_the_duplicate(app, notify, worker):
    """The crash test can fail: a sender that resends without asking first sends twice."""
    send_a_link(app, make_case(app, worker), worker)
    with app.app_context():
        from webapp.services import notify as gateway

        claim = claim_next(NOW)
        gateway.send(claim.outgoing)
        db.session.rollback()
        first_try = Claim(claim.message_id, 1, claim.outgoing)  # as if no send had happened
        deliver(first_try, NOW)
    references = [n.reference for n in notify.notifications]
    assert len(references) == 2 and len(set(references)) == 1


def test_the_case_page_shows_each_message_and_marks_what_the_service_did_not_send(
    app, client, worker
):
    from tests.factories import sign_in_as
    from tests.pages import get_page
    from webapp.storage.records import User

    case_id = make_case(app, worker)
    send_a_link(app, case_id, worker)
    with app.app_context():
        sign_in_as(client, db.session.get(User, worker))
    page = get_page(client, f"/cases/{case_id}")
    card = page.select_one("[data-status=to_copy]")
    assert "not sent by the service" in card.get_text()
    assert (
        "From Test Intake, North Family Team."
        in card.select_one("[data-testid=message-to-copy]").get_text()
    )


def test_every_message_is_audited(app, notify, worker):
    from webapp.storage.records import AuditEvent

    send_a_link(app, make_case(app, worker), worker)
    run_sender(app)
    with app.app_context():
        actions = list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions[-3:] == ["invitation.created", "message.queued", "message.sent"]


# --- the stand-in checks the token as Notify does -------------------------------------------


def _post(notify, token: str):
    return requests.post(
        f"{notify.url}/v2/notifications/sms",
        json={"phone_number": "07700900123", "template_id": "x"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )


def test_the_stand_in_refuses_a_token_older_than_30_seconds(notify):
    import time

    import jwt

    stale = jwt.encode({"iss": SERVICE_ID, "iat": int(time.time()) - 31}, SECRET, "HS256")
    answer = _post(notify, stale)
    assert answer.status_code == 403
    assert answer.json()["errors"] == [{"error": "AuthError", "message": CLOCK_ERROR}]


def test_the_stand_in_refuses_another_issuer_or_algorithm(notify):
    import time

    import jwt

    now = int(time.time())
    other = jwt.encode({"iss": "someone-else", "iat": now}, SECRET, "HS256")
    assert _post(notify, other).status_code == 403
    wrong_alg = jwt.encode({"iss": SERVICE_ID, "iat": now}, SECRET * 2, "HS512")
    assert _post(notify, wrong_alg).status_code == 403
    good = jwt.encode({"iss": SERVICE_ID, "iat": now}, SECRET, "HS256")
    answer = _post(notify, good)  # a good token, a bad template: the body is checked next
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["message"] == "Template not found"


def test_a_links_messages_are_deleted_with_it_under_the_retention_rules(app, notify, worker):
    from webapp.services.data_protection import purge_expired

    send_a_link(app, make_case(app, worker), worker)
    run_sender(app)
    with app.app_context():
        purge_expired(utcnow() + timedelta(days=14 + 91))
        db.session.commit()
    assert messages(app) == []


def test_a_resend_sends_a_new_link_and_the_old_one_stops_working(app, notify, worker):
    import re

    from webapp.services.invitations import find_invitation, resend_link, revoke_invitation
    from webapp.storage.records import Invitation, User

    send_a_link(app, make_case(app, worker), worker)
    run_sender(app)
    with app.test_request_context():
        invitation = db.session.scalar(select(Invitation))
        resend_link(invitation, db.session.get(User, worker))
    run_sender(app)
    first, second = notify.notifications
    old, new = (re.search(r"/p/start/(\S+)", n.personalisation["body"])[1] for n in (first, second))
    assert "Here is a new private link" in second.personalisation["body"]
    with app.test_request_context():
        assert find_invitation(old) is None
        invitation = find_invitation(new)
        assert invitation is not None
        revoke_invitation(invitation)
        with pytest.raises(WorkflowError, match="closed or expired"):
            resend_link(invitation, None)
