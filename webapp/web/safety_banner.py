"""The safety banner on every staff page, and staff times in the display time zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app, g, request
from flask_login import current_user

from webapp.services.safety import describe, open_alerts_for
from webapp.storage.clock import utcnow


def local_time(moment: datetime | None, pattern: str = "%-H:%M on %-d %B %Y") -> str:
    """A stored (UTC) time as staff read it, in DISPLAY_TIMEZONE: 9:05 on 3 March 2026."""
    if moment is None:
        return ""
    zone = ZoneInfo(current_app.config["DISPLAY_TIMEZONE"])
    return moment.replace(tzinfo=UTC).astimezone(zone).strftime(pattern)


def register(app: Flask) -> None:
    app.add_template_filter(local_time, "local_time")

    @app.context_processor
    def safety_banner():
        # A function, so only pages that show the banner (staff pages) run its query.
        def staff_safety_alerts():
            if (
                g.get("plain_page")
                or request.blueprint == "parent"
                or not current_user.is_authenticated
            ):
                return [], False
            return open_alerts_for(current_user, utcnow())

        return {
            "staff_safety_alerts": staff_safety_alerts,
            "describe_alert": lambda alert: describe(alert, utcnow()),
        }
