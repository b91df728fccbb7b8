"""Intake workers record the safety check for an alert: what they did. That clears it."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from webapp.access.audit import record_event
from webapp.access.security import case_for_team, role_required
from webapp.forms.staff import SafetyCheckForm
from webapp.services.safety import SafetyAlertError, acknowledge, alert_of_case, describe
from webapp.storage.clock import utcnow

bp = Blueprint("safety", __name__, url_prefix="/cases")


@bp.route("/<int:case_id>/safety-alerts/<int:alert_id>", methods=["GET", "POST"])
@role_required("intake")
def check(case_id: int, alert_id: int):
    case = case_for_team(case_id)
    alert = alert_of_case(case, alert_id)
    if alert is None:
        abort(404)
    form = SafetyCheckForm()
    if alert.is_open and form.validate_on_submit():
        try:
            acknowledge(alert, current_user, form.action_taken.data)
        except SafetyAlertError as exc:  # another worker recorded it first: show theirs
            flash(f"{exc}.", "info")
            return redirect(url_for("safety.check", case_id=case.id, alert_id=alert.id))
        flash("Safety check recorded. The alert is cleared.", "success")
        return redirect(url_for("intake.case", case_id=case.id))
    record_event("safety_alert.viewed", case_id=case.id, commit=True)
    return render_template(
        "safety/check.html", case=case, shown=describe(alert, utcnow()), form=form
    )
