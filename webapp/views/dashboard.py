"""The service dashboard: what screening finds across referrals, for staff and managers.
Only counts: no parent is named here."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, current_app, render_template, request
from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from wtforms import DateField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from models.safe_csv import safe_frame
from webapp.access.security import role_required
from webapp.services.plan_statistics import plan_figures, plan_frame
from webapp.services.statistics import Figures, Filters, all_teams, figures_frame, service_figures
from webapp.storage.clock import utcnow
from webapp.storage.states import Role

bp = Blueprint("dashboard", __name__)
staff = role_required("intake", "clinician", "admin")


class DashboardFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter: it changes nothing

    team = SelectField("Team", widget=GovSelect(), validators=[Optional()], validate_choice=True)
    date_from = DateField(
        "Referred from (YYYY-MM-DD)",
        widget=GovTextInput(),
        validators=[Optional()],
        format="%Y-%m-%d",
    )
    date_to = DateField(
        "Referred to (YYYY-MM-DD)",
        widget=GovTextInput(),
        validators=[Optional()],
        format="%Y-%m-%d",
    )
    submit = SubmitField("Show", widget=GovSubmitInput())


def _filters() -> tuple[DashboardFilterForm, Filters | None]:
    """Admins see every team or choose one; other staff see their own team only."""
    form = DashboardFilterForm(request.args)
    if current_user.role == Role.ADMIN:
        teams = all_teams()
        form.team.choices = [SelectChoice("", "All teams")] + [
            SelectChoice(str(t.id), t.name) for t in teams
        ]
    else:
        form.team.choices = [SelectChoice(str(current_user.team_id), current_user.team.name)]
    if not form.validate():
        return form, None
    team_id = (
        current_user.team_id
        if current_user.role != Role.ADMIN
        else (int(form.team.data) if form.team.data else None)
    )
    return form, Filters(team_id=team_id, date_from=form.date_from.data, date_to=form.date_to.data)


def cached_figures(filters: Filters) -> tuple[Figures, datetime]:
    """Figures are counts over every referral, so they are kept for DASHBOARD_CACHE_SECONDS
    (a minute by default) per filter; the page says how fresh they are."""
    seconds = current_app.config["DASHBOARD_CACHE_SECONDS"]
    cache = current_app.extensions.setdefault("dashboard_cache", {})
    now = utcnow()
    hit = cache.get(filters)
    if hit and seconds and (now - hit[1]).total_seconds() < seconds:
        return hit
    cache[filters] = (service_figures(filters), now)
    return cache[filters]


@bp.route("/dashboard")
@staff
def index():
    form, filters = _filters()
    figures, as_at = cached_figures(filters) if filters else (None, None)
    return render_template(
        "dashboard.html",
        form=form,
        figures=figures,
        as_at=as_at,
        query=request.query_string.decode(),
        plan=plan_figures(filters) if filters else None,
    )


@bp.route("/dashboard.csv")
@staff
def csv():
    form, filters = _filters()
    if filters is None:
        return render_template("dashboard.html", form=form, figures=None, query=""), 400
    data = safe_frame(figures_frame(cached_figures(filters)[0])).to_csv(index=False)
    return Response(
        data,
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=dashboard.csv"},
    )


@bp.route("/dashboard/plan.csv")
@staff
def plan_csv():
    """Contacts that followed the plan by team and month, and meetings with their adjustments
    in place (not cached: the contact log is small beside the referrals)."""
    form, filters = _filters()
    if filters is None:
        return render_template("dashboard.html", form=form, figures=None, query=""), 400
    data = safe_frame(plan_frame(plan_figures(filters))).to_csv(index=False)
    return Response(
        data,
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=plan-followed.csv"},
    )
