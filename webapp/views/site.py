"""Pages that belong to no single audience: the start page redirect, health check, and the
things every template needs."""

from __future__ import annotations

from flask import Blueprint, Flask, g, redirect, url_for
from flask_login import current_user

from screening import builtin_content
from webapp.access.security import public, role_required
from webapp.services.health import health_report
from webapp.storage.database import reads_only

bp = Blueprint("pages", __name__)

HOME_BY_ROLE = {"intake": "intake.cases", "clinician": "review.queue", "admin": "admin.users"}


@bp.route("/")
@role_required("intake", "clinician", "admin")
def index():
    return redirect(url_for(HOME_BY_ROLE[current_user.role]))


@bp.route("/healthz")
@reads_only
@public
def healthz():
    # Which part is down, for the load balancer and whoever is on call; 503 takes this
    # instance out of the load balancer's rotation.
    report = health_report()
    return report, 200 if report["status"] == "ok" else 503


def register_context(app: Flask) -> None:
    @app.context_processor
    def shared():
        if g.get("plain_page"):
            return {"signed_in": False, "catalogue": builtin_content().adjustments}
        return {
            "signed_in": current_user.is_authenticated,
            "catalogue": builtin_content().adjustments,
        }
