"""Two `flask send-messages --once` processes at once over 1,000 messages, against the
stand-in Notify: every message arrives exactly once (none duplicated, none lost)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.factories import create_case, create_team
from tests.notify_stand_in import NotifyServer
from webapp.extensions import db
from webapp.storage.records import Message
from webapp.storage.states import MessageStatus

pytestmark = pytest.mark.load
MESSAGES = 1000
FLASK = str(Path(sys.executable).with_name("flask"))


def queue_messages(app, count: int) -> None:
    with app.app_context():
        case = create_case(team=create_team())
        db.session.add_all(
            Message(
                case_id=case.id,
                kind="link",
                channel="sms",
                recipient=f"07700{900000 + n:06d}"[-11:],
                body=f"Message {n}",
                reference=str(uuid.uuid4()),
            )
            for n in range(count)
        )
        db.session.commit()


def test_two_senders_over_1000_messages_send_each_exactly_once(app, capsys):
    queue_messages(app, MESSAGES)
    with NotifyServer() as notify:
        env = {
            **os.environ,
            **notify.config(),
            "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "MESSAGE_RETRY_SECONDS": "0",
        }
        started = time.monotonic()
        senders = [
            subprocess.Popen(
                [FLASK, "--app", "webapp", "send-messages", "--once"],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        outputs = [sender.communicate(timeout=300) for sender in senders]
        seconds = time.monotonic() - started
        references = Counter(n.reference for n in notify.notifications)

    assert [sender.returncode for sender in senders] == [0, 0], outputs
    with app.app_context():
        queued = set(db.session.scalars(select(Message.reference)))
        sent = db.session.scalar(
            select(func.count()).select_from(Message).where(Message.status == MessageStatus.SENT)
        )
    duplicates = sum(count - 1 for count in references.values())
    lost = len(queued - set(references))
    with capsys.disabled():
        print(
            f"\n{MESSAGES} messages, 2 senders, {seconds:.1f} s: duplicates {duplicates}, "
            f"lost {lost}; senders: {[out.strip() for out, _err in outputs]}"
        )
    assert duplicates == 0
    assert lost == 0
    assert sent == MESSAGES
    # Both senders did some of the work: they really ran at once.
    assert all(not out.startswith("Sent 0,") for out, _err in outputs), outputs
