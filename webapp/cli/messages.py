"""The sender's command: `flask send-messages` (a worker process) or `--once` (cron, tests)."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import with_appcontext

from webapp.services.notify import notify_configured
from webapp.services.outbox import send_due
from webapp.services.plan_reviews import ask_for_plan_reviews
from webapp.services.reminders import queue_due_reminders


@click.command("send-messages")
@with_appcontext
@click.option("--once", is_flag=True, help="Send what is due now, then stop (for cron).")
@click.option(
    "--now",
    "now_text",
    default=None,
    metavar="ISO-TIME",
    help="With --once: send what is due as of this time (UTC unless it names a zone).",
)
@click.option(
    "--every",
    type=click.FloatRange(min=0.1),
    default=5.0,
    show_default=True,
    help="Seconds between looks at the outbox, when running as a worker process.",
)
def send_messages_command(once: bool, now_text: str | None, every: float):
    """Send the outbox's messages through GOV.UK Notify. Several may run at once."""
    from webapp.cli.commands import parse_moment

    if not notify_configured():
        raise click.ClickException(
            "Notify is not set up (NOTIFY_API_KEY): workers copy or print each message from "
            "the case page instead."
        )
    if now_text and not once:
        raise click.BadParameter("--now needs --once", param_hint="--now")
    now = parse_moment(now_text) if now_text else None
    while True:
        with current_app.test_request_context():  # reminders' links are made with url_for
            due = queue_due_reminders(now)
        ask_for_plan_reviews(now)  # a plan whose review date has come: a task for the worker
        report = send_due(now)
        if once or report.handled or due.reminders or due.warnings:
            click.echo(
                f"Sent {report.sent}, found already sent {report.found_already_sent}, "
                f"to retry {report.retrying}, failed {report.failed}. "
                f"Reminders {due.reminders}, expiry warnings {due.warnings}."
            )
        if once:
            return
        time.sleep(every)
