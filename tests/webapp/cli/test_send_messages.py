"""`flask send-messages` and `flask invite-link --send`, through the CLI runner."""

from __future__ import annotations

from tests.factories import create_case, create_team
from webapp.extensions import db


def case_id(app, **contact) -> int:
    with app.app_context():
        case = create_case(team=create_team(), contact_method="text")
        for name, value in contact.items():
            setattr(case, name, value)
        db.session.commit()
        return case.id


def test_invite_link_send_queues_the_link_and_the_sender_sends_it(app, notify):
    runner = app.test_cli_runner()
    made = runner.invoke(args=["invite-link", str(case_id(app)), "reading-writing", "--send"])
    assert made.exit_code == 0, made.output
    link, queued = made.output.strip().splitlines()
    assert "/p/" in link and queued.endswith("by sms: queued.")

    sent = runner.invoke(args=["send-messages", "--once"])
    assert sent.output.startswith("Sent 1, found already sent 0, to retry 0, failed 0.")
    (notification,) = notify.notifications
    assert link in notification.personalisation["body"]


def test_invite_link_send_without_a_way_to_reach_the_parent_says_so(app, notify):
    made = app.test_cli_runner().invoke(
        args=["invite-link", str(case_id(app, phone=None)), "reading-writing", "--send"]
    )
    assert made.exit_code == 1
    assert "no mobile number, email address or postal address" in made.output


def test_send_messages_says_when_notify_is_not_set_up(app):
    result = app.test_cli_runner().invoke(args=["send-messages", "--once"])
    assert result.exit_code == 1
    assert "Notify is not set up" in result.output


def test_send_messages_now_needs_once_and_an_iso_time(app, notify):
    runner = app.test_cli_runner()
    alone = runner.invoke(args=["send-messages", "--now", "2026-03-01T10:00"])
    assert alone.exit_code == 2 and "--now needs --once" in alone.output
    bad = runner.invoke(args=["send-messages", "--once", "--now", "soon"])
    assert bad.exit_code == 2 and "ISO time" in bad.output
    fine = runner.invoke(args=["send-messages", "--once", "--now", "2026-03-01T10:00"])
    assert fine.exit_code == 0 and fine.output.startswith("Sent 0,")


def test_a_notify_key_must_be_in_notifys_form_with_a_template_per_channel():
    import pytest

    from tests.notify_stand_in import API_KEY, TEMPLATES
    from webapp.config import ConfigError, load_config

    # Letters need no template: they are precompiled PDFs.
    templates = {
        f"NOTIFY_{kind.upper()}_TEMPLATE_ID": TEMPLATES[kind][0] for kind in ("sms", "email")
    }
    assert load_config({"NOTIFY_API_KEY": API_KEY, **templates})["NOTIFY_API_KEY"] == API_KEY
    with pytest.raises(ConfigError, match="not a Notify API key"):
        load_config({"NOTIFY_API_KEY": "just-a-password", **templates})
    with pytest.raises(ConfigError, match="also set NOTIFY_EMAIL_TEMPLATE_ID"):
        load_config({"NOTIFY_API_KEY": API_KEY, **templates, "NOTIFY_EMAIL_TEMPLATE_ID": ""})


def test_each_pass_of_the_sender_queues_the_reminders_due_then_sends_them(app, notify):
    from datetime import UTC, datetime, timedelta

    import time_machine

    runner = app.test_cli_runner()
    # The link is sent at 10:00 UTC on a fixed day, so that three days and a minute later is
    # daytime whatever the hour this test runs at (reminders wait out the quiet hours).
    sent = datetime(2026, 6, 10, 10, 0, tzinfo=UTC)
    with time_machine.travel(sent, tick=False):
        runner.invoke(args=["invite-link", str(case_id(app)), "reading-writing", "--send"])
    later = (sent + timedelta(days=3, minutes=1)).isoformat()
    result = runner.invoke(args=["send-messages", "--once", "--now", later])
    assert result.output.strip().endswith("Reminders 1, expiry warnings 0."), result.output
    assert [n.personalisation["body"].count("/p/start/") for n in notify.notifications] == [1, 1]


def test_invite_link_send_off_the_plan_needs_a_reason(app, notify):
    """A phone-first parent: the text link is refused until a reason is given."""
    from webapp.services.plans import propose_new_plan
    from webapp.storage.records import ContactLog

    with app.app_context():
        case = create_case(team=create_team(), contact_method="phone")
        propose_new_plan(case)
        db.session.commit()
        found = case.id
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["invite-link", str(found), "reading-writing", "--send"])
    assert refused.exit_code == 1
    assert "The plan says contact the parent by a phone call first" in refused.output
    made = runner.invoke(
        args=["invite-link", str(found), "reading-writing", "--send", "--reason", "Asked by text"]
    )
    assert made.exit_code == 0, made.output
    with app.app_context():
        (entry,) = db.session.scalars(db.select(ContactLog))
        assert (entry.followed_plan, entry.reason) == (False, "Asked by text")
