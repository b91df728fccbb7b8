"""Clinicians: the review queue of flagged cases and a decision on each."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from screening import builtin_content
from webapp.audit import record_event
from webapp.forms import DecisionForm, choices
from webapp.security import case_for_team, role_required
from webapp.workflows import (
    WorkflowError,
    latest_results,
    questionnaire_for,
    record_review,
    review_queue,
)

bp = Blueprint("review", __name__, url_prefix="/review")
clinician_only = role_required("clinician")


@bp.route("")
@clinician_only
def queue():
    return render_template("review/queue.html", cases=review_queue(current_user.team_id))


@bp.route("/cases/<int:case_id>", methods=["GET", "POST"])
@clinician_only
def case(case_id: int):
    case = case_for_team(case_id)
    content = builtin_content()
    form = DecisionForm()
    form.pathway.choices = choices((p.id, p.name) for p in content.pathways.values())
    if form.validate_on_submit():
        try:
            record_review(case, current_user, form.decision.data, form.pathway.data, form.note.data)
        except WorkflowError as exc:
            form.pathway.errors = [str(exc)]
        else:
            flash("Decision recorded.")
            return redirect(url_for("review.queue"))
    results = latest_results(case)
    responses = [r for r in case.responses if r.status == "submitted"]
    record_event("review.case_viewed", case_id=case.id, commit=True)
    return render_template(
        "review/case.html",
        case=case,
        form=form,
        results=results,
        responses=responses,
        questionnaire_for=questionnaire_for,
        pathways=content.pathways,
        domains=content.domains,
    )
