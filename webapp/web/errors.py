"""Error pages in plain words with a reference, never a traceback."""

from __future__ import annotations

import contextlib
import logging
import uuid

from flask import Flask, current_app, g, render_template, request
from flask_wtf.csrf import CSRFError
from limits.errors import StorageError
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from webapp.access.audit import record_event
from webapp.extensions import db

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("Sorry, there is a problem with that request", "Go back and try again."),
    403: (
        "You do not have permission to see this page",
        "If you think you should, ask your service administrator.",
    ),
    404: ("Page not found", "Check the web address, or go back to the previous page."),
    405: ("Sorry, that did not work", "Go back and try again."),
    410: ("This link has closed", "You do not need to do anything else."),
    413: ("What you sent is too big", "Go back and send less, then try again."),
    415: ("Sorry, there is a problem with that request", "Go back and try again."),
    429: ("Too many tries", "Wait a few minutes, then try again."),
    500: ("Sorry, there is a problem with the service", "Try again later."),
    503: ("Sorry, the service is unavailable", "Try again in a few minutes."),
}

# A part the service depends on is down (the database, or Redis where the limits are counted):
# nothing is wrong with the request or our code, so the answer is 503, not 500.
OUTAGES = (OperationalError, StorageError)


def render_error(status: int, reference: str | None = None):
    title, advice = MESSAGES.get(status, MESSAGES[500])
    if status in (413, 500, 503):
        # The database may be what failed (500, 503), or the request was refused before its
        # body was read (413): this page must not ask the database anything (who is signed in,
        # a parent's display options), so it has its own plain layout.
        g.plain_page = True
        page = render_template("error_plain.html", title=title, advice=advice, reference=reference)
    else:
        page = render_template("error.html", title=title, advice=advice, reference=reference)
    return page, status


def register(app: Flask) -> None:
    for status in MESSAGES:
        if status not in (404, 500, 503):
            app.register_error_handler(status, lambda exc, s=status: render_error(s))

    @app.errorhandler(404)
    def not_found(_exc):
        # A parent who mistyped part of their link gets a kind page that says who to call.
        if request.path.startswith("/p/"):
            return link_problem(404)
        return render_error(404)

    @app.errorhandler(CSRFError)
    def csrf_error(_exc):
        record_event("csrf.failed", outcome="denied")
        return render_error(400)

    @app.errorhandler(429)
    def rate_limited(_exc):
        record_event("rate_limit.hit", outcome="denied")
        return render_error(429)

    @app.errorhandler(503)
    def unavailable(exc):
        return outage(exc)

    for kind in OUTAGES:
        app.register_error_handler(kind, outage)

    @app.errorhandler(500)
    def server_error(exc):
        # An outage met after the view (the limiter's headers, a commit at teardown) reaches
        # here as a 500: it is still an outage.
        if isinstance(getattr(exc, "original_exception", None), OUTAGES):
            return outage(exc.original_exception)
        reference = uuid.uuid4().hex[:10]
        # The reference ties the page to the log line; no request data is logged.
        log.error(
            "Unhandled error %s: %s",
            reference,
            type(getattr(exc, "original_exception", exc)).__name__,
        )
        db.session.rollback()
        return render_error(500, reference)


def outage(exc):
    """The plain 503 page, with a reference for the log line that names the failed part's
    error (never the request's data)."""
    reference = uuid.uuid4().hex[:10]
    log.error("Service unavailable %s: %s", reference, type(exc).__name__)
    with contextlib.suppress(SQLAlchemyError):
        db.session.rollback()
    page, status = render_error(503, reference)
    return page, status, {"Retry-After": "30"}


def link_problem(status: int):
    """A kind page for a link that does not work (mistyped, or no link opened yet): what to do
    and who to contact, never a bare error."""
    g.parent_page = True
    return render_template(
        "parent/link_problem.html", phone=current_app.config["ORGANISATION_PHONE"]
    ), status
