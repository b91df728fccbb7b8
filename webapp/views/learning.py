"""Pages for the learning loop, for clinicians and admins: each domain's active scorecard, how
many outcomes exist, fitting a new version, and approving or discarding it."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from screening import builtin_content
from webapp.access.security import role_required
from webapp.forms.staff import ConfirmForm
from webapp.services.errors import WorkflowError
from webapp.services.learning import (
    MIN_EACH,
    MIN_OUTCOMES,
    active_scorecard,
    decide,
    fit_candidate,
    fitted_scorecard,
    fitted_version,
    fitted_versions,
    model_card,
    outcome_counts,
    outdated_results,
    rescore,
    training_data,
)

bp = Blueprint("learning", __name__, url_prefix="/scorecards")
leads = role_required("clinician", "admin")


def _domain_or_404(domain: str):
    domains = builtin_content().domains
    if domain not in domains:
        abort(404)
    return domains[domain]


@bp.route("")
@leads
def index():
    content = builtin_content()
    rows = []
    counts = outcome_counts()
    for domain in content.domains.values():
        try:
            card = active_scorecard(domain.id)
        except WorkflowError:
            continue
        rows.append((domain, card, counts.get(domain.id, {})))
    return render_template("learning/index.html", rows=rows)


@bp.route("/<domain>")
@leads
def domain(domain: str):
    info = _domain_or_404(domain)
    card = active_scorecard(domain)
    data = training_data(domain)
    candidates = fitted_versions(domain)
    return render_template(
        "learning/domain.html",
        domain=info,
        card=card,
        data=data,
        versions=candidates,
        outdated=outdated_results(domain),
        form=ConfirmForm(),
        minimum=MIN_OUTCOMES,
        minimum_each=MIN_EACH,
    )


@bp.route("/<domain>/fit", methods=["POST"])
@leads
def fit(domain: str):
    _domain_or_404(domain)
    if ConfirmForm().validate_on_submit():
        try:
            version = fit_candidate(domain, current_user)
        except WorkflowError as exc:
            flash(str(exc), "error")
        else:
            flash(
                f"Fitted version {version.version}. Compare it with the scorecard in use below, "
                "then approve or discard it.",
                "success",
            )
    return redirect(url_for("learning.domain", domain=domain))


@bp.route("/versions/<int:version_id>/<any(approve, discard):decision>", methods=["POST"])
@leads
def decide_version(version_id: int, decision: str):
    version = fitted_version(version_id)
    if version is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        try:
            decide(version, current_user, approve=decision == "approve")
        except WorkflowError as exc:
            flash(str(exc), "error")
        else:
            outcome = "is now active" if decision == "approve" else "was discarded"
            flash(f"Version {version.version} {outcome}.", "success")
    return redirect(url_for("learning.domain", domain=version.domain))


@bp.route("/<domain>/rescore", methods=["POST"])
@leads
def rescore_results(domain: str):
    """Explicit re-scoring of older results with the scorecard in use (never automatic)."""
    _domain_or_404(domain)
    if ConfirmForm().validate_on_submit():
        count = rescore(domain, current_user)
        flash(
            f"Re-scored {count} result{'s' if count != 1 else ''} with the scorecard in use.",
            "success",
        )
    return redirect(url_for("learning.domain", domain=domain))


@bp.route("/<domain>/card/<scorecard_id>/<version>.html")
@leads
def card(domain: str, scorecard_id: str, version: str):
    """The model card of the active scorecard or a fitted version, on this service's outcomes.
    Sent as a file to open: it carries its own styles and charts."""
    _domain_or_404(domain)
    data = training_data(domain)
    if len(data.labels) < 2 or data.confirmed in (0, len(data.labels)):
        abort(404)
    active = active_scorecard(domain)
    if (active.id, active.version) == (scorecard_id, version):
        chosen = active
    else:
        chosen = fitted_scorecard(domain, scorecard_id, version)
        if chosen is None:
            abort(404)
    html = model_card(chosen, data)
    return Response(
        html,
        mimetype="text/html",
        headers={
            "Content-Disposition": f'attachment; filename="{scorecard_id}-{version}-card.html"'
        },
    )
